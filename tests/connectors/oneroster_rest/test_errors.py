"""Provider failures: each ends the run with a clear ``SourceError`` subclass (nothing is
staged for import), or is retried correctly."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import respx
from sqlalchemy import Engine

from interop_hub.core.errors import (
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceUnavailable,
)
from tests.connectors.oneroster_rest.helpers import (
    TOKEN_URL,
    Sleeps,
    connector,
    rows,
    run,
    token_body,
    v12_config,
)
from tests.connectors.oneroster_rest.payloads import V12_ROOT, district_v1p2
from tests.connectors.oneroster_rest.provider import FakeProvider, status_payload

ORGS = f"{V12_ROOT}/orgs"


def _router() -> respx.MockRouter:
    router = respx.mock(assert_all_called=False)
    router.post(TOKEN_URL).respond(json=token_body())
    return router


def _fails(
    tmp_path: Path, error: type[SourceError], sleeps: Sleeps | None = None, **config: object
) -> str:
    with pytest.raises(error) as failure:
        run(connector(v12_config(**config), sleeps), tmp_path / "run")
    return failure.value.message


def test_401_on_a_static_token_is_an_auth_error_without_retries(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.get(url__startswith=ORGS).respond(
            401, json=status_payload("unauthorisedrequest", "Invalid token")
        )
        message = _fails(tmp_path, SourceAuthError, auth="bearer", token="revoked-token")
        assert route.call_count == 1
    assert message.startswith("OneRoster orgs:")
    assert "HTTP 401" in message
    assert "Invalid token" in message
    assert "revoked" in message


def test_token_endpoint_refusing_the_client(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL).respond(401, json={"error": "invalid_client"})
        data = router.get(url__startswith=V12_ROOT)
        message = _fails(tmp_path, SourceAuthError)
        assert data.call_count == 0
    assert TOKEN_URL in message
    assert "invalid_client" in message
    assert "check client_id, client_secret" in message


def test_token_refused_for_the_demographics_scope_names_the_remedy(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL).respond(
            400,
            json={
                "error": "invalid_scope",
                "error_description": "The client is not allowed scope roster-demographics.readonly",
            },
        )
        message = _fails(tmp_path, SourceAuthError)
    assert "invalid_scope" in message
    assert "roster-demographics.readonly" in message
    assert "include_demographics" in message


def test_403_on_a_rostering_collection_names_the_scopes(tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p2())
    with _router() as router:
        router.get(url__startswith=f"{V12_ROOT}/users").respond(
            403, json=status_payload("forbidden", "Out of scope")
        )
        router.get(url__startswith=V12_ROOT).mock(side_effect=provider)
        message = _fails(tmp_path, SourceAuthError)
    assert message.startswith("OneRoster users:")
    assert "HTTP 403" in message
    assert "roster.readonly" in message


def test_404_points_at_the_base_url_and_version(tmp_path: Path) -> None:
    with _router() as router:
        router.get(url__startswith=ORGS).respond(
            404, json=status_payload("unknownobject", "No such endpoint")
        )
        message = _fails(tmp_path, SourceError)
    assert "HTTP 404" in message
    assert "check base_url and version" in message
    assert "/ims/oneroster/rostering/v1p2" in message


def test_429_storm_honours_retry_after_then_gives_up(tmp_path: Path, db_engine: Engine) -> None:
    sleeps = Sleeps()
    with _router() as router:
        route = router.get(url__startswith=ORGS).respond(
            429, headers={"Retry-After": "7"}, json=status_payload("server_busy", "Slow down")
        )
        message = _fails(tmp_path, SourceUnavailable, sleeps)
        assert route.call_count == 3  # max_attempts
    assert sleeps == [7.0, 7.0]  # as the provider asked; no wait after the last attempt
    assert "gave up after 3 attempts" in message
    assert "429" in message
    assert rows(db_engine, "SELECT COUNT(*) FROM orgs") == [(0,)]


def test_429_then_success_completes_the_collection(tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p2(), cap=1)
    answers = iter([httpx.Response(429, headers={"Retry-After": "2"})])

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "1" and "/orgs" in request.url.path:
            answer = next(answers, None)
            if answer is not None:
                return answer
        return provider(request)

    sleeps = Sleeps()
    with _router() as router:
        router.get(url__startswith=V12_ROOT).mock(side_effect=serve)
        result = run(connector(v12_config(), sleeps), tmp_path / "run")
    assert sleeps == [2.0]
    assert result.records["orgs"] == 2  # the page after the 429 was read, not skipped


def test_500s_are_retried_then_reported(tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p2())
    failures = iter([500, 503])

    def flaky(request: httpx.Request) -> httpx.Response:
        status = next(failures, None)
        return httpx.Response(status) if status else provider(request)

    with _router() as router:
        router.get(url__startswith=V12_ROOT).mock(side_effect=flaky)
        result = run(connector(v12_config()), tmp_path / "ok")
    assert result.records["orgs"] == 2

    with _router() as router:
        router.get(url__startswith=ORGS).respond(
            500, json=status_payload("internal_server_error", "Database unavailable")
        )
        message = _fails(tmp_path, SourceUnavailable)
    assert "HTTP 500" in message
    assert "Database unavailable" in message


def test_timeouts_end_as_unavailable(tmp_path: Path) -> None:
    with _router() as router:
        route = router.get(url__startswith=ORGS).mock(side_effect=httpx.ReadTimeout("slow"))
        message = _fails(tmp_path, SourceUnavailable)
        assert route.call_count == 3
    assert "timed out" in message


def test_malformed_json(tmp_path: Path) -> None:
    with _router() as router:
        router.get(url__startswith=ORGS).respond(
            200,
            content=b'{"orgs": [{"sourcedId": "dist-1", ',
            headers={"Content-Type": "application/json"},
        )
        message = _fails(tmp_path, SourceDataError)
    assert "not valid JSON" in message


def test_a_provider_that_ignores_offset_is_stopped(tmp_path: Path) -> None:
    page = {"orgs": district_v1p2()["orgs"][:1]}
    with _router() as router:
        route = router.get(url__startswith=ORGS).respond(
            200, json=page, headers={"X-Total-Count": "2"}
        )
        message = _fails(tmp_path, SourceDataError)
        assert route.call_count == 2
    assert "same page" in message


def test_a_body_without_the_collection_is_not_an_empty_collection(tmp_path: Path) -> None:
    with _router() as router:
        router.get(url__startswith=ORGS).respond(200, json={"data": [], "total": 0})
        message = _fails(tmp_path, SourceDataError)
    assert "no 'orgs' list" in message
    assert "data" in message

    with _router() as router:
        router.get(url__startswith=ORGS).respond(
            200, json=status_payload("invaliddata", "Tenant is being provisioned")
        )
        message = _fails(tmp_path, SourceDataError)
    assert "status payload" in message
    assert "Tenant is being provisioned" in message


def test_a_provider_without_filter_support_fails_incremental_runs_clearly(tmp_path: Path) -> None:
    with _router() as router:
        router.get(url__startswith=ORGS).respond(
            400, json=status_payload("invalid_filter_field", "filter is not supported")
        )
        with pytest.raises(SourceError) as failure:
            run(
                connector(v12_config()),
                tmp_path / "delta",
                mode="incremental",
                bookmarks={"orgs": "2024-08-01T12:00:00.000Z"},
            )
    assert "HTTP 400" in failure.value.message
    assert "needs full runs" in failure.value.message
