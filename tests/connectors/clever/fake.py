"""A small Clever district behind respx: the v3.0 payload shapes, range-based paging with
``links``, the ``role`` filter of ``/users``, the events API and the rate-limit headers.

Payloads follow Clever's v3.0 schema (District, School, Term, Course, Section, User with
its ``roles`` object: student, teacher, staff, district_admin, contact) and its envelope
``{"data": [{"data": {...}, "uri": ...}], "links": [{"rel", "uri"}]}``. Records are
served in ascending id order; a page's ``next`` link carries the request's parameters
plus ``starting_after`` like Clever's. Events are oldest first; ``ending_before=last``
with ``limit=1`` gives the newest.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import respx

BASE = "https://api.clever.com/v3.0"
TOKEN = "DEMO-district-app-token-0123456789abcdef"
NOW = 1_760_000_000.0  # the connector's clock in tests (Unix time)
RESET = int(NOW) + 42  # X-RateLimit-Reset served by the fake


def oid(n: int) -> str:
    """A Clever-like object id (24 hex digits), ordered by ``n``."""
    return f"5f0c1e{n:018x}"


DISTRICT = oid(1)
HIGH = oid(11)
ELEM = oid(12)
UNSHARED = oid(19)  # a school the district does not share with the app
FALL, SPRING = oid(21), oid(22)
ALG, BIO = oid(31), oid(32)
BART, LISA, RALPH, MILHOUSE = oid(41), oid(42), oid(43), oid(44)
EDNA, HOOVER = oid(51), oid(52)
SKINNER = oid(61)
CHALMERS = oid(71)
MARGE, ABE = oid(81), oid(82)
ALG_P1, BIO_P2, HR3, GHOST = oid(91), oid(92), oid(93), oid(94)

MODIFIED = "2025-08-01T15:00:00.000Z"

DISTRICT_RECORD: dict[str, Any] = {
    "id": DISTRICT,
    "name": "Springfield Public Schools",
    "nces_id": "1712345",
    "mdr_number": "12345678",
    "state": "success",
    "sis_type": "PowerSchool",
    "last_sync": "2025-08-01T14:00:00.000Z",
    "launch_date": "2025-07-01",
    "pause_start": None,
    "pause_end": None,
    "portal_url": "https://clever.com/in/springfield",
    "login_methods": ["clever"],
    "district_contact": {"id": CHALMERS, "title": "Superintendent"},
}


def _school(id_: str, name: str, number: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "district": DISTRICT,
        "name": name,
        "school_number": number,
        "sis_id": f"SIS-{number}",
        "state_id": None,
        "nces_id": None,
        "mdr_number": None,
        "low_grade": "Kindergarten",
        "high_grade": "5",
        "phone": "(555) 555-0100",
        "principal": {"name": "Seymour Skinner", "email": "skinner@springfield.example"},
        "location": {"address": "19 Plympton St", "city": "Springfield", "state": "IL",
                     "zip": "62701", "lat": None, "lon": None},
        "created": "2025-05-01T14:00:00.000Z",
        "last_modified": MODIFIED,
        "ext": {},
        **extra,
    }  # fmt: skip


SCHOOLS = [
    _school(HIGH, "Springfield High School", "101", nces_id="171234500001",
            low_grade="9", high_grade="12"),
    _school(ELEM, "Evergreen Terrace Elementary", "102", state_id="ETE-01"),
]  # fmt: skip

TERMS = [
    {"id": FALL, "district": DISTRICT, "name": "2025-2026 Fall",
     "start_date": "2025-08-20", "end_date": "2025-12-19"},
    {"id": SPRING, "district": DISTRICT, "name": "2025-2026 Spring",
     "start_date": "2026-01-05T00:00:00.000Z", "end_date": "2026-05-29T00:00:00.000Z"},
]  # fmt: skip

COURSES = [
    {"id": ALG, "district": DISTRICT, "name": "Algebra I", "number": "MATH-101"},
    {"id": BIO, "district": DISTRICT, "name": "Biology", "number": "SCI-201"},
]


def _name(first: str, last: str, middle: str | None = None) -> dict[str, Any]:
    return {"first": first, "last": last, "middle": middle}


def _user(id_: str, first: str, last: str, email: str | None, **roles: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "district": DISTRICT,
        "email": email,
        "name": _name(first, last),
        "created": "2025-05-01T14:00:00.000Z",
        "last_modified": MODIFIED,
        "roles": roles,
    }


def _student(school: str, number: str, **fields: Any) -> dict[str, Any]:
    return {
        "school": school,
        "schools": [school],
        "sis_id": f"sis-{number}",
        "student_number": number,
        "state_id": f"IL-{number}",
        "credentials": {"district_username": None},
        "grade": "9",
        "dob": "1/1/2011",
        "gender": "",
        "race": "",
        "hispanic_ethnicity": "",
        "ell_status": "N",
        "graduation_year": None,
        "enrollments": [{"school": school, "start_date": "2025-08-20", "end_date": None}],
        "location": None,
        "legacy_id": f"legacy-{number}",
        "ext": {},
        **fields,
    }


def _teacher(school: str, number: str, **fields: Any) -> dict[str, Any]:
    return {
        "school": school,
        "schools": [school],
        "sis_id": f"sis-{number}",
        "teacher_number": number,
        "state_id": None,
        "title": "Teacher",
        "credentials": {"district_username": None},
        "legacy_id": f"legacy-{number}",
        "ext": {},
        **fields,
    }


USERS = [
    _user(BART, "Bart", "Simpson", "bart@springfield.example",
          student=_student(HIGH, "1001", dob="4/1/2011", gender="M", race="Caucasian",
                           hispanic_ethnicity="N",
                           credentials={"district_username": "bsimpson"})),
    _user(LISA, "Lisa", "Simpson", None,
          student=_student(ELEM, "1002", schools=[ELEM, HIGH], grade="3", dob="5/9/2016",
                           gender="F", race="Unknown")),
    _user(RALPH, "Ralph", "Wiggum", None,
          student=_student(ELEM, "1003", grade="Kindergarten", dob="9/30/2019", gender="X",
                           race="Two or More Races", hispanic_ethnicity="Y")),
    # A student of a school the district does not share: not rostered.
    _user(MILHOUSE, "Milhouse", "Van Houten", None, student=_student(UNSHARED, "1004")),
    # A teacher who is also staff: one user, two roles.
    _user(EDNA, "Edna", "Krabappel", "edna@springfield.example",
          teacher=_teacher(HIGH, "T2001", credentials={"district_username": "ekrabappel"}),
          staff={"schools": [HIGH], "staff_id": "A2001", "title": "Department Chair",
                 "department": "Math", "roles": [], "credentials": {"district_username": None},
                 "legacy_id": "legacy-A2001", "ext": {}}),
    _user(HOOVER, "Elizabeth", "Hoover", "hoover@springfield.example",
          teacher=_teacher(ELEM, "T2003", schools=[ELEM, HIGH])),
    _user(SKINNER, "Seymour", "Skinner", "skinner@springfield.example",
          staff={"schools": [HIGH, ELEM], "staff_id": "A3001", "title": "Principal",
                 "department": None, "roles": [], "credentials": {"district_username": None},
                 "legacy_id": "legacy-A3001", "ext": {}}),
    _user(CHALMERS, "Gary", "Chalmers", "chalmers@springfield.example",
          district_admin={"title": "Superintendent", "legacy_id": "legacy-DA1"}),
    _user(MARGE, "Marge", "Simpson", "marge@springfield.example",
          contact={"sis_id": "C-7001", "phone": "555-0100", "phone_type": "Cell",
                   "legacy_id": "legacy-C1",
                   "student_relationships": [
                       {"student": BART, "relationship": "Parent", "type": "Parent/Guardian"},
                       {"student": LISA, "relationship": "Parent", "type": "Parent/Guardian"},
                   ]}),
    _user(ABE, "Abe", "Simpson", None,
          contact={"sis_id": "C-7002", "phone": "555-0199", "phone_type": "Home",
                   "legacy_id": "legacy-C2",
                   "student_relationships": [
                       {"student": BART, "relationship": "Grandparent", "type": "Emergency"},
                   ]}),
]  # fmt: skip


def _section(id_: str, name: str, school: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "district": DISTRICT,
        "school": school,
        "name": name,
        "sis_id": f"SEC-{id_[-2:]}",
        "section_number": None,
        "period": None,
        "subject": "math",
        "grade": None,
        "course": None,
        "term_id": None,
        "teacher": None,
        "teachers": [],
        "students": [],
        "created": "2025-05-01T14:00:00.000Z",
        "last_modified": MODIFIED,
        "ext": {},
        **fields,
    }


SECTIONS = [
    _section(ALG_P1, "Algebra I - P1", HIGH, section_number="P1", period="1", grade="9",
             course=ALG, term_id=FALL, teacher=EDNA, teachers=[EDNA], students=[BART, LISA]),
    _section(BIO_P2, "Biology - P2", HIGH, section_number="P2", period="2", subject="science",
             course=BIO, term_id=SPRING, teacher=EDNA, teachers=[EDNA, HOOVER],
             students=[BART, MILHOUSE]),
    # A homeroom without a course or a term.
    _section(HR3, "Homeroom K", ELEM, subject="homeroom/advisory", grade="Kindergarten",
             teacher=HOOVER, teachers=[HOOVER], students=[RALPH, LISA]),
    _section(GHOST, "Unshared school section", UNSHARED, course=ALG, term_id=FALL,
             students=[MILHOUSE]),
]  # fmt: skip


def event(n: int, kind: str, obj: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A v3.0 event; ``extra`` goes into ``data`` (``previous_attributes``)."""
    return {
        "id": oid(1000 + n),
        "type": kind,
        "created": f"2025-09-{n % 28 + 1:02d}T12:00:00.000Z",
        "data": {"object": copy.deepcopy(obj), **extra},
    }


# Events before the first sync (the newest is the bookmark a full run starts).
EARLY_EVENTS = [
    event(1, "schools.created", SCHOOLS[1]),
    event(2, "users.updated", USERS[0], previous_attributes={"email": None}),
]

Handler = Callable[[httpx.Request], httpx.Response]


def clever_error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"message": message})


class FakeClever:
    """The district above served by respx routes. ``routes[name]``: the respx routes;
    the data lists and ``events`` can be edited between runs; ``remaining`` is the
    X-Rate-Limit-Remaining sent."""

    def __init__(self, router: respx.Router, *, token: str = TOKEN) -> None:
        self.token = token
        self.remaining = 1100
        self.district = copy.deepcopy(DISTRICT_RECORD)
        self.schools = copy.deepcopy(SCHOOLS)
        self.terms = copy.deepcopy(TERMS)
        self.courses = copy.deepcopy(COURSES)
        self.users = copy.deepcopy(USERS)
        self.sections = copy.deepcopy(SECTIONS)
        self.events = copy.deepcopy(EARLY_EVENTS)
        self.routes = {
            "districts": router.get(f"{BASE}/districts").mock(
                side_effect=lambda r: self._page(r, "districts", [self.district])
            ),
            "schools": router.get(f"{BASE}/schools").mock(
                side_effect=lambda r: self._page(r, "schools", self.schools)
            ),
            "terms": router.get(f"{BASE}/terms").mock(
                side_effect=lambda r: self._page(r, "terms", self.terms)
            ),
            "courses": router.get(f"{BASE}/courses").mock(
                side_effect=lambda r: self._page(r, "courses", self.courses)
            ),
            "users": router.get(f"{BASE}/users").mock(side_effect=self._users),
            "user": router.get(url__regex=rf"{BASE}/users/(?P<user>\w+)$").mock(
                side_effect=self._user
            ),
            "mycontacts": router.get(url__regex=rf"{BASE}/users/(?P<user>\w+)/mycontacts").mock(
                side_effect=self._mycontacts
            ),
            "sections": router.get(f"{BASE}/sections").mock(
                side_effect=lambda r: self._page(r, "sections", self.sections)
            ),
            "events": router.get(f"{BASE}/events").mock(side_effect=self._events),
            "event": router.get(url__regex=rf"{BASE}/events/(?P<event>\w+)$").mock(
                side_effect=self._event
            ),
        }

    # -- plumbing ----------------------------------------------------------------------------
    def headers(self) -> dict[str, str]:
        self.remaining = max(self.remaining - 1, 0)
        return {
            "X-RateLimit-Limit": "1200",
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(RESET),
            "X-RateLimit-Bucket": "api.clever.com",
        }

    def _refused(self, request: httpx.Request) -> httpx.Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return clever_error(401, "Unauthorized: invalid or revoked token")
        return None

    def _envelope(
        self, request: httpx.Request, collection: str, items: list[dict[str, Any]]
    ) -> httpx.Response:
        """One page of ``items`` (ascending ids) after ``starting_after``, ``limit`` long."""
        params = request.url.params
        limit = int(params.get("limit", "100"))
        ordered = sorted(items, key=lambda i: str(i["id"]))
        after = params.get("starting_after")
        if after:
            ordered = [i for i in ordered if str(i["id"]) > after]
        page = ordered[:limit]
        keep = [(k, v) for k, v in params.multi_items() if k != "starting_after"]
        path = f"/v3.0/{collection}"
        links = [{"rel": "self", "uri": f"{path}?{urlencode(params.multi_items())}"}]
        if len(ordered) > limit:
            query = urlencode([*keep, ("starting_after", str(page[-1]["id"]))])
            links.append({"rel": "next", "uri": f"{path}?{query}"})
        body = {
            "data": [{"data": i, "uri": f"{path}/{i['id']}"} for i in page],
            "links": links,
        }
        return httpx.Response(
            200,
            content=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **self.headers()},
        )

    def _page(
        self, request: httpx.Request, collection: str, items: list[dict[str, Any]]
    ) -> httpx.Response:
        return self._refused(request) or self._envelope(request, collection, items)

    # -- endpoints ---------------------------------------------------------------------------
    def _users(self, request: httpx.Request) -> httpx.Response:
        role = request.url.params.get("role")
        items = [u for u in self.users if role is None or role in u["roles"]]
        return self._page(request, "users", items)

    def _user(self, request: httpx.Request, user: str) -> httpx.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        for u in self.users:
            if u["id"] == user:
                return httpx.Response(200, json={"data": u}, headers=self.headers())
        return clever_error(404, "Resource not found")

    def _mycontacts(self, request: httpx.Request, user: str) -> httpx.Response:
        contacts = [
            u
            for u in self.users
            if any(
                link.get("student") == user
                for link in (u["roles"].get("contact") or {}).get("student_relationships", [])
            )
        ]
        return self._page(request, f"users/{user}/mycontacts", contacts)

    def _events(self, request: httpx.Request) -> httpx.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        params = request.url.params
        if params.get("ending_before") == "last":
            limit = int(params.get("limit", "100"))
            newest = self.events[-limit:] if self.events else []
            body = {"data": [{"data": e, "uri": f"/v3.0/events/{e['id']}"} for e in newest],
                    "links": []}  # fmt: skip
            return httpx.Response(200, json=body, headers=self.headers())
        after = params.get("starting_after")
        index = next((i for i, e in enumerate(self.events) if e["id"] == after), None)
        if after and index is None:
            return clever_error(404, "Resource not found")
        window = self.events[(index + 1 if index is not None else 0) :]
        # Events are served in their own (chronological) order; ids ascend with it.
        return self._envelope(request, "events", window)

    def _event(self, request: httpx.Request, event: str) -> httpx.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        for e in self.events:
            if e["id"] == event:
                return httpx.Response(200, json={"data": e}, headers=self.headers())
        return clever_error(404, "Resource not found")

    @property
    def newest_event(self) -> str:
        return str(self.events[-1]["id"])

    def add_event(self, kind: str, obj: dict[str, Any], **extra: Any) -> str:
        n = len(self.events) + 1
        self.events.append(event(n, kind, obj, **extra))
        return str(self.events[-1]["id"])

    def user(self, user_id: str) -> dict[str, Any]:
        return next(u for u in self.users if u["id"] == user_id)

    def section(self, section_id: str) -> dict[str, Any]:
        return next(s for s in self.sections if s["id"] == section_id)
