"""Canvas failures: each ends in a clear ``SourceError`` (nothing staged for import) or a
correct retry; Canvas's 403 throttle is retried, a real 403 is not."""

from __future__ import annotations

import httpx
import pytest
import respx

from interop_hub.connectors.sdk import ExtractContext
from interop_hub.core.errors import (
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceUnavailable,
)
from tests.connectors.canvas.conftest import make_connector
from tests.connectors.canvas.fake import BASE, FakeCanvas, canvas_error, throttled
from tests.connectors.sdk.helpers import Sleeps


def run(sleeps: Sleeps | None = None, **config: object) -> None:
    connector = make_connector(sleeps, **config)
    try:
        list(connector.extract(ExtractContext()))
    finally:
        connector.close()


def test_an_invalid_token_is_an_auth_error(canvas: FakeCanvas) -> None:
    canvas.token = "revoked"
    with pytest.raises(SourceAuthError, match=r"HTTP 401.*Invalid access token"):
        run()
    assert canvas.routes["account"].call_count == 1  # not retried


def test_missing_permission_is_an_auth_error_not_a_retry(canvas: FakeCanvas) -> None:
    canvas.routes["users"].mock(
        return_value=httpx.Response(
            403,
            json={
                "status": "unauthorized",
                "errors": [{"message": "user not authorized to perform that action"}],
            },
        )
    )
    with pytest.raises(SourceAuthError, match="user not authorized to perform that action"):
        run()
    assert canvas.routes["users"].call_count == 1


def test_an_unknown_account_names_the_url(canvas: FakeCanvas) -> None:
    canvas.routes["account"].mock(
        return_value=canvas_error(404, "The specified resource does not exist.")
    )
    with pytest.raises(SourceError, match=r"/api/v1/accounts/self: HTTP 404.*does not exist"):
        run()


def test_throttling_is_retried_with_growing_waits(canvas: FakeCanvas, sleeps: Sleeps) -> None:
    route = canvas.routes["terms"]
    serve = route.side_effect
    route.side_effect = [throttled(), throttled(), serve, serve]
    run(sleeps, max_attempts=5)
    assert route.call_count == 4  # two throttled, then both pages of terms
    assert sleeps[:2] == [2.0, 4.0]  # Retry-After given by the throttle transport


def test_a_throttle_storm_ends_in_a_clear_unavailable_error(
    canvas: FakeCanvas, sleeps: Sleeps
) -> None:
    canvas.routes["courses"].mock(side_effect=lambda request: throttled())
    with pytest.raises(SourceUnavailable, match=r"Canvas kept throttling.*3 attempts"):
        run(sleeps)
    assert canvas.routes["courses"].call_count == 3


def test_a_low_remaining_quota_slows_the_client_down(canvas: FakeCanvas, sleeps: Sleeps) -> None:
    canvas.remaining = 42.0
    run(sleeps, throttle_low_water=100, throttle_pause_seconds=1.5)
    requests = sum(route.call_count for route in canvas.routes.values())
    assert sleeps == [1.5] * requests


def test_server_errors_are_retried_then_reported(canvas: FakeCanvas, sleeps: Sleeps) -> None:
    route = canvas.routes["sub_accounts"]
    serve = route.side_effect
    route.side_effect = [httpx.Response(502), httpx.Response(503), serve, serve]
    run(sleeps)
    assert route.call_count == 4  # two failures, then both pages

    route.side_effect = serve
    canvas.routes["users"].mock(return_value=httpx.Response(500, text="Internal Server Error"))
    with pytest.raises(SourceUnavailable, match=r"gave up after 3 attempts.*HTTP 500"):
        run(sleeps)


def test_timeouts_are_retried_then_reported(canvas: FakeCanvas) -> None:
    canvas.routes["terms"].mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(SourceUnavailable, match="timed out"):
        run()
    assert canvas.routes["terms"].call_count == 3


def test_malformed_json_is_a_data_error(canvas: FakeCanvas) -> None:
    canvas.routes["courses"].mock(
        return_value=httpx.Response(
            200, content=b'[{"id": 101, "name": "Alg', headers={"Content-Type": "application/json"}
        )
    )
    with pytest.raises(SourceDataError, match="not valid JSON"):
        run()


def test_an_object_where_a_list_belongs_is_a_data_error(canvas: FakeCanvas) -> None:
    canvas.routes["users"].mock(
        return_value=httpx.Response(200, json={"errors": [{"message": "unexpected"}]})
    )
    with pytest.raises(SourceDataError, match="expected a list at the top level"):
        run()


def test_a_page_served_twice_stops_the_run(canvas: FakeCanvas) -> None:
    users = canvas.users[:2]
    link = f'<{BASE}/api/v1/accounts/1/users?page=1&per_page=2>; rel="next"'
    canvas.routes["users"].mock(
        side_effect=lambda request: httpx.Response(200, json=users, headers={"Link": link})
    )
    with pytest.raises(SourceDataError, match="served the same page"):
        run()


def test_check_reports_the_account_and_each_stream(canvas: FakeCanvas) -> None:
    connector = make_connector()
    checks = connector.check()
    assert [(c.target, c.ok) for c in checks] == [
        ("account", True),
        ("sub_accounts", True),
        ("terms", True),
        ("courses", True),
        ("users", True),
    ]
    assert checks[0].detail == "Springfield Public Schools (id 1)"

    canvas.token = "wrong"
    failed = make_connector().check()
    assert len(failed) == 1
    assert not failed[0].ok
    assert "Invalid access token" in failed[0].detail


def test_oauth_refresh_token_is_exchanged_once_and_used(
    router: respx.Router, canvas: FakeCanvas
) -> None:
    canvas.token = "7~fresh-access-token"
    token = router.post(f"{BASE}/login/oauth2/token").mock(
        return_value=httpx.Response(
            200,
            json={
                "access_token": "7~fresh-access-token",
                "token_type": "Bearer",
                "user": {"id": 42, "name": "Sync Service"},
                "expires_in": 3600,
            },
        )
    )
    run(
        access_token=None,
        client_id="170000000000123",
        client_secret="dev-key-secret",
        refresh_token="7~refresh",
    )
    assert token.call_count == 1
    form = dict(httpx.QueryParams(token.calls[0].request.content.decode()))
    assert form == {
        "grant_type": "refresh_token",
        "refresh_token": "7~refresh",
        "client_id": "170000000000123",
        "client_secret": "dev-key-secret",
    }

    token.mock(
        return_value=httpx.Response(
            400,
            json={"error": "invalid_grant", "error_description": "refresh_token not found"},
        )
    )
    with pytest.raises(SourceAuthError, match="invalid_grant"):
        run(
            access_token=None,
            client_id="170000000000123",
            client_secret="dev-key-secret",
            refresh_token="7~revoked",
        )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "configure access_token, or all of"),
        ({"access_token": "t", "client_id": "1"}, "not both"),
        ({"client_id": "1", "client_secret": "s"}, "configure access_token, or all of"),
    ],
)
def test_config_needs_exactly_one_way_to_authenticate(
    settings: dict[str, str], message: str
) -> None:
    from pydantic import ValidationError

    from interop_hub.connectors.canvas import CanvasConfig

    with pytest.raises(ValidationError, match=message):
        CanvasConfig.model_validate({"base_url": BASE, **settings})
