"""The Clever connector's pure parts: record helpers, the event log, paging, throttling."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from interop_hub.connectors.clever.events import EventLog
from interop_hub.connectors.clever.paging import CleverPaginator
from interop_hub.connectors.clever.records import (
    contact_role,
    deep_merge,
    parse_day,
    section_members,
    term_dates,
    user_ids,
    user_roles,
)
from interop_hub.connectors.clever.throttle import CleverRateLimit
from interop_hub.core.errors import SourceDataError

ALL_ROLES = frozenset({"student", "teacher", "staff", "district_admin", "contact"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-08-20", date(2025, 8, 20)),
        ("2026-01-05T00:00:00.000Z", date(2026, 1, 5)),
        ("4/1/2011", date(2011, 4, 1)),
        ("12/31/2010", date(2010, 12, 31)),
        ("13/45/2010", None),
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_parse_day(value: Any, expected: date | None) -> None:
    assert parse_day(value) == expected


def test_term_dates_fill_what_is_missing() -> None:
    assert term_dates({"start_date": "2025-08-20", "end_date": None}, 2030) == (
        date(2025, 8, 20),
        date(2026, 6, 30),
        2026,
    )
    assert term_dates({"end_date": "2026-05-29"}, 2030) == (
        date(2025, 7, 1),
        date(2026, 5, 29),
        2026,
    )
    assert term_dates({}, 2030) == (date(2029, 7, 1), date(2030, 6, 30), 2030)
    # A summer term starting in June belongs to the school year ending that June.
    assert term_dates({"start_date": "2025-06-09", "end_date": "2025-07-25"}, 2030)[2] == 2025


def test_deep_merge_rebuilds_the_earlier_state() -> None:
    now: dict[str, Any] = {
        "name": {"first": "Bartholomew", "last": "Simpson"},
        "roles": {"student": {"a": 1}},
    }
    before = deep_merge(now, {"name": {"first": "Bart"}, "roles": {"staff": None}})
    assert before == {
        "name": {"first": "Bart", "last": "Simpson"},
        "roles": {"student": {"a": 1}, "staff": None},
    }
    assert now["name"]["first"] == "Bartholomew"  # not changed in place


def _user(**roles: Any) -> dict[str, Any]:
    return {"id": "u1", "district": "d1", "roles": roles}


def test_user_roles_primary_first_and_filtered_by_known_orgs() -> None:
    user = _user(
        staff={"schools": ["s2", "s1"]},
        teacher={"school": "s1", "schools": ["s1", "s3"]},
        district_admin={"title": "CIO"},
    )
    rows = user_roles(user, enabled=ALL_ROLES, staff_role="principal")
    assert [(r["role"], r["orgSourcedId"], r["roleType"]) for r in rows] == [
        ("teacher", "s1", "primary"),
        ("teacher", "s3", "secondary"),
        ("principal", "s2", "secondary"),
        ("principal", "s1", "secondary"),
        ("districtAdministrator", "d1", "secondary"),
    ]
    assert rows[0]["sourcedId"] == "u1:s1:teacher"
    known = user_roles(user, enabled=ALL_ROLES, staff_role="principal", known_orgs={"s2", "d1"})
    assert [(r["role"], r["orgSourcedId"], r["roleType"]) for r in known] == [
        ("principal", "s2", "primary"),
        ("districtAdministrator", "d1", "secondary"),
    ]
    assert user_roles(user, enabled={"student"}, staff_role="principal") == []


@pytest.mark.parametrize(
    ("contact", "role"),
    [
        ({"relationship": "Parent"}, "parent"),
        ({"student_relationships": [{"student": "s", "relationship": "Grandparent"}]}, "relative"),
        ({"student_relationships": [{"student": "s", "relationship": "Aunt/Uncle"}]}, "relative"),
        ({"relationship": "Other", "type": "Parent/Guardian"}, "guardian"),
        ({}, "guardian"),
    ],
)
def test_contact_role(contact: dict[str, Any], role: str) -> None:
    assert contact_role(contact) == role


def test_user_ids_skip_values_that_would_break_the_cell() -> None:
    user = {"id": "u1", "roles": {"student": {"state_id": "IL,1", "sis_id": "S1"}}}
    assert user_ids(user) == "{Clever:u1},{SIS:S1}"
    teacher = {"id": "u2", "roles": {"teacher": {"state_id": "T-9", "sis_id": None}}}
    assert user_ids(teacher) == "{Clever:u2},{StateID:T-9}"


def test_section_members() -> None:
    members = section_members(
        {"teacher": "t1", "teachers": ["t2"], "students": ["s1", "t2", "s1", ""]}
    )
    assert [(m.user, m.role, m.primary) for m in members] == [
        ("t1", "teacher", True),  # the primary teacher, even when not in teachers[]
        ("t2", "teacher", False),  # listed as a student too: a teacher
        ("s1", "student", False),
    ]
    assert section_members({}) == []


def _event(n: int, kind: str, obj: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"id": f"e{n}", "type": kind, "created": f"2025-09-0{n}T00:00:00Z",
            "data": {"object": obj, **data}}  # fmt: skip


def test_the_event_log_collapses_each_record_to_its_net_change() -> None:
    log = EventLog()
    log.add(_event(1, "sections.updated", {"id": "x", "students": ["a"]},
                   previous_attributes={"students": ["a", "b"]}))  # fmt: skip
    log.add(_event(2, "users.created", {"id": "u", "name": {"first": "N"}}))
    log.add(_event(3, "users.updated", {"id": "u", "name": {"first": "Nelson"}},
                   previous_attributes={"name": {"first": "N"}}))  # fmt: skip
    log.add(_event(4, "resources.created", {"id": "r"}))
    log.add(_event(5, "schools.deleted", {"id": "s", "name": "Old"}))
    # previous_attributes may also sit on the event itself
    log.add({**_event(6, "terms.updated", {"id": "t", "name": "Fall"}),
             "previous_attributes": {"name": "Autumn"}})  # fmt: skip

    changes = list(log.ordered())
    assert [(c.collection, c.id) for c in changes] == [
        ("schools", "s"),
        ("terms", "t"),
        ("users", "u"),
        ("sections", "x"),
    ]
    school, term, user, section = changes
    assert (school.deleted, school.before) == (True, {"id": "s", "name": "Old"})
    assert term.before == {"id": "t", "name": "Autumn"}
    assert (user.before, user.after["name"], user.events, user.created) == (
        None,
        {"first": "Nelson"},
        2,
        "2025-09-03T00:00:00Z",
    )
    assert section.before == {"id": "x", "students": ["a", "b"]}
    assert log.ignored == {"resources.created": 1}
    assert log.read == 6


def test_an_event_without_an_object_is_an_error() -> None:
    with pytest.raises(SourceDataError, match=r"event e1 \(users.updated\) has no data.object"):
        EventLog().add({"id": "e1", "type": "users.updated", "data": {"object": {"name": "x"}}})


def _response(url: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json=body, request=httpx.Request("GET", url))


def test_the_paginator_keeps_the_streams_parameters_across_next_links() -> None:
    pages = CleverPaginator(page_size=2)
    assert pages.first() == {"limit": "2"}
    records: list[Any] = [{"data": {"id": "a"}}]
    body: dict[str, Any] = {
        "data": records,
        "links": [{"rel": "next", "uri": "/v3.0/users?limit=2&starting_after=a"}],
    }
    url = "https://api.clever.com/v3.0/users?role=student&limit=2"
    step = pages.next(_response(url, body), body, records, {"role": "student", "limit": "2"})
    assert step is not None
    assert step.url == "https://api.clever.com/v3.0/users?limit=2&starting_after=a"
    assert step.params == {"role": "student"}  # the link dropped it; limit it kept

    whole = {**body, "links": [{"rel": "next", "uri": "/v3.0/users?role=student&limit=2&x=1"}]}
    step = pages.next(_response(url, whole), whole, records, {"role": "student"})
    assert step is not None
    assert step.params is None

    empty = {"data": [], "links": body["links"]}
    assert pages.next(_response(url, empty), empty, [], {}) is None
    last = {"data": body["data"], "links": [{"rel": "self", "uri": "/v3.0/users"}]}
    assert pages.next(_response(url, last), last, records, {}) is None
    with pytest.raises(SourceDataError, match="no 'data' list"):
        pages.next(_response(url, {"error": "x"}), {"error": "x"}, [], {})


class _Inner(httpx.BaseTransport):
    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.response


def test_the_rate_limit_transport() -> None:
    sleeps: list[float] = []
    request = httpx.Request("GET", "https://api.clever.com/v3.0/users")

    def transport(response: httpx.Response) -> CleverRateLimit:
        return CleverRateLimit(
            _Inner(response), sleep=sleeps.append, max_wait=60, clock=lambda: 1000.0
        )

    told = transport(httpx.Response(429, headers={"Retry-After": "3", "X-RateLimit-Reset": "1050"}))
    assert told.handle_request(request).headers["Retry-After"] == "3"
    bare = transport(httpx.Response(429, headers={"X-RateLimit-Reset": "1012.5"}))
    assert bare.handle_request(request).headers["Retry-After"] == "13"
    assert bare.limited == 1
    nothing = transport(httpx.Response(429))
    assert "Retry-After" not in nothing.handle_request(request).headers

    spent = transport(
        httpx.Response(200, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1500"})
    )
    spent.handle_request(request)
    assert sleeps == [60.0]  # capped
    assert spent.paused == 60.0
    left = transport(
        httpx.Response(200, headers={"X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "1500"})
    )
    left.handle_request(request)
    assert sleeps == [60.0]
