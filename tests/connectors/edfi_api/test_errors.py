"""Vendor failures: each ends in a clear ``SourceError`` subclass (never a partial result)
or in a correct retry."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest
import respx

from interop_hub.connectors.edfi_api import BOOKMARK
from interop_hub.core.errors import (
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceUnavailable,
)
from tests.connectors.edfi_api.conftest import MakeConnector
from tests.connectors.edfi_api.fake_ods import BASE, FakeOds
from tests.connectors.edfi_api.store import run

STAFFS = "/ed-fi/staffs"


def rate_limited(seconds: str) -> httpx.Response:
    return httpx.Response(
        429,
        headers={"Retry-After": seconds},
        json={
            "detail": "The request rate limit was exceeded.",
            "type": "urn:ed-fi:api:too-many-requests",
            "title": "Too Many Requests",
            "status": 429,
        },
    )


def test_rejected_client_credentials(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    with pytest.raises(SourceAuthError, match="rejected the client credentials") as caught:
        run(connector(client_secret="wrong"), tmp_path)
    assert f"{BASE}/oauth/token" in caught.value.message
    assert "HTTP 401" in caught.value.message


def test_a_revoked_token_is_renewed_once_and_the_read_replayed(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    seen: list[httpx.Request] = []

    def revoke_midway(request: httpx.Request) -> None:
        seen.append(request)
        if len(seen) == 12:  # the host dropped the token in the middle of the run
            ods.revoked.update(ods.tokens)

    ods.hooks.append(revoke_midway)
    staged, _ = run(connector(), tmp_path)
    assert len(ods.tokens) == 2
    assert staged.rows["users"] == 9
    # The refused request was sent again with the new token.
    replayed = seen[11]
    assert seen[13].url == replayed.url
    assert seen[13].headers["Authorization"] == f"Bearer {ods.tokens[1]}"


def test_a_forbidden_resource_names_the_claim_set(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    ods.fail(
        STAFFS,
        ods.problem(
            403,
            "security:authorization:access-denied:resource",
            "Authorization Denied",
            "Access to the resource could not be authorized.",
        ),
    )
    with pytest.raises(SourceAuthError) as caught:
        run(connector(), tmp_path)
    message = caught.value.message
    assert "HTTP 403" in message
    assert "Access to the resource could not be authorized." in message
    assert "claim set must grant Read on /ed-fi/staffs" in message


def test_an_unknown_resource_is_a_source_error(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    ods.fail(STAFFS, ods.problem(404, "not-found", "Not Found", "The resource was not found."))
    with pytest.raises(SourceError) as caught:
        run(connector(), tmp_path)
    assert type(caught.value) is SourceError
    assert "HTTP 404" in caught.value.message
    assert "/ed-fi/staffs" in caught.value.message


def test_a_429_storm_waits_as_told_and_then_reads(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path, sleeps: list[float]
) -> None:
    ods.fail(STAFFS, rate_limited("7"), rate_limited("7"), rate_limited("3"))
    staged, _ = run(connector(), tmp_path)
    assert staged.rows["users"] == 9
    assert sleeps == [7.0, 7.0, 3.0]


def test_a_429_storm_beyond_the_retry_budget(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    ods.fail(STAFFS, *[rate_limited("1") for _ in range(3)])
    with pytest.raises(SourceUnavailable, match="rate limited"):
        run(connector(max_attempts=3), tmp_path)


def test_server_errors_are_retried(ods: FakeOds, connector: MakeConnector, tmp_path: Path) -> None:
    system = ods.problem(500, "system", "System Error", "An unexpected error occurred.")
    ods.fail(STAFFS, system, httpx.Response(503, text="Service Unavailable"))
    staged, _ = run(connector(), tmp_path)
    assert staged.rows["users"] == 9
    ods.fail(STAFFS, *[system] * 3)
    with pytest.raises(SourceUnavailable, match=r"gave up after 3 attempts; last: HTTP 500"):
        run(connector(max_attempts=3), tmp_path / "again")


def test_timeouts_are_retried_then_reported(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    ods.fail(STAFFS, httpx.ReadTimeout("read timed out"))
    staged, _ = run(connector(), tmp_path)
    assert staged.rows["users"] == 9
    ods.fail(STAFFS, *[httpx.ReadTimeout("read timed out") for _ in range(2)])
    with pytest.raises(SourceUnavailable, match="timed out"):
        run(connector(max_attempts=2), tmp_path / "again")


def test_malformed_json(ods: FakeOds, connector: MakeConnector, tmp_path: Path) -> None:
    ods.fail(STAFFS, httpx.Response(200, content=b'[{"staffUniqueId": "S-101", "firstN'))
    with pytest.raises(SourceDataError, match="not valid JSON"):
        run(connector(), tmp_path)


def test_a_page_that_repeats(ods: FakeOds, connector: MakeConnector, tmp_path: Path) -> None:
    # A host ignoring ``offset`` serves its first page again and again.
    page = orjson.dumps([i.doc for i in ods.items["staffs"][:2]])
    ods.fail(STAFFS, *[httpx.Response(200, content=page, headers={"Total-Count": "5"})] * 3)
    with pytest.raises(SourceDataError, match="served the same page of records again"):
        run(connector(page_size=2), tmp_path)


def test_a_body_that_is_no_list(ods: FakeOds, connector: MakeConnector, tmp_path: Path) -> None:
    ods.fail(STAFFS, httpx.Response(200, json={"message": "An unexpected error occurred"}))
    with pytest.raises(SourceDataError, match="expected a list"):
        run(connector(), tmp_path)


def test_a_root_that_is_not_an_ed_fi_api(
    ods: FakeOds, router: respx.Router, connector: MakeConnector, tmp_path: Path
) -> None:
    # The metadata list is JSON, but no discovery document.
    with pytest.raises(SourceDataError, match="set base_url to the API root"):
        run(connector(base_url=f"{BASE}/metadata/"), tmp_path)
    # A district web page.
    router.get("https://www.gbisd.example.org/").respond(
        200, html="<html><body>Grand Bend ISD</body></html>"
    )
    with pytest.raises(SourceDataError, match="did not return an Ed-Fi discovery document"):
        run(connector(base_url="https://www.gbisd.example.org/"), tmp_path / "web")


def test_change_queries_not_granted(ods: FakeOds, connector: MakeConnector, tmp_path: Path) -> None:
    denied = ods.problem(
        403,
        "security:authorization:access-denied:action",
        "Authorization Denied",
        "The API client is not authorized to perform the 'ReadChanges' action.",
    )
    ods.fail("availableChangeVersions", denied, denied)
    # A full run still works; it keeps no bookmark.
    staged, _ = run(connector(), tmp_path / "full")
    assert staged.rows["users"] == 9
    assert BOOKMARK not in staged.bookmarks
    # An incremental run cannot.
    with pytest.raises(SourceAuthError, match="ReadChanges"):
        run(connector(), tmp_path / "delta", bookmarks={BOOKMARK: "3"})


def test_check_reports_each_step(ods: FakeOds, connector: MakeConnector) -> None:
    checks = connector().check()
    assert [c.target for c in checks][:3] == ["discovery", "dependencies", "students"]
    assert all(c.ok for c in checks), checks
    assert checks[0].detail == "Ed-Fi ODS/API 7.1, Ed-Fi data model 5.0.0"
    by_target = {c.target: c.detail for c in checks}
    assert by_target["staffs"] == "5 items"
    assert by_target["changeQueries"] == f"newest change version {ods.newest}"

    refused = connector(client_secret="wrong").check()
    assert [(c.target, c.ok) for c in refused] == [
        ("discovery", True),
        ("dependencies", True),
        ("students", False),
    ]
    assert "rejected the client credentials" in refused[-1].detail
