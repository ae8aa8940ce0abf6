"""Every paginator against a mocked vendor: which requests go out, where the stream ends."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from interop_hub.connectors.sdk import (
    BodyLinkPaginator,
    CursorPaginator,
    LinkHeaderPaginator,
    OffsetPaginator,
    PageNumberPaginator,
    SinglePage,
    Stream,
    StreamState,
    dig,
    read_stream,
)
from tests.connectors.sdk.helpers import make_client

ONEROSTER = "https://sis.example.org/ims/oneroster/v1p1/"
EDFI = "https://edfi.example.org/data/v3/"
POWERSCHOOL = "https://district.powerschool.com/"
CANVAS = "https://canvas.example.edu/api/v1/"
CLASSROOM = "https://classroom.googleapis.com/v1/"
CLEVER = "https://api.clever.com/v3.0/"


def or_user(n: int) -> dict[str, Any]:
    return {
        "sourcedId": f"u{n}",
        "status": "active",
        "dateLastModified": f"2024-08-0{n}T12:00:00.000Z",
        "enabledUser": "true",
        "username": f"student{n}",
        "givenName": f"Given{n}",
        "familyName": "Lopez",
        "role": "student",
        "orgs": [{"href": "https://sis.example.org/orgs/s1", "sourcedId": "s1", "type": "org"}],
    }


def offsets(route: respx.Route) -> list[str | None]:
    return [call.request.url.params.get("offset") for call in route.calls]


def read(base: str, stream: Stream) -> tuple[list[dict[str, Any]], StreamState]:
    state = StreamState()
    with make_client(base) as client:
        return list(read_stream(client, stream, state=state)), state


# --------------------------------------------------------------------------- offset


@respx.mock(base_url=ONEROSTER)
def test_offset_without_total_stops_on_the_short_page(respx_mock: respx.MockRouter) -> None:
    users = [or_user(n) for n in range(1, 6)]
    route = respx_mock.get("users").mock(
        side_effect=[
            httpx.Response(200, json={"users": users[0:2]}),
            httpx.Response(200, json={"users": users[2:4]}),
            httpx.Response(200, json={"users": users[4:5]}),
        ]
    )
    stream = Stream("users", "users", records_path="users", paginator=OffsetPaginator(2))
    records, state = read(ONEROSTER, stream)
    assert [r["sourcedId"] for r in records] == ["u1", "u2", "u3", "u4", "u5"]
    assert offsets(route) == ["0", "2", "4"]
    assert all(call.request.url.params["limit"] == "2" for call in route.calls)
    assert (state.records, state.pages) == (5, 3)


@respx.mock(base_url=ONEROSTER)
def test_offset_without_total_ends_on_an_empty_page_after_a_full_one(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.get("users").mock(
        side_effect=[
            httpx.Response(200, json={"users": [or_user(1), or_user(2)]}),
            httpx.Response(200, json={"users": []}),
        ]
    )
    stream = Stream("users", "users", records_path="users", paginator=OffsetPaginator(2))
    records, state = read(ONEROSTER, stream)
    assert len(records) == 2
    assert offsets(route) == ["0", "2"]
    assert state.pages == 2


@respx.mock(base_url=ONEROSTER)
def test_offset_with_total_keeps_reading_when_the_server_caps_the_page(
    respx_mock: respx.MockRouter,
) -> None:
    """The client asks for 5 a page, the provider caps at 2 but says there are 5."""
    users = [or_user(n) for n in range(1, 6)]

    def page(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"users": users[offset : offset + 2]}, headers={"X-Total-Count": "5"}
        )

    route = respx_mock.get("users").mock(side_effect=page)
    stream = Stream(
        "users",
        "users",
        records_path="users",
        paginator=OffsetPaginator(5, total_header="X-Total-Count"),
    )
    records, _ = read(ONEROSTER, stream)
    assert [r["sourcedId"] for r in records] == ["u1", "u2", "u3", "u4", "u5"]
    assert offsets(route) == ["0", "2", "4"]


@respx.mock(base_url=EDFI)
def test_offset_with_total_stops_at_the_total_without_an_extra_request(
    respx_mock: respx.MockRouter,
) -> None:
    """Ed-Fi: the body is the list, ``Total-Count`` is sent when ``totalCount=true``."""
    students = [
        {"id": f"a{n}", "studentUniqueId": f"60{n}", "firstName": "Ana", "lastSurname": "Diaz"}
        for n in range(4)
    ]
    route = respx_mock.get("ed-fi/students").mock(
        side_effect=[
            httpx.Response(200, json=students[:2], headers={"Total-Count": "4"}),
            httpx.Response(200, json=students[2:], headers={"Total-Count": "4"}),
        ]
    )
    stream = Stream(
        "students",
        "ed-fi/students",
        params={"totalCount": "true"},
        paginator=OffsetPaginator(2, total_header="Total-Count"),
    )
    records, _ = read(EDFI, stream)
    assert [r["studentUniqueId"] for r in records] == ["600", "601", "602", "603"]
    assert route.call_count == 2
    assert route.calls[0].request.url.params["totalCount"] == "true"


@respx.mock(base_url=EDFI)
def test_offset_with_total_ends_on_an_empty_page_even_below_the_total(
    respx_mock: respx.MockRouter,
) -> None:
    """Records deleted mid-read: the total said 3, the second page is empty."""
    route = respx_mock.get("ed-fi/schools").mock(
        side_effect=[
            httpx.Response(200, json=[{"id": "1"}, {"id": "2"}], headers={"Total-Count": "3"}),
            httpx.Response(200, json=[], headers={"Total-Count": "3"}),
        ]
    )
    stream = Stream(
        "schools", "ed-fi/schools", paginator=OffsetPaginator(2, total_header="Total-Count")
    )
    records, _ = read(EDFI, stream)
    assert len(records) == 2
    assert route.call_count == 2


# --------------------------------------------------------------------------- page number


def ps_school(n: int) -> dict[str, Any]:
    return {"id": n, "name": f"School {n}", "school_number": 100 + n, "low_grade": 0}


@pytest.mark.parametrize(
    ("pages", "expected_requests"),
    [([2, 1], 2), ([2, 2, 0], 3), ([0], 1)],
    ids=["short-last-page", "empty-last-page", "empty-first-page"],
)
def test_page_number_paging(pages: list[int], expected_requests: int) -> None:
    """PowerSchool: ``page``/``pagesize``, records under ``schools.school``."""
    bodies = []
    n = 0
    for size in pages:
        bodies.append({"schools": {"school": [ps_school(n + i) for i in range(size)]}})
        n += size
    with respx.mock(base_url=POWERSCHOOL) as router:
        route = router.get("ws/v1/district/school").mock(
            side_effect=[httpx.Response(200, json=b) for b in bodies]
        )
        stream = Stream(
            "schools",
            "ws/v1/district/school",
            records_path="schools.school",
            paginator=PageNumberPaginator(page_size=2),
        )
        records, _ = read(POWERSCHOOL, stream)
    assert [r["id"] for r in records] == list(range(sum(pages)))
    assert [c.request.url.params["page"] for c in route.calls] == [
        str(p) for p in range(1, expected_requests + 1)
    ]
    assert {c.request.url.params["pagesize"] for c in route.calls} == {"2"}


# --------------------------------------------------------------------------- Link header


@respx.mock(base_url=CANVAS)
def test_link_header_follows_absolute_next_links_and_stops_without_one(
    respx_mock: respx.MockRouter,
) -> None:
    """Canvas: absolute ``Link`` URLs with Canvas's opaque page bookmarks."""
    first = f"{CANVAS}accounts/1/users?page=first&per_page=2"
    second = f"{CANVAS}accounts/1/users?page=bookmark:WzQ1XQ&per_page=2"
    route = respx_mock.get("accounts/1/users").mock(
        side_effect=[
            httpx.Response(
                200,
                json=[{"id": 41, "name": "Ana Diaz"}, {"id": 45, "name": "Ben Okafor"}],
                headers={
                    "Link": f'<{first}>; rel="current",<{second}>; rel="next",'
                    f'<{first}>; rel="first"'
                },
            ),
            httpx.Response(
                200,
                json=[{"id": 52, "name": "Cy Young"}],
                headers={"Link": f'<{second}>; rel="current",<{first}>; rel="first"'},
            ),
        ]
    )
    stream = Stream("users", "accounts/1/users", paginator=LinkHeaderPaginator(page_size=2))
    records, _ = read(CANVAS, stream)
    assert [r["id"] for r in records] == [41, 45, 52]
    assert route.call_count == 2
    assert route.calls[0].request.url.params["per_page"] == "2"
    assert str(route.calls[1].request.url) == second


@respx.mock(base_url="https://or.example.net/")
def test_link_header_resolves_relative_links_against_the_response_url(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.get("ims/oneroster/v1p1/classes").mock(
        side_effect=[
            httpx.Response(
                200,
                json={"classes": [{"sourcedId": "c1"}]},
                headers={"Link": '</ims/oneroster/v1p1/classes?limit=1&offset=1>; rel="next"'},
            ),
            httpx.Response(
                200,
                json={"classes": [{"sourcedId": "c2"}]},
                headers={"Link": '<classes?limit=1&offset=2>; rel="next"'},
            ),
            httpx.Response(200, json={"classes": [{"sourcedId": "c3"}]}),
        ]
    )
    stream = Stream(
        "classes",
        "ims/oneroster/v1p1/classes",
        records_path="classes",
        paginator=LinkHeaderPaginator(page_size=1, size_param="limit"),
    )
    records, _ = read("https://or.example.net/", stream)
    assert [r["sourcedId"] for r in records] == ["c1", "c2", "c3"]
    urls = [str(c.request.url) for c in route.calls]
    assert urls[1] == "https://or.example.net/ims/oneroster/v1p1/classes?limit=1&offset=1"
    assert urls[2] == "https://or.example.net/ims/oneroster/v1p1/classes?limit=1&offset=2"


# --------------------------------------------------------------------------- cursor


@respx.mock(base_url=CLASSROOM)
def test_cursor_paging_sends_the_token_and_keeps_the_page_size(
    respx_mock: respx.MockRouter,
) -> None:
    """Google Classroom ``courses.list``: ``nextPageToken`` in, ``pageToken`` out; the
    last page has no token."""
    route = respx_mock.get("courses").mock(
        side_effect=[
            httpx.Response(
                200,
                json={
                    "courses": [
                        {"id": "6123", "name": "Biology", "section": "P2", "courseState": "ACTIVE"},
                        {"id": "6124", "name": "Algebra", "section": "P3", "courseState": "ACTIVE"},
                    ],
                    "nextPageToken": "Ci0KKxIpEicKCzE3NjQ",
                },
            ),
            httpx.Response(
                200,
                json={"courses": [{"id": "6125", "name": "Art", "courseState": "ARCHIVED"}]},
            ),
        ]
    )
    stream = Stream(
        "courses",
        "courses",
        records_path="courses",
        params={"courseStates": "ACTIVE"},
        paginator=CursorPaginator(page_size=2),
    )
    records, _ = read(CLASSROOM, stream)
    assert [r["id"] for r in records] == ["6123", "6124", "6125"]
    first, second = (c.request.url.params for c in route.calls)
    assert "pageToken" not in first
    assert second["pageToken"] == "Ci0KKxIpEicKCzE3NjQ"
    assert second["pageSize"] == first["pageSize"] == "2"
    assert second["courseStates"] == "ACTIVE"


@respx.mock(base_url=CLASSROOM)
def test_cursor_paging_treats_an_omitted_list_as_no_records(
    respx_mock: respx.MockRouter,
) -> None:
    """Google omits empty repeated fields: a course without students answers ``{}``."""
    respx_mock.get("courses/6123/students").mock(return_value=httpx.Response(200, json={}))
    stream = Stream(
        "students", "courses/6123/students", records_path="students", paginator=CursorPaginator()
    )
    records, state = read(CLASSROOM, stream)
    assert records == []
    assert state.pages == 1


# --------------------------------------------------------------------------- body links


def clever_user(user_id: str) -> dict[str, Any]:
    return {
        "data": {
            "id": user_id,
            "district": "5e8f1b2a",
            "name": {"first": "Ana", "last": "Diaz"},
            "roles": {"student": {"sis_id": f"S{user_id}", "grade": "5"}},
        },
        "uri": f"/v3.0/users/{user_id}",
    }


@respx.mock(base_url=CLEVER)
def test_body_links_follow_the_next_link_and_unwrap_data(respx_mock: respx.MockRouter) -> None:
    """Clever v3: ``{"data": [{"data": {...}, "uri": ...}], "links": [{rel, uri}]}`` with
    links relative to the host."""
    route = respx_mock.get("users").mock(
        side_effect=[
            httpx.Response(
                200,
                json={
                    "data": [clever_user("u1"), clever_user("u2")],
                    "links": [
                        {"rel": "self", "uri": "/v3.0/users?limit=2"},
                        {"rel": "next", "uri": "/v3.0/users?limit=2&starting_after=u2"},
                    ],
                },
            ),
            httpx.Response(
                200,
                json={
                    "data": [clever_user("u3")],
                    "links": [{"rel": "self", "uri": "/v3.0/users?limit=2&starting_after=u2"}],
                },
            ),
        ]
    )
    stream = Stream(
        "users",
        "users",
        records_path="data",
        unwrap="data",
        paginator=BodyLinkPaginator(page_size=2),
    )
    records, _ = read(CLEVER, stream)
    assert [r["id"] for r in records] == ["u1", "u2", "u3"]
    assert records[0]["name"] == {"first": "Ana", "last": "Diaz"}
    assert str(route.calls[1].request.url) == f"{CLEVER}users?limit=2&starting_after=u2"


# --------------------------------------------------------------------------- single page


@respx.mock(base_url=ONEROSTER)
def test_single_page_makes_one_request(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("orgs").mock(
        return_value=httpx.Response(
            200,
            json={"orgs": [{"sourcedId": "d1", "type": "district"}]},
            headers={"Link": '<orgs?offset=1>; rel="next"'},
        )
    )
    records, _ = read(
        ONEROSTER, Stream("orgs", "orgs", records_path="orgs", paginator=SinglePage())
    )
    assert records == [{"sourcedId": "d1", "type": "district"}]
    assert route.call_count == 1


# --------------------------------------------------------------------------- dig


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (None, {"a": {"b": [{"c": 1}, {"c": 2}]}, "s": "text"}),
        ("a.b.1.c", 2),
        ("a.b.5.c", None),
        ("a.x", None),
        ("s.0", None),
        ("a.b.c", None),
    ],
)
def test_dig(path: str | None, expected: Any) -> None:
    body = {"a": {"b": [{"c": 1}, {"c": 2}]}, "s": "text"}
    assert dig(body, path) == expected
