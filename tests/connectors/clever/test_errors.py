"""Clever failures: each ends in a clear ``SourceError`` (nothing staged for import) or a
correct retry; rate limits are waited out as Clever's headers say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from interop_hub.connectors.clever import CleverConfig
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.core.errors import (
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceUnavailable,
)
from interop_hub.models import User
from tests.connectors.clever.conftest import make_connector
from tests.connectors.clever.fake import BASE, NOW, RESET, TOKEN, FakeClever, clever_error
from tests.connectors.clever.store import by_key, run
from tests.connectors.sdk.helpers import Sleeps


def extract(sleeps: Sleeps | None = None, **config: Any) -> None:
    connector = make_connector(sleeps, **config)
    try:
        list(connector.extract(ExtractContext()))
    finally:
        connector.close()


def limited(retry_after: str | None = "7") -> httpx.Response:
    headers = {
        "X-RateLimit-Limit": "1200",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(RESET),
    }
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return httpx.Response(429, json={"message": "Too Many Requests"}, headers=headers)


def test_an_invalid_token_is_an_auth_error_not_retried(clever: FakeClever) -> None:
    clever.token = "revoked"
    with pytest.raises(SourceAuthError) as caught:
        extract()
    message = caught.value.message
    assert message.startswith("clever events: Clever refused the token")
    assert "HTTP 401" in message
    assert "Unauthorized: invalid or revoked token" in message
    assert clever.routes["events"].call_count == 1

    with pytest.raises(SourceAuthError, match=r"^clever districts: Clever refused the token"):
        extract(use_events=False)
    assert clever.routes["districts"].call_count == 1


def test_a_forbidden_stream_names_the_stream_and_is_not_retried(clever: FakeClever) -> None:
    clever.routes["users"].mock(
        return_value=clever_error(403, "Forbidden: this token cannot access this resource")
    )
    with pytest.raises(
        SourceAuthError, match=r"^clever contacts: the token may not read contacts.*HTTP 403"
    ):
        extract()
    assert clever.routes["users"].call_count == 1


def test_a_missing_endpoint_names_the_url(clever: FakeClever) -> None:
    clever.routes["sections"].mock(return_value=clever_error(404, "Resource not found"))
    with pytest.raises(SourceError) as caught:
        extract()
    assert type(caught.value) is SourceError
    assert caught.value.message.startswith("clever sections: Clever has no sections here")
    assert f"GET {BASE}/sections?limit=2: HTTP 404" in caught.value.message


def test_events_not_enabled_says_how_to_fix_it(clever: FakeClever) -> None:
    clever.routes["events"].mock(return_value=clever_error(404, "Resource not found"))
    with pytest.raises(SourceError, match=r"enable events in the app's Clever dashboard"):
        extract()


def test_a_429_storm_ends_in_a_clear_unavailable_error(clever: FakeClever, sleeps: Sleeps) -> None:
    clever.routes["terms"].mock(side_effect=lambda request: limited("7"))
    with pytest.raises(SourceUnavailable) as caught:
        extract(sleeps)
    message = caught.value.message
    assert message.startswith("clever terms: Clever kept rate-limiting the requests")
    assert "gave up after 3 attempts" in message
    assert "rate limited (HTTP 429)" in message
    assert clever.routes["terms"].call_count == 3
    assert sleeps == [7.0, 7.0]  # Retry-After, and no wait after the last attempt


def test_a_429_without_retry_after_waits_until_the_rate_limit_resets(
    clever: FakeClever, sleeps: Sleeps
) -> None:
    route = clever.routes["courses"]
    serve: Any = route.side_effect
    route.side_effect = [limited(None), serve]
    extract(sleeps)
    assert route.call_count == 2  # refused once, then served
    assert sleeps == [RESET - NOW]  # X-RateLimit-Reset is a Unix time: 42 s from now


def test_the_wait_for_a_reset_is_capped(clever: FakeClever, sleeps: Sleeps) -> None:
    route = clever.routes["courses"]
    serve: Any = route.side_effect
    route.side_effect = [limited(None), serve]
    extract(sleeps, max_rate_limit_wait=5)
    assert sleeps == [5.0]


def test_an_exhausted_minute_pauses_until_the_reset(clever: FakeClever, sleeps: Sleeps) -> None:
    clever.remaining = 1  # every response from the first on says: none left this minute
    extract(sleeps)
    requests = sum(route.call_count for route in clever.routes.values())
    assert sleeps == [RESET - NOW] * requests


def test_server_errors_are_retried_then_reported(clever: FakeClever, sleeps: Sleeps) -> None:
    route = clever.routes["schools"]
    serve: Any = route.side_effect
    route.side_effect = [httpx.Response(502), httpx.Response(503), serve]
    extract(sleeps)
    assert route.call_count == 3

    route.side_effect = serve
    clever.routes["users"].mock(
        return_value=httpx.Response(500, json={"message": "Internal Server Error"})
    )
    with pytest.raises(SourceUnavailable, match=r"gave up after 3 attempts.*HTTP 500"):
        extract(sleeps)


def test_timeouts_are_retried_then_reported(clever: FakeClever) -> None:
    clever.routes["districts"].mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(SourceUnavailable, match=r"^clever districts: .*timed out"):
        extract()
    assert clever.routes["districts"].call_count == 3


def test_malformed_json_is_a_data_error(clever: FakeClever) -> None:
    clever.routes["courses"].mock(
        return_value=httpx.Response(
            200, content=b'{"data": [{"data": {"id": "5f0', headers={"Content-Type": "json"}
        )
    )
    with pytest.raises(SourceDataError, match=r"^clever courses: .*not valid JSON"):
        extract()


def test_a_body_without_the_data_list_is_a_data_error(clever: FakeClever) -> None:
    # An empty read would otherwise retire every school of the district.
    clever.routes["schools"].mock(return_value=httpx.Response(200, json={"schools": []}))
    with pytest.raises(SourceDataError, match=r"no 'data' list \(its keys: schools\)"):
        extract()


def test_a_record_outside_its_wrapper_is_a_data_error(clever: FakeClever) -> None:
    clever.routes["terms"].mock(
        return_value=httpx.Response(200, json={"data": [{"id": "t1", "name": "Fall"}]})
    )
    with pytest.raises(SourceDataError, match=r"a record is not an object \(nothing at 'data'\)"):
        extract()


def test_a_page_served_twice_stops_the_run(clever: FakeClever) -> None:
    page = [{"data": s, "uri": f"/v3.0/schools/{s['id']}"} for s in clever.schools[:2]]
    clever.routes["schools"].mock(
        side_effect=lambda request: httpx.Response(
            200,
            json={
                "data": page,
                "links": [
                    {
                        "rel": "next",
                        "uri": f"/v3.0/schools?limit=2&starting_after=x{len(request.url.query)}",
                    }
                ],
            },
        )
    )
    with pytest.raises(SourceDataError, match="served the same page"):
        extract()


def test_a_next_link_that_does_not_move_stops_the_run(clever: FakeClever) -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        school = clever.schools[1 if "starting_after" in request.url.params else 0]
        link = "/v3.0/schools?limit=2&starting_after=stuck"
        return httpx.Response(
            200,
            json={
                "data": [{"data": school, "uri": f"/v3.0/schools/{school['id']}"}],
                "links": [{"rel": "next", "uri": link}],
            },
        )

    clever.routes["schools"].mock(side_effect=pages)
    with pytest.raises(SourceDataError, match="asked for the same request again"):
        extract()
    assert clever.routes["schools"].call_count == 2


def test_a_failed_run_applies_nothing(
    tmp_path: Path, db_engine: Engine, clever: FakeClever, sleeps: Sleeps
) -> None:
    run(tmp_path, db_engine)
    before = {k: (r.given_name, r.status) for k, r in by_key(db_engine, User, "user").items()}
    clever.users = clever.users[:2]  # would retire most users...
    clever.routes["sections"].mock(return_value=httpx.Response(503))  # ...but the run fails
    with pytest.raises(SourceUnavailable):
        run(tmp_path, db_engine, name="run2")
    after = {k: (r.given_name, r.status) for k, r in by_key(db_engine, User, "user").items()}
    assert after == before


def test_an_events_failure_keeps_the_old_bookmark(tmp_path: Path, clever: FakeClever) -> None:
    bookmark = clever.newest_event
    clever.add_event("users.updated", clever.users[0])
    clever.routes["events"].mock(return_value=httpx.Response(500))
    ctx = ExtractContext(mode="incremental", bookmarks={"events": bookmark})
    connector = make_connector(Sleeps())
    with pytest.raises(SourceUnavailable, match=r"^clever events: .*HTTP 500"):
        list(connector.extract(ctx))
    assert ctx.states["events"].bookmark == bookmark


def test_check_reports_each_stream_and_the_events(clever: FakeClever) -> None:
    checks = make_connector().check()
    assert [(c.target, c.ok) for c in checks] == [
        ("districts", True),
        ("schools", True),
        ("terms", True),
        ("courses", True),
        ("contacts", True),
        ("students", True),
        ("teachers", True),
        ("staff", True),
        ("district_admins", True),
        ("sections", True),
        ("events", True),
    ]
    assert checks[-1].detail.endswith("events readable")
    assert "role=student" in checks[5].detail

    clever.routes["sections"].mock(return_value=clever_error(403, "Forbidden"))
    checks = make_connector().check()
    assert [c.target for c in checks if not c.ok] == ["sections"]
    assert checks[-1].ok  # a 403 on one stream does not stop the test

    clever.token = "wrong"
    failed = make_connector().check()
    assert len(failed) == 11
    assert not any(c.ok for c in failed)
    assert "refused the token" in failed[0].detail
    assert failed[1].detail == "not tried (the token was refused)"


def test_config_needs_a_token_and_keeps_it_secret() -> None:
    with pytest.raises(ValidationError, match="token"):
        CleverConfig.model_validate({})
    config = CleverConfig.model_validate({"token": TOKEN})
    assert config.base_url == "https://api.clever.com/v3.0"
    assert TOKEN not in repr(config)
    schema = CleverConfig.model_json_schema()
    assert schema["properties"]["token"]["format"] == "password"
    assert "token" in schema["required"]
    with pytest.raises(ValidationError):
        CleverConfig.model_validate({"token": TOKEN, "page_size": 20000})
