"""The connectivity test: which endpoints were reachable, and why not."""

from __future__ import annotations

import respx

from tests.connectors.oneroster_rest.helpers import TOKEN_URL, connector, token_body, v12_config
from tests.connectors.oneroster_rest.payloads import V12_ROOT, district_v1p2
from tests.connectors.oneroster_rest.provider import FakeProvider, status_payload

NAMES = [
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "enrollments",
    "demographics",
]


def test_every_endpoint_reachable_with_counts() -> None:
    provider = FakeProvider(district_v1p2())
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL).respond(json=token_body())
        router.get(url__startswith=V12_ROOT).mock(side_effect=provider)
        checks = connector(v12_config()).check()
    assert [c.target for c in checks] == NAMES
    assert all(c.ok for c in checks)
    users = checks[4]
    assert users.detail == f"GET {V12_ROOT}/users: HTTP 200, 4 records"
    assert {r.url.params["limit"] for r in provider.requests} == {"1"}


def test_a_missing_demographics_scope_fails_only_that_line() -> None:
    provider = FakeProvider(district_v1p2())
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL).respond(json=token_body())
        router.get(url__startswith=f"{V12_ROOT}/demographics").respond(
            403, json=status_payload("forbidden", "Insufficient scope")
        )
        router.get(url__startswith=V12_ROOT).mock(side_effect=provider)
        checks = connector(v12_config()).check()
    assert [c.ok for c in checks] == [True] * 6 + [False]
    assert "roster-demographics.readonly" in checks[-1].detail
    assert "include_demographics" in checks[-1].detail


def test_refused_credentials_stop_the_test() -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL).respond(401, json={"error": "invalid_client"})
        data = router.get(url__startswith=V12_ROOT)
        checks = connector(v12_config(include_demographics=False)).check()
        assert data.call_count == 0
    assert [c.target for c in checks] == NAMES[:-1]
    assert not any(c.ok for c in checks)
    assert "invalid_client" in checks[0].detail
    assert all(c.detail.endswith("not tried (authentication failed)") for c in checks[1:])


def test_wrong_base_url_is_reported_per_endpoint() -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL).respond(json=token_body())
        router.get(url__startswith=V12_ROOT).respond(
            404, json=status_payload("unknownobject", "Not found")
        )
        checks = connector(v12_config()).check()
    assert len(checks) == 7
    assert not any(c.ok for c in checks)
    assert "check base_url and version" in checks[0].detail
