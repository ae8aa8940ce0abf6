"""A small PowerSchool district behind respx: the documented ``/ws/v1`` shapes, plugin
OAuth, ``page``/``pagesize`` paging with ``/count``, and PowerSchool's JSON quirks.

Shapes follow PowerSchool's resource documentation (district, district/school,
school/{id}/term|course|staff|student|section, section/{id}/section_enrollment,
course/{id}, term/{id}, metadata):

* collections are wrapped twice, ``{"students": {"@expansions": "...", "student": [...]}}``,
  and a page holding one record has that record as an *object*;
* counts are ``{"resource": {"count": N}}``;
* nested elements that occur once are objects, repeated ones lists (``races``,
  ``school_affiliations``, a staff ``name``), and ids are numbers or strings;
* expansions are only present when asked for (``expansions=...``);
* ``pagesize`` is capped at the plugin's maximum page size (``page_cap``) without notice.

The token endpoint checks HTTP Basic ``client_id:client_secret`` and the grant, and
issues numbered tokens with ``expires_in`` as a string, as PowerSchool does; the API
accepts only tokens that are still valid (``revoke`` invalidates them all).
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any

import httpx
import respx

BASE = "https://powerschool.springfield.k12.example"
CLIENT_ID = "0d6f4a2e-5b1c-4e8f-9a7d-3c2b1a0f9e8d"
CLIENT_SECRET = "7e3b9c1a-2f4d-4b6e-8a0c-5d9f1e2b3c4a"

DISTRICT: dict[str, Any] = {
    "uuid": "4b9d2c1e-7f3a-4e5b-9c8d-5501a2b3c4d5",
    "name": "Springfield School District",
    "district_number": "5501",
    "addresses": {
        "physical": {
            "street": "19 Plympton St",
            "city": "Springfield",
            "state_province": "OR",
            "postal_code": "97403",
        }
    },
    "phones": {"main": {"number": "541-555-0100"}, "fax": {"number": "541-555-0101"}},
}


def _school(
    id_: int, number: str, name: str, low: int, high: int, state: str | None
) -> dict[str, Any]:
    school: dict[str, Any] = {
        "id": id_,
        "school_number": number,
        "name": name,
        "low_grade": low,
        "high_grade": high,
        "alternate_school_number": 0,
        "addresses": {"physical": {"street": "1 School Rd", "city": "Springfield"}},
        "phones": {"main": {"number": f"541-555-{number}"}},
    }
    if state is not None:
        school["state_province_id"] = state
    return school


SCHOOLS = [
    _school(1, "100", "Springfield Elementary School", 0, 5, "5501-100"),
    _school(2, "200", "Springfield High School", 9, 12, None),
]


def _term(
    id_: Any, school: Any, year: Any, portion: int, start: str, end: str, abbr: str, name: str
) -> dict[str, Any]:
    return {
        "id": id_,
        "school_id": school,
        "start_year": year,
        "portion": portion,
        "start_date": start,
        "end_date": end,
        "abbreviation": abbr,
        "name": name,
    }


TERMS: dict[int, list[dict[str, Any]]] = {
    1: [
        _term(10, 1, 2025, 1, "2025-08-20", "2026-06-05", "25-26", "2025-2026"),
        _term(11, 1, 2025, 2, "2025-08-20", "2026-01-16", "S1", "Semester 1"),
        _term(12, 1, 2025, 2, "2026-01-20", "2026-06-05", "S2", "Semester 2"),
    ],
    # The term resource documents its ids as strings.
    2: [
        _term("19", "2", "2024", 1, "2024-08-21", "2025-06-06", "24-25", "2024-2025"),
        _term("20", "2", "2025", 1, "2025-08-20", "2026-06-05", "25-26", "2025-2026"),
        _term("21", "2", "2025", 4, "2025-08-20", "2025-10-24", "Q1", "Quarter 1"),
        _term("22", "2", "2025", 2, "2026-01-20", "2026-06-05", "S2", "Semester 2"),
    ],
}
# Not in school 2's term list; a section refers to it (GET /ws/v1/term/18).
SUMMER = _term("18", "2", "2024", 4, "2025-06-09", "2025-07-25", "SS", "Summer School 2025")


def _course(id_: int, number: str, name: str) -> dict[str, Any]:
    return {"id": id_, "course_number": number, "course_name": name}


HOMEROOM = _course(300, "HR3", "Grade 3 Homeroom")
ALGEBRA = _course(301, "MA101", "Algebra I")
BIOLOGY = _course(302, "SC201", "Biology")
CHEMISTRY = _course(303, "CH301", "Chemistry")  # listed by no school: GET /ws/v1/course/303
COURSES = {1: [HOMEROOM, ALGEBRA], 2: [ALGEBRA, BIOLOGY]}


def _affiliation(school: int, type_: int, status: int = 1) -> dict[str, Any]:
    return {"school_id": school, "type": type_, "status": status}


def _staff(
    id_: int,
    users_dcid: int | None,
    first: str,
    last: str,
    *,
    teacher: str | None = None,
    admin: str | None = None,
    local: str | None = None,
    affiliations: Any = None,
) -> dict[str, Any]:
    staff: dict[str, Any] = {
        "id": id_,
        "local_id": local,
        "name": {"first_name": first, "middle_name": None, "last_name": last},
        "addresses": {"home": {"street": "742 Evergreen Terrace", "city": "Springfield"}},
        "phones": {"home_phone": "541-555-0199"},
        "emails": {"work_email": f"{first[0].lower()}{last.lower()}@springfield.k12.example"},
        "school_affiliations": affiliations,
    }
    if users_dcid is not None:
        staff["users_dcid"] = users_dcid
    if teacher is not None:
        staff["teacher_username"] = teacher
    if admin is not None:
        staff["admin_username"] = admin
    return {k: v for k, v in staff.items() if v is not None}


def _ned(id_: int) -> dict[str, Any]:
    """Ned teaches at both schools: one school-staff record (id) per school, one user."""
    affiliations = {"school_affiliation": [_affiliation(1, 1), _affiliation(2, 1)]}
    return _staff(
        id_, 9003, "Ned", "Flanders", teacher="nflanders", local="T300", affiliations=affiliations
    )


STAFF: dict[int, list[dict[str, Any]]] = {
    1: [
        _staff(
            501, 9001, "Edna", "Krabappel", teacher="ekrabappel", local="T100",
            affiliations={"school_affiliation": _affiliation(1, 1)},  # one: an object
        ),
        _staff(
            502, 9002, "Seymour", "Skinner", admin="sskinner", local="A200",
            affiliations={"school_affiliation": _affiliation(1, 2)},
        ),
        _ned(503),
        # Lunch staff, no logins: not rostered.
        _staff(
            504, 9004, "Willie", "MacDougal", local="L500",
            affiliations={"school_affiliation": _affiliation(1, 3)},
        ),
    ],
    2: [
        _ned(603),
        # An older server: no users_dcid; the name as a one-element list.
        {
            **_staff(
                601, None, "Elizabeth", "Hoover", teacher="ehoover", local="T400",
                affiliations={"school_affiliation": _affiliation(2, 1)},
            ),
            "name": [{"first_name": "Elizabeth", "last_name": "Hoover"}],
        },
        # Inactive at the only school that lists him: not rostered.
        _staff(
            602, 9005, "Dewey", "Largo", teacher="dlargo", local="T500",
            affiliations={"school_affiliation": _affiliation(2, 1, status=2)},
        ),
    ],
}  # fmt: skip


def _student(
    id_: int,
    first: str,
    last: str,
    grade: int,
    status: str | None,
    *,
    code: int | None = None,
    gender: str = "M",
    birth: str = "2011-01-01",
    ethnicity: dict[str, Any] | None = None,
    username: str | None = None,
) -> dict[str, Any]:
    enrollment: dict[str, Any] = {
        "grade_level": grade,
        "entry_date": "2025-08-20",
        "exit_date": "2026-06-06",
        "school_number": 100 if id_ < 2000 else 200,
        "entry_code": "E1",
        "district_of_residence": "5501",
    }
    if status is not None:
        enrollment |= {"enroll_status": status, "enroll_status_description": status}
    if code is not None:
        enrollment["status_code"] = code
    student: dict[str, Any] = {
        "id": id_,
        "local_id": 100000 + id_,
        "state_province_id": f"OR{id_:07d}",
        "name": {"first_name": first, "middle_name": "", "last_name": last},
        "school_enrollment": enrollment,
        "contact_info": {
            "email": f"{first.lower()}.{last.lower().replace(' ', '')}@students.springfield.example"
        },
        "demographics": {
            "gender": gender,
            "birth_date": birth,
            "district_entry_date": "2019-08-21",
            "projected_graduation_year": 2030,
            "ssn": "000-00-0000",
        },
        "ethnicity_race": ethnicity or {},
        "addresses": {"physical": {"street": "742 Evergreen Terrace", "city": "Springfield"}},
    }
    if username is not None:
        student["student_username"] = username
    return student


STUDENTS: dict[int, list[dict[str, Any]]] = {
    1: [
        _student(
            1001, "Ralph", "Wiggum", 3, "A", birth="2017-03-15",
            # One race: an object, not a list.
            ethnicity={"federal_ethnicity": "NO", "races": {
                "district_race_code": "AS", "federal_race_code_category": "A"}},
        ),
        _student(
            1002, "Rod", "Flanders", 0, "A", birth="2020-01-02",
            ethnicity={"federal_race_decline_indicator": "DECLINE_TO_SPECIFY"},
        ),
        _student(1003, "Jimbo", "Jones", 5, "T", code=2),  # transferred out
    ],
    2: [
        _student(
            2001, "Lisa", "Simpson", 9, "A", gender="F", birth="2011-05-09",
            username="lsimpson",
            ethnicity={"federal_ethnicity": "NO", "races": [
                {"district_race_code": "WH", "federal_race_code_category": "W"}]},
        ),
        # No enroll_status letter: the status_code says active.
        _student(
            2002, "Milhouse", "Van Houten", 9, None, code=0, birth="2011-03-25",
            ethnicity={"federal_ethnicity": "YES", "races": [
                {"district_race_code": "WH", "federal_race_code_category": "W"},
                {"district_race_code": "NA", "district_race_code_description":
                    "American Indian or Alaska Native"},
            ]},
        ),
        _student(2003, "Nelson", "Muntz", 12, "G", code=3),  # graduated
        _student(2004, "Sherri", "Mackleberry", 9, "P", code=-1),  # pre-registered
    ],
}  # fmt: skip
STUDENT_EXPANSIONS = (
    "addresses",
    "alerts",
    "contact",
    "contact_info",
    "demographics",
    "ethnicity_race",
    "fees",
    "initial_enrollment",
    "lunch",
    "phones",
    "schedule_setup",
    "school_enrollment",
)
STAFF_EXPANSIONS = ("addresses", "emails", "phones", "school_affiliations")


def _section(
    id_: int, school: int, course: int, term: Any, staff: int, number: str, expression: str
) -> dict[str, Any]:
    return {
        "id": id_,
        "school_id": school,
        "course_id": course,
        "term_id": term,
        "staff_id": staff,
        "section_number": number,
        "expression": expression,
        "external_expression": expression,
        "gradebooktype": "2",
    }


SECTIONS: dict[int, list[dict[str, Any]]] = {
    1: [
        _section(3001, 1, 300, 10, 501, "1", "1(A)"),
        _section(3002, 1, 301, 11, 503, "2", "2(A) 4(B)"),
    ],
    2: [
        _section(4001, 2, 301, 21, 603, "1", "3(A,C)"),  # Ned's record at school 2
        _section(4002, 2, 302, 22, 601, "3", "5(A)"),
        _section(4003, 2, 303, 20, 999, "1", "6(A)"),  # course by id; unknown teacher
        _section(4004, 2, 304, 20, 601, "9", "7(A)"),  # no course 304: not synced
        _section(4005, 2, 302, "18", 601, "4", "1(A)"),  # summer term by id
    ],
}


def _cc(id_: int, section: int, student: int, *, dropped: bool = False) -> dict[str, Any]:
    return {
        "id": id_,
        "section_id": section,
        "student_id": student,
        "entry_date": "2025-08-20",
        "exit_date": "2025-08-20" if dropped else "2026-06-05",
        "dropped": dropped,
    }


ENROLLMENTS: dict[int, list[dict[str, Any]]] = {
    3001: [_cc(7001, 3001, 1001), _cc(7002, 3001, 1002), _cc(7003, 3001, 1003)],
    3002: [_cc(7004, 3002, 1002, dropped=True)],
    4001: [_cc(8001, 4001, 2001), _cc(8002, 4001, 2002), _cc(8003, 4001, 2002, dropped=True)],
    4002: [_cc(8004, 4002, 2001)],  # one: served as an object
    4003: [_cc(8005, 4003, 2002), _cc(8006, 4003, 2003), _cc(8007, 4003, 9999)],
    4005: [],
}

METADATA = {
    "metadata": {
        "powerschool_version": "25.3.0.0",
        "plugin_id": 42,
        "school_max_page_size": 100,
        "student_max_page_size": 100,
        "staff_max_page_size": 100,
        "section_max_page_size": 100,
        "section_enrollment_max_page_size": 100,
        "term_max_page_size": 100,
        "course_max_page_size": 100,
        "state": "OR",
        "district_timezone": "America/Los_Angeles",
    }
}

Handler = Callable[..., httpx.Response]
SCHOOL_RESOURCES = {
    "terms": ("term", "terms"),
    "courses": ("course", "courses"),
    "staff": ("staff", "staffs"),
    "students": ("student", "students"),
    "sections": ("section", "sections"),
}


def ps_error(status: int, message: str, **extra: Any) -> httpx.Response:
    """A PowerSchool error body."""
    return httpx.Response(status, json={"message": message, **extra})


class FakePowerSchool:
    """The data above served by respx routes. ``routes[name]`` are the respx routes (a
    collection ``x`` has ``x`` and ``x/count``); the data can be edited between runs."""

    def __init__(self, router: respx.Router, *, page_cap: int | None = None) -> None:
        self.page_cap = page_cap
        self.expires_in: Any = "3600"
        self.issued = 0
        self.valid: set[str] = set()
        self.district = copy.deepcopy(DISTRICT)
        self.schools = copy.deepcopy(SCHOOLS)
        self.terms = copy.deepcopy(TERMS)
        self.term_catalog = {"18": copy.deepcopy(SUMMER)}
        self.courses = copy.deepcopy(COURSES)
        self.course_catalog = {"303": copy.deepcopy(CHEMISTRY)}
        self.staff = copy.deepcopy(STAFF)
        self.students = copy.deepcopy(STUDENTS)
        self.sections = copy.deepcopy(SECTIONS)
        self.enrollments = copy.deepcopy(ENROLLMENTS)
        self.routes: dict[str, respx.Route] = {}
        r = router
        self.routes["token"] = r.post(f"{BASE}/oauth/access_token").mock(side_effect=self._token)
        self._get(r, "metadata", r"^/ws/v1/metadata$", lambda q: httpx.Response(200, json=METADATA))
        self._get(r, "district", r"^/ws/v1/district$", self._district)
        self._get(r, "schools/count", r"^/ws/v1/district/school/count$", self._schools_count)
        self._get(r, "schools", r"^/ws/v1/district/school$", self._schools)
        for name, (resource, _) in SCHOOL_RESOURCES.items():
            pattern = rf"^/ws/v1/school/(?P<school>\d+)/{resource}"
            self._get(r, f"{name}/count", pattern + "/count$", self._school_handler(name, True))
            self._get(r, name, pattern + "$", self._school_handler(name, False))
        pattern = r"^/ws/v1/section/(?P<section>\d+)/section_enrollment"
        self._get(r, "section_enrollments/count", pattern + "/count$", self._enrollments_count)
        self._get(r, "section_enrollments", pattern + "$", self._enrollments)
        self._get(r, "course", r"^/ws/v1/course/(?P<ident>\d+)$", self._one("course"))
        self._get(r, "term", r"^/ws/v1/term/(?P<ident>\d+)$", self._one("term"))

    # -- plumbing --------------------------------------------------------------------------
    def _get(self, router: respx.Router, name: str, path: str, handler: Handler) -> None:
        def guarded(request: httpx.Request, **kwargs: str) -> httpx.Response:
            refused = self._authorized(request)
            return refused if refused is not None else handler(request, **kwargs)

        route = router.get(scheme="https", host=BASE.removeprefix("https://"), path__regex=path)
        self.routes[name] = route.mock(side_effect=guarded)

    def _token(self, request: httpx.Request) -> httpx.Response:
        pair = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        form = dict(httpx.QueryParams(request.content.decode()))
        if request.headers.get("Authorization") != f"Basic {pair}":
            return httpx.Response(
                401, json={"error": "invalid_client", "error_description": "Bad client credentials"}
            )
        if form.get("grant_type") != "client_credentials":
            return httpx.Response(400, json={"error": "unsupported_grant_type"})
        self.issued += 1
        token = f"ps-token-{self.issued}"
        self.valid.add(token)
        return httpx.Response(
            200,
            json={"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in},
        )

    def revoke(self) -> None:
        """Every token issued so far stops working (expired at PowerSchool's end)."""
        self.valid.clear()

    def _authorized(self, request: httpx.Request) -> httpx.Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header.removeprefix("Bearer ") not in self.valid:
            return ps_error(401, "Invalid or expired access token")
        return None

    def _page(
        self,
        request: httpx.Request,
        records: list[dict[str, Any]],
        plural: str,
        singular: str,
        expansions: tuple[str, ...] = (),
    ) -> httpx.Response:
        params = request.url.params
        page = int(params.get("page", "1"))
        size = int(params.get("pagesize", "100"))
        if self.page_cap is not None:
            size = min(size, self.page_cap)
        chunk = records[(page - 1) * size : page * size]
        asked = {e.strip() for e in params.get("expansions", "").split(",") if e.strip()}
        chunk = [{k: v for k, v in r.items() if k not in expansions or k in asked} for r in chunk]
        wrapper: dict[str, Any] = {"@expansions": ", ".join(expansions), "@extensions": ""}
        if chunk:
            wrapper[singular] = chunk[0] if len(chunk) == 1 else chunk
        return httpx.Response(200, json={plural: wrapper})

    @staticmethod
    def _count(records: list[Any]) -> httpx.Response:
        return httpx.Response(200, json={"resource": {"count": len(records)}})

    # -- resources -------------------------------------------------------------------------
    def _district(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"district": {**self.district, "@expansions": ""}})

    def _schools_count(self, request: httpx.Request) -> httpx.Response:
        return self._count(self.schools)

    def _schools(self, request: httpx.Request) -> httpx.Response:
        return self._page(request, self.schools, "schools", "school")

    def _school_records(self, name: str, school: int) -> list[dict[str, Any]]:
        source: dict[int, list[dict[str, Any]]] = getattr(self, name)
        return source.get(school, [])

    def _school_handler(self, name: str, count: bool) -> Handler:
        resource, plural = SCHOOL_RESOURCES[name]
        expansions = {"students": STUDENT_EXPANSIONS, "staff": STAFF_EXPANSIONS}.get(name, ())

        def handle(request: httpx.Request, school: str) -> httpx.Response:
            if int(school) not in {s["id"] for s in self.schools}:
                return ps_error(404, "Resource not found")
            records = self._school_records(name, int(school))
            if count:
                return self._count(records)
            return self._page(request, records, plural, resource, expansions)

        return handle

    def _enrollments_count(self, request: httpx.Request, section: str) -> httpx.Response:
        if int(section) not in self.enrollments:
            return ps_error(404, "Resource not found")
        return self._count(self.enrollments[int(section)])

    def _enrollments(self, request: httpx.Request, section: str) -> httpx.Response:
        if int(section) not in self.enrollments:
            return ps_error(404, "Resource not found")
        return self._page(
            request, self.enrollments[int(section)], "section_enrollments", "section_enrollment"
        )

    def _one(self, kind: str) -> Handler:
        def handle(request: httpx.Request, ident: str) -> httpx.Response:
            catalog: dict[str, dict[str, Any]] = getattr(self, f"{kind}_catalog")
            if ident not in catalog:
                return ps_error(404, f"{kind} {ident} not found")
            return httpx.Response(200, json={kind: catalog[ident]})

        return handle
