"""``read_stream``: records, nesting, bookmarks, and the guards against broken sources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest
import respx

from interop_hub.connectors.sdk import (
    CursorPaginator,
    LinkHeaderPaginator,
    OffsetPaginator,
    Stream,
    StreamState,
    read_stream,
)
from interop_hub.connectors.sdk.streams import fill_path, is_newer
from interop_hub.core.errors import SourceDataError
from tests.connectors.sdk.helpers import make_client

CANVAS = "https://canvas.example.edu/api/v1/"
EDFI = "https://edfi.example.org/data/v3/"
ONEROSTER = "https://sis.example.org/ims/oneroster/v1p1/"


def since(bookmark: str) -> Mapping[str, str]:
    return {"filter": f"dateLastModified>'{bookmark}'"}


def read(
    base: str,
    stream: Stream,
    *,
    bookmark: str | None = None,
    parent: Mapping[str, Any] | None = None,
    state: StreamState | None = None,
) -> list[dict[str, Any]]:
    with make_client(base) as client:
        return list(read_stream(client, stream, bookmark=bookmark, parent=parent, state=state))


# --------------------------------------------------------------------------- nesting


@respx.mock(base_url=CANVAS)
def test_nested_stream_fills_the_path_and_attaches_the_parent(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.get("courses/1201/sections").mock(
        return_value=httpx.Response(
            200, json=[{"id": 88, "name": "Period 1", "course_id": 1201, "sis_section_id": None}]
        )
    )
    parent = {"id": 1201, "name": "Biology", "sis_course_id": "BIO-10"}
    stream = Stream("sections", "courses/{id}/sections", parent="courses")
    records = read(CANVAS, stream, parent=parent)
    assert records == [
        {"id": 88, "name": "Period 1", "course_id": 1201, "sis_section_id": None, "_parent": parent}
    ]
    assert route.call_count == 1


def test_fill_path_encodes_values_as_one_segment_and_reads_dotted_paths() -> None:
    stream = Stream("sections", "courses/sis_course_id:{sis.id}/sections", parent="courses")
    assert (
        fill_path(stream, {"sis": {"id": "ALG 1/A?#"}})
        == "courses/sis_course_id:ALG%201%2FA%3F%23/sections"
    )


def test_fill_path_without_the_parent_value_names_stream_and_key() -> None:
    stream = Stream("sections", "courses/{id}/sections", parent="courses")
    with pytest.raises(SourceDataError, match=r"sections: the parent record has no value at 'id'"):
        fill_path(stream, {"name": "Biology"})


# --------------------------------------------------------------------------- bookmarks


def or_class(n: int, modified: str) -> dict[str, Any]:
    return {"sourcedId": f"c{n}", "status": "active", "dateLastModified": modified}


@respx.mock(base_url=ONEROSTER)
def test_bookmark_is_the_largest_replication_key_and_incremental_params_are_sent(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.get("classes").mock(
        return_value=httpx.Response(
            200,
            json={
                "classes": [
                    or_class(1, "2024-09-02T08:00:00.000Z"),
                    or_class(2, "2024-09-03T17:30:00.000Z"),
                    or_class(3, "2024-09-01T23:59:59.000Z"),
                ]
            },
        )
    )
    stream = Stream(
        "classes",
        "classes",
        records_path="classes",
        replication_key="dateLastModified",
        incremental=since,
    )
    state = StreamState()
    records = read(ONEROSTER, stream, bookmark="2024-09-01T00:00:00.000Z", state=state)
    assert len(records) == 3
    assert state.bookmark == "2024-09-03T17:30:00.000Z"
    assert (
        route.calls[0].request.url.params["filter"] == "dateLastModified>'2024-09-01T00:00:00.000Z'"
    )


@respx.mock(base_url=ONEROSTER)
def test_incoming_bookmark_is_kept_when_nothing_newer_comes(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("classes").mock(return_value=httpx.Response(200, json={"classes": []}))
    stream = Stream(
        "classes",
        "classes",
        records_path="classes",
        replication_key="dateLastModified",
        incremental=since,
    )
    state = StreamState()
    assert read(ONEROSTER, stream, bookmark="2024-09-01T00:00:00.000Z", state=state) == []
    assert state.bookmark == "2024-09-01T00:00:00.000Z"


@respx.mock(base_url=ONEROSTER)
def test_full_read_sends_no_incremental_params(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("classes").mock(
        return_value=httpx.Response(200, json={"classes": [or_class(1, "2024-09-02T08:00:00Z")]})
    )
    stream = Stream(
        "classes",
        "classes",
        records_path="classes",
        replication_key="dateLastModified",
        incremental=since,
    )
    state = StreamState()
    read(ONEROSTER, stream, state=state)
    assert "filter" not in route.calls[0].request.url.params
    assert state.bookmark == "2024-09-02T08:00:00Z"


@respx.mock(base_url=EDFI)
def test_numeric_replication_keys_compare_as_numbers(respx_mock: respx.MockRouter) -> None:
    """Ed-Fi change versions: 10 is past 9 (as text "10" < "9")."""
    respx_mock.get("ed-fi/students").mock(
        return_value=httpx.Response(
            200,
            json=[
                {"id": "a", "studentUniqueId": "601", "_etag": "1", "changeVersion": 9},
                {"id": "b", "studentUniqueId": "602", "_etag": "2", "changeVersion": 10},
            ],
        )
    )
    stream = Stream(
        "students",
        "ed-fi/students",
        replication_key="changeVersion",
        incremental=lambda v: {"minChangeVersion": str(int(v) + 1)},
    )
    state = StreamState()
    read(EDFI, stream, bookmark="8", state=state)
    assert state.bookmark == "10"


@pytest.mark.parametrize(
    ("value", "bookmark", "newer"),
    [
        (10, "9", True),
        (9, "10", False),
        ("2024-05-01T10:00:00.500Z", "2024-05-01T10:00:00Z", True),
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.500Z", False),
        ("2024-05-01T12:00:00+02:00", "2024-05-01T10:30:00Z", False),
        ("b", "a", True),
        ("anything", None, True),
    ],
)
def test_is_newer(value: Any, bookmark: str | None, newer: bool) -> None:
    assert is_newer(value, bookmark) is newer


# --------------------------------------------------------------------------- guards


@respx.mock(base_url=ONEROSTER)
def test_a_provider_ignoring_offset_is_stopped(respx_mock: respx.MockRouter) -> None:
    page = {"users": [{"sourcedId": "u1"}, {"sourcedId": "u2"}]}
    route = respx_mock.get("users").mock(return_value=httpx.Response(200, json=page))
    stream = Stream("users", "users", records_path="users", paginator=OffsetPaginator(2))
    with pytest.raises(SourceDataError, match="served the same page of records again"):
        read(ONEROSTER, stream)
    assert route.call_count == 2


@respx.mock(base_url=ONEROSTER)
def test_links_that_cycle_back_to_an_earlier_page_are_stopped(
    respx_mock: respx.MockRouter,
) -> None:
    """Page 1 → page 2 → page 1 again: not consecutive, still a repeat."""

    def page(request: httpx.Request) -> httpx.Response:
        n = request.url.params.get("page", "1")
        other = "2" if n == "1" else "1"
        return httpx.Response(
            200,
            json={"users": [{"sourcedId": f"u{n}"}]},
            headers={"Link": f'<{ONEROSTER}users?page={other}>; rel="next"'},
        )

    route = respx_mock.get("users").mock(side_effect=page)
    stream = Stream("users", "users", records_path="users", paginator=LinkHeaderPaginator(None))
    with pytest.raises(SourceDataError, match="same page of records again"):
        read(ONEROSTER, stream)
    assert route.call_count == 3


@respx.mock(base_url="https://classroom.googleapis.com/v1/")
def test_a_cursor_that_does_not_move_is_stopped_even_on_empty_pages(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.get("courses").mock(
        return_value=httpx.Response(200, json={"nextPageToken": "same"})
    )
    stream = Stream("courses", "courses", records_path="courses", paginator=CursorPaginator())
    with pytest.raises(SourceDataError, match="does not move"):
        read("https://classroom.googleapis.com/v1/", stream)
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"users": {"sourcedId": "u1"}}, "expected a list at users, got dict"),
        ([{"sourcedId": "u1"}], "expected a JSON object holding the records at 'users', got list"),
        ({"users": ["u1"]}, "a record is not an object"),
    ],
    ids=["records-not-a-list", "body-not-an-object", "record-not-an-object"],
)
def test_unexpected_shapes_raise_source_data_error(body: Any, message: str) -> None:
    with respx.mock(base_url=ONEROSTER) as router:
        router.get("users").mock(return_value=httpx.Response(200, json=body))
        stream = Stream("users", "users", records_path="users")
        with pytest.raises(SourceDataError, match=message) as info:
            read(ONEROSTER, stream)
    assert "users: GET https://sis.example.org/ims/oneroster/v1p1/users" in info.value.message


@respx.mock(base_url="https://api.clever.com/v3.0/")
def test_unwrap_of_a_missing_key_names_the_key(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("schools").mock(
        return_value=httpx.Response(200, json={"data": [{"uri": "/v3.0/schools/1"}]})
    )
    stream = Stream("schools", "schools", records_path="data", unwrap="data")
    with pytest.raises(SourceDataError, match="nothing at 'data'"):
        read("https://api.clever.com/v3.0/", stream)
