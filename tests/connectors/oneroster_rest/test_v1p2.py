"""OneRoster 1.2 provider (OAuth 2 client credentials): full and incremental runs end to end,
through the mapping and the validating importer into the canonical store."""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from sqlalchemy import Engine

from interop_hub.core.errors import SourceAuthError
from tests.connectors.oneroster_rest.helpers import (
    TOKEN_URL,
    connector,
    rows,
    run,
    token_body,
    v12_config,
)
from tests.connectors.oneroster_rest.payloads import V12_ROOT, district_v1p2
from tests.connectors.oneroster_rest.provider import FakeProvider, status_payload

SCOPES = {
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly",
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly",
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly",
}


def _mock(provider: FakeProvider) -> respx.MockRouter:
    router = respx.mock(assert_all_called=False)
    router.post(TOKEN_URL).respond(json=token_body())
    router.get(url__startswith=V12_ROOT).mock(side_effect=provider)
    return router


def test_full_run_lands_the_district_in_the_store(db_engine: Engine, tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p2())
    with _mock(provider) as router:
        result = run(connector(v12_config()), tmp_path / "full", db_engine)
        token_request = router.calls[0].request

    assert token_request.url == TOKEN_URL
    form = parse_qs(token_request.content.decode())
    assert form["grant_type"] == ["client_credentials"]
    assert set(form["scope"][0].split()) == SCOPES
    expected = base64.b64encode(b"hub-lakeview:s3cret-value").decode()
    assert token_request.headers["Authorization"] == f"Basic {expected}"
    assert all(
        r.headers["Authorization"] == "Bearer eyJhbGciOi.test.token" for r in provider.requests
    )
    first = provider.requests[0].url.params
    assert (first["limit"], first["offset"], first["sort"]) == ("1000", "0", "sourcedId")

    assert result.records == {
        "orgs": 2,
        "academicSessions": 3,
        "courses": 1,
        "classes": 1,
        "users": 4,
        "enrollments": 2,
        "demographics": 1,
    }
    assert result.bookmarks["users"] == "2024-08-01T12:00:00.000Z"

    assert rows(db_engine, "SELECT sourced_id, type, parent_id FROM orgs ORDER BY 1") == [
        ("dist-1", "district", None),
        ("sch-100", "school", "dist-1"),
    ]
    assert rows(db_engine, "SELECT sourced_id, school_year FROM academic_sessions ORDER BY 1") == [
        ("ay-2025", "2025"),
        ("t-2025-s1", "2025"),
        ("t-2025-s2", "2025"),
    ]
    assert rows(db_engine, "SELECT term_id FROM class_terms ORDER BY ordinal") == [
        ("t-2025-s1",),
        ("t-2025-s2",),
    ]
    assert rows(db_engine, "SELECT course_id, school_id FROM classes") == [("crs-alg1", "sch-100")]
    student = rows(
        db_engine,
        "SELECT given_name, preferred_first_name, pronouns, user_master_identifier, "
        "primary_org_id, enabled_user FROM users WHERE sourced_id = 'usr-s1'",
    )
    assert student == [("Samantha", "Sam", "she/her", "CA-7712345678", "sch-100", True)]
    (user_ids,) = rows(db_engine, "SELECT user_ids FROM users WHERE sourced_id = 'usr-s1'")[0]
    assert "200145" in str(user_ids)
    assert "LDAP" in str(user_ids)
    assert rows(db_engine, "SELECT enabled_user FROM users WHERE sourced_id = 'usr-g1'") == [
        (False,)
    ]
    assert rows(db_engine, "SELECT agent_id FROM user_agents WHERE user_id = 'usr-s1'") == [
        ("usr-g1",)
    ]
    assert rows(
        db_engine,
        "SELECT role_type, role, org_id FROM user_roles WHERE user_id = 'usr-a1' ORDER BY 1",
    ) == [("primary", "districtAdministrator", "dist-1"), ("secondary", "principal", "sch-100")]
    assert rows(db_engine, 'SELECT role, "primary" FROM enrollments ORDER BY sourced_id') == [
        ("student", False),
        ("teacher", True),
    ]
    assert rows(db_engine, "SELECT sourced_id, sex, asian FROM demographics") == [
        ("usr-s1", "female", True)
    ]


def test_capped_limit_is_paged_through_not_truncated(db_engine: Engine, tmp_path: Path) -> None:
    """The provider clamps limit=1000 to 2 and says so only through X-Total-Count."""
    data = district_v1p2()
    provider = FakeProvider(data, cap=2, headers="total")
    with _mock(provider):
        result = run(connector(v12_config()), tmp_path / "capped", db_engine)

    assert result.records["users"] == 4
    assert result.records["academicSessions"] == 3
    offsets = [r.url.params["offset"] for r in provider.collection_requests("users")]
    assert offsets == ["0", "2"]  # stops at the total, no extra request
    assert rows(db_engine, "SELECT COUNT(*) FROM users") == [(4,)]


def test_incremental_run_sends_the_filter_and_applies_only_the_change(
    db_engine: Engine, tmp_path: Path
) -> None:
    data = district_v1p2()
    provider = FakeProvider(data)
    with _mock(provider):
        first = run(connector(v12_config()), tmp_path / "full", db_engine)

    later = "2024-09-03T08:15:00.000Z"
    changed = copy.deepcopy(provider.records)
    teacher = next(u for u in changed["users"] if u["sourcedId"] == "usr-t1")
    teacher |= {"familyName": "Johnson-Park", "dateLastModified": later}
    dropped = next(e for e in changed["enrollments"] if e["sourcedId"] == "enr-s1")
    dropped.clear()
    dropped |= {"sourcedId": "enr-s1", "status": "tobedeleted", "dateLastModified": later}
    delta_provider = FakeProvider(changed)
    with _mock(delta_provider):
        second = run(
            connector(v12_config()),
            tmp_path / "delta",
            db_engine,
            mode="incremental",
            bookmarks=first.bookmarks,
        )

    filters = {r.url.params.get("filter") for r in delta_provider.requests}
    assert filters == {"dateLastModified>'2024-08-01T12:00:00.000Z'"}
    assert second.records == {"users": 1, "enrollments": 1}
    assert second.bookmarks["users"] == later
    assert second.bookmarks["orgs"] == "2024-08-01T12:00:00.000Z"  # nothing newer: kept
    manifest = (tmp_path / "delta" / "manifest.csv").read_text()
    assert "file.users,delta" in manifest
    assert rows(db_engine, "SELECT family_name FROM users WHERE sourced_id = 'usr-t1'") == [
        ("Johnson-Park",)
    ]
    assert rows(db_engine, "SELECT sourced_id, status FROM enrollments ORDER BY 1") == [
        ("enr-s1", "tobedeleted"),
        ("enr-t1", "active"),
    ]
    assert rows(db_engine, "SELECT COUNT(*) FROM users WHERE status = 'active'") == [(4,)]


def test_full_run_leaves_out_records_the_provider_lists_as_deleted(
    db_engine: Engine, tmp_path: Path
) -> None:
    data = district_v1p2()
    data["users"].append(
        {
            "sourcedId": "usr-old",
            "status": "tobedeleted",
            "dateLastModified": "2024-06-30T00:00:00Z",
        }
    )
    with _mock(FakeProvider(data)):
        conn = connector(v12_config())
        result = run(conn, tmp_path / "full", db_engine)
    assert result.records["users"] == 4
    assert conn.skipped == {"users": 1}
    assert rows(db_engine, "SELECT COUNT(*) FROM users WHERE sourced_id = 'usr-old'") == [(0,)]


def test_demographics_forbidden_fails_the_run_naming_the_scope(tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p2())
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL).respond(json=token_body())
        router.get(f"{V12_ROOT}/demographics").respond(
            403, json=status_payload("forbidden", "Insufficient scope")
        )
        router.get(url__startswith=V12_ROOT).mock(side_effect=provider)
        with pytest.raises(SourceAuthError) as failure:
            run(connector(v12_config()), tmp_path / "full")
    message = failure.value.message
    assert message.startswith("OneRoster demographics:")
    assert "HTTP 403" in message
    assert "roster-demographics.readonly" in message
    assert "include_demographics" in message


def test_demographics_off_neither_asks_for_the_scope_nor_reads_them(
    db_engine: Engine, tmp_path: Path
) -> None:
    provider = FakeProvider(district_v1p2())
    with _mock(provider) as router:
        result = run(
            connector(v12_config(include_demographics=False)), tmp_path / "full", db_engine
        )
        token_request = router.calls[0].request
    assert "demographics" not in result.records
    assert not provider.collection_requests("demographics")
    scope = parse_qs(token_request.content.decode())["scope"][0]
    assert "roster-demographics.readonly" not in scope
    # The declared bulk demographics file is empty: the hub holds none from this source.
    assert (tmp_path / "full" / "demographics.csv").read_text().count("\n") == 1
    assert rows(db_engine, "SELECT COUNT(*) FROM demographics") == [(0,)]


def test_secret_in_the_form_and_a_configured_scope(tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p2())
    config = v12_config(
        token_auth_method="client_secret_post",
        scope="https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly",
        include_demographics=False,
    )
    with _mock(provider) as router:
        run(connector(config), tmp_path / "full")
        token_request = router.calls[0].request
    form = parse_qs(token_request.content.decode())
    assert form["client_id"] == ["hub-lakeview"]
    assert form["client_secret"] == ["s3cret-value"]
    assert form["scope"] == ["https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"]
    assert "Authorization" not in token_request.headers


def test_base_url_already_ending_in_the_version_path_is_used_as_is(tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p2())
    with _mock(provider):
        run(connector(v12_config(base_url=V12_ROOT + "/")), tmp_path / "full")
    assert str(provider.requests[0].url).startswith(f"{V12_ROOT}/orgs?")


def test_expired_token_is_renewed_once_mid_run(tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p2())
    tokens = iter(["first-token", "second-token"])
    refused: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        if (
            request.headers["Authorization"] == "Bearer first-token"
            and "courses" in request.url.path
        ):
            refused.append(request.url.path)
            return httpx.Response(401, json=status_payload("unauthorisedrequest", "Token expired"))
        return provider(request)

    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL).mock(
            side_effect=lambda _: httpx.Response(200, json=token_body(next(tokens)))
        )
        router.get(url__startswith=V12_ROOT).mock(side_effect=serve)
        result = run(connector(v12_config()), tmp_path / "full")
    assert refused == ["/ims/oneroster/rostering/v1p2/courses"]
    assert result.records["courses"] == 1
    assert result.records["enrollments"] == 2
