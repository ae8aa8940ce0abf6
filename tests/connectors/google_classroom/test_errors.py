"""Classroom API failures: each ends in a clear ``SourceError`` or a correct retry."""

from __future__ import annotations

import httpx
import pytest

from interop_hub.connectors.sdk import ExtractContext
from interop_hub.core.errors import (
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceUnavailable,
)
from tests.connectors.google_classroom.conftest import make_connector
from tests.connectors.google_classroom.fake import A, FakeClassroom, google_error
from tests.connectors.sdk.helpers import Sleeps


def run(sleeps: Sleeps | None = None, **config: object) -> list[tuple[str, dict[str, object]]]:
    connector = make_connector(sleeps, **config)
    try:
        return list(connector.extract(ExtractContext()))
    finally:
        connector.close()


def exhausted() -> httpx.Response:
    return httpx.Response(
        429,
        json={
            "error": {
                "code": 429,
                "message": "Quota exceeded for quota metric 'Read requests' and limit 'Read "
                "requests per minute per user' of service 'classroom.googleapis.com'.",
                "status": "RESOURCE_EXHAUSTED",
            }
        },
        headers={"Retry-After": "7"},
    )


def test_an_expired_token_is_an_auth_error(classroom: FakeClassroom) -> None:
    classroom.token = "ya29.other"
    with pytest.raises(SourceAuthError, match=r"HTTP 401.*UNAUTHENTICATED"):
        run()
    assert classroom.routes["courses"].call_count == 1


def test_permission_denied_is_an_auth_error(classroom: FakeClassroom) -> None:
    classroom.routes["students"].mock(
        return_value=google_error(403, "PERMISSION_DENIED", "The caller does not have permission")
    )
    with pytest.raises(SourceAuthError, match="The caller does not have permission"):
        run()


def test_a_course_that_vanished_mid_run_names_the_url(classroom: FakeClassroom) -> None:
    del classroom.teachers[A]
    with pytest.raises(SourceError, match=rf"/v1/courses/{A}/teachers.*HTTP 404.*NOT_FOUND"):
        run()


def test_quota_exhaustion_waits_as_told_then_continues(
    classroom: FakeClassroom, sleeps: Sleeps
) -> None:
    route = classroom.routes["courses"]
    serve = route.side_effect
    route.side_effect = [exhausted(), serve, serve]
    records = run(sleeps)
    assert sleeps[0] == 7.0  # Retry-After
    assert sum(1 for stream, _ in records if stream == "courses") == 3


def test_a_quota_storm_ends_unavailable(classroom: FakeClassroom, sleeps: Sleeps) -> None:
    classroom.routes["teachers"].mock(side_effect=lambda request, course: exhausted())
    with pytest.raises(SourceUnavailable, match=r"gave up after 3 attempts.*429"):
        run(sleeps)
    assert classroom.routes["teachers"].call_count == 3
    assert sleeps == [7.0, 7.0]


def test_server_errors_are_retried(classroom: FakeClassroom, sleeps: Sleeps) -> None:
    route = classroom.routes["courses"]
    serve = route.side_effect
    route.side_effect = [
        google_error(503, "UNAVAILABLE", "The service is currently unavailable."),
        serve,
        serve,
    ]
    assert sum(1 for stream, _ in run(sleeps) if stream == "people") == 7

    route.side_effect = None
    route.mock(return_value=google_error(500, "INTERNAL", "Internal error encountered."))
    with pytest.raises(SourceUnavailable, match="HTTP 500"):
        run(sleeps)


def test_timeouts_are_retried_then_reported(classroom: FakeClassroom) -> None:
    classroom.routes["students"].mock(side_effect=httpx.ConnectTimeout("connect timed out"))
    with pytest.raises(SourceUnavailable, match="timed out"):
        run()
    assert classroom.routes["students"].call_count == 3


def test_malformed_json_is_a_data_error(classroom: FakeClassroom) -> None:
    classroom.routes["courses"].mock(
        return_value=httpx.Response(
            200, content=b'{"courses": [{"id": "61824', headers={"Content-Type": "application/json"}
        )
    )
    with pytest.raises(SourceDataError, match="not valid JSON"):
        run()


def test_a_cursor_that_serves_the_same_page_stops_the_run(classroom: FakeClassroom) -> None:
    page = {"courses": classroom.courses[:2], "nextPageToken": "Cg0IARIJMTAwMDAwMDAx"}
    classroom.routes["courses"].mock(return_value=httpx.Response(200, json=page))
    with pytest.raises(SourceDataError, match="same"):
        run()
    assert classroom.routes["courses"].call_count <= 3
