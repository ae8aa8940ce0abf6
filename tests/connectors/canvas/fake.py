"""A small Canvas instance behind respx: documented payload shapes, Link-header paging,
the state[]/type[] filters of the enrollments endpoint and the throttle headers.

Payloads follow the Canvas REST API docs (Account, EnrollmentTerm, Course, Enrollment,
User objects). Page links carry ``page`` and ``per_page`` like Canvas's (Canvas may also
use opaque ``page=bookmark:...`` values; the connector follows the links as given).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import respx

BASE = "https://springfield.instructure.com"
TOKEN = "7~canvas-admin-token"

ACCOUNT: dict[str, Any] = {
    "id": 1,
    "name": "Springfield Public Schools",
    "uuid": "WvAHhY5FINzq5IyRIJybGeiXyFkG3SqHUPb7jZY5",
    "parent_account_id": None,
    "root_account_id": None,
    "default_time_zone": "America/Chicago",
    "sis_account_id": "SPS",
    "integration_id": None,
    "sis_import_id": 34,
    "lti_guid": "WvAHhY5FINzq5IyRIJybGeiXyFkG3SqHUPb7jZY5:canvas-lms",
    "workflow_state": "active",
}


def _account(id_: int, name: str, parent: int, sis: str | None) -> dict[str, Any]:
    return {
        **ACCOUNT,
        "id": id_,
        "name": name,
        "uuid": f"uuid-{id_}",
        "parent_account_id": parent,
        "root_account_id": 1,
        "sis_account_id": sis,
    }


SUB_ACCOUNTS = [
    _account(2, "Springfield High School", 1, "SHS"),
    _account(3, "Elementary Schools", 1, None),
    _account(4, "Evergreen Terrace Elementary", 3, "ETE"),
]


def _term(id_: int, name: str, start: str | None, end: str | None) -> dict[str, Any]:
    return {
        "id": id_,
        "name": name,
        "start_at": start,
        "end_at": end,
        "workflow_state": "active",
        "grading_period_group_id": None,
        "sis_term_id": None if start is None else f"T{id_}",
        "created_at": "2025-05-01T14:00:00Z",
        "overrides": {},
    }


TERMS = [
    _term(1, "Default Term", None, None),
    # 2025-08-20 00:00 and 2025-12-19 23:59:59 in America/Chicago, as Canvas sends them (UTC).
    _term(5, "2025-2026 Fall", "2025-08-20T05:00:00Z", "2025-12-20T05:59:59Z"),
    _term(6, "2025-2026 Spring", "2026-01-05T06:00:00Z", "2026-05-29T05:00:00Z"),
]
# A term no longer listed (deleted) that still holds a course.
SUMMER = _term(9, "2025 Summer School", "2025-06-09T05:00:00Z", "2025-07-25T05:00:00Z")


def _course(id_: int, name: str, code: str, account: int, term: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": id_,
        "sis_course_id": f"SIS-{id_}",
        "uuid": f"course-uuid-{id_}",
        "integration_id": None,
        "sis_import_id": 34,
        "name": name,
        "course_code": code,
        "original_name": None,
        "workflow_state": "available",
        "account_id": account,
        "root_account_id": 1,
        "enrollment_term_id": term["id"],
        "grading_periods": None,
        "grading_standard_id": None,
        "created_at": "2025-08-01T15:00:00Z",
        "start_at": term["start_at"],
        "end_at": term["end_at"],
        "locale": "en",
        "total_students": None,
        "default_view": "modules",
        "is_public": False,
        "public_syllabus": False,
        "storage_quota_mb": 500,
        "hide_final_grades": False,
        "apply_assignment_group_weights": False,
        "restrict_enrollments_to_course_dates": False,
        "time_zone": "America/Chicago",
        "blueprint": False,
        "template": False,
        "term": {
            "id": term["id"],
            "name": term["name"],
            "start_at": term["start_at"],
            "end_at": term["end_at"],
            "created_at": term["created_at"],
            "workflow_state": term["workflow_state"],
            "grading_period_group_id": None,
        },
    }


COURSES = [
    _course(101, "Algebra I - P1 - Krabappel", "ALG1", 2, TERMS[1]),
    _course(102, "Algebra I - P3 - Krabappel", "ALG1", 2, TERMS[1]),
    _course(103, "Biology - P2 - Hoover", "BIO", 2, TERMS[2]),
    _course(104, "Grade 3 Homeroom", "HR3", 4, TERMS[0]),
    _course(105, "Summer Reading", "READ", 2, SUMMER),
]


def _user(id_: int, first: str, last: str, sis: str | None, login: str) -> dict[str, Any]:
    return {
        "id": id_,
        "name": f"{first} {last}",
        "sortable_name": f"{last}, {first}",
        "last_name": last,
        "first_name": first,
        "short_name": f"{first} {last}",
        "sis_user_id": sis,
        "sis_import_id": 34 if sis else None,
        "integration_id": None,
        "login_id": login,
        "email": f"{login}@springfield.k12.example",
        "created_at": "2025-08-01T15:00:00Z",
    }


USERS = [
    _user(201, "Bart", "Simpson", "S1001", "bsimpson"),
    _user(202, "Lisa", "Simpson", "S1002", "lsimpson"),
    _user(203, "Edna", "Krabappel", "T2001", "ekrabappel"),
    _user(204, "Ned", "Flanders", "T2002", "nflanders"),
    # An older user object: no first_name/last_name, only sortable_name.
    {
        **_user(205, "Ralph", "Wiggum", "S1005", "rwiggum"),
        "first_name": None,
        "last_name": None,
        "sortable_name": "Wiggum, Ralph",
    },
    _user(206, "Seymour", "Skinner", "A3001", "sskinner"),  # an admin: no enrollment
    _user(208, "Elizabeth", "Hoover", "T2003", "ehoover"),
]
# Enrolled in BIO but absent from the account's user list (login in another account).
GUEST = _user(207, "Milhouse", "Van Houten", "S1007", "mvanhouten")
TEST_STUDENT = _user(999, "Test", "Student", None, "test_student_103")


def _enrollment(
    id_: int,
    course: dict[str, Any],
    user: dict[str, Any],
    type_: str,
    state: str = "active",
) -> dict[str, Any]:
    return {
        "id": id_,
        "course_id": course["id"],
        "sis_course_id": course["sis_course_id"],
        "course_integration_id": None,
        "course_section_id": course["id"] * 10,
        "section_integration_id": None,
        "sis_account_id": None,
        "sis_section_id": f"SEC-{course['id']}",
        "sis_user_id": user["sis_user_id"],
        "enrollment_state": state,
        "limit_privileges_to_course_section": False,
        "sis_import_id": 34,
        "root_account_id": 1,
        "type": type_,
        "user_id": user["id"],
        "associated_user_id": None,
        "role": type_,
        "role_id": 3,
        "created_at": "2025-08-10T15:00:00Z",
        "updated_at": "2025-08-10T15:00:00Z",
        "start_at": None,
        "end_at": None,
        "last_activity_at": None,
        "total_activity_time": 0,
        "html_url": f"{BASE}/courses/{course['id']}/users/{user['id']}",
        "user": {
            "id": user["id"],
            "name": user["name"],
            "sortable_name": user["sortable_name"],
            "short_name": user["short_name"],
            "sis_user_id": user["sis_user_id"],
            "login_id": user["login_id"],
        },
    }


ENROLLMENTS = {
    101: [
        _enrollment(1001, COURSES[0], USERS[2], "TeacherEnrollment"),
        _enrollment(1002, COURSES[0], USERS[0], "StudentEnrollment"),
        _enrollment(1003, COURSES[0], USERS[1], "StudentEnrollment", "invited"),
    ],
    102: [
        _enrollment(1004, COURSES[1], USERS[2], "TeacherEnrollment"),
        _enrollment(1005, COURSES[1], USERS[1], "StudentEnrollment", "completed"),
        _enrollment(1006, COURSES[1], USERS[0], "StudentEnrollment", "inactive"),
    ],
    103: [
        _enrollment(1007, COURSES[2], USERS[6], "TeacherEnrollment"),
        _enrollment(1008, COURSES[2], USERS[3], "TaEnrollment"),
        _enrollment(1009, COURSES[2], USERS[0], "StudentEnrollment"),
        _enrollment(1010, COURSES[2], GUEST, "StudentEnrollment"),
        _enrollment(1011, COURSES[2], TEST_STUDENT, "StudentViewEnrollment"),
        _enrollment(1012, COURSES[2], USERS[5], "ObserverEnrollment"),
    ],
    104: [
        _enrollment(1013, COURSES[3], USERS[2], "TeacherEnrollment"),
        _enrollment(1014, COURSES[3], USERS[4], "StudentEnrollment"),
    ],
    105: [_enrollment(1015, COURSES[4], USERS[1], "StudentEnrollment", "deleted")],
}

Handler = Callable[[httpx.Request], httpx.Response]


def canvas_error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"errors": [{"message": message}]})


def throttled() -> httpx.Response:
    """What Canvas sends when the token's bucket is empty."""
    return httpx.Response(
        403,
        text="403 Forbidden (Rate Limit Exceeded)",
        headers={"X-Rate-Limit-Remaining": "0.0", "X-Request-Cost": "0"},
    )


class FakeCanvas:
    """The data above served by respx routes. ``routes[name]`` are the respx routes;
    ``data`` can be edited between runs; ``remaining`` is the X-Rate-Limit-Remaining sent."""

    def __init__(self, router: respx.Router, *, token: str = TOKEN) -> None:
        self.token = token
        self.remaining = 700.0
        self.account = copy.deepcopy(ACCOUNT)
        self.sub_accounts = copy.deepcopy(SUB_ACCOUNTS)
        self.terms = copy.deepcopy(TERMS)
        self.courses = copy.deepcopy(COURSES)
        self.users = copy.deepcopy(USERS)
        self.enrollments = copy.deepcopy(ENROLLMENTS)
        api = f"{BASE}/api/v1"
        self.routes = {
            "account": router.get(f"{api}/accounts/self").mock(side_effect=self._account),
            "sub_accounts": router.get(f"{api}/accounts/1/sub_accounts").mock(
                side_effect=lambda r: self._page(r, self.sub_accounts)
            ),
            "terms": router.get(f"{api}/accounts/1/terms").mock(
                side_effect=lambda r: self._page(r, self.terms, wrap="enrollment_terms")
            ),
            "courses": router.get(f"{api}/accounts/1/courses").mock(
                side_effect=lambda r: self._page(r, self.courses)
            ),
            "enrollments": router.get(
                url__regex=rf"{api}/courses/(?P<course>\d+)/enrollments"
            ).mock(side_effect=self._enrollments),
            "users": router.get(f"{api}/accounts/1/users").mock(
                side_effect=lambda r: self._page(r, self.users)
            ),
        }

    def _authorized(self, request: httpx.Request) -> httpx.Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return httpx.Response(
                401,
                json={"errors": [{"message": "Invalid access token."}]},
                headers={"WWW-Authenticate": 'Bearer realm="canvas-lms"'},
            )
        return None

    def _headers(self) -> dict[str, str]:
        return {"X-Rate-Limit-Remaining": f"{self.remaining:.1f}", "X-Request-Cost": "1.25"}

    def _account(self, request: httpx.Request) -> httpx.Response:
        return self._authorized(request) or httpx.Response(
            200, json=self.account, headers=self._headers()
        )

    def _page(
        self, request: httpx.Request, items: list[dict[str, Any]], wrap: str | None = None
    ) -> httpx.Response:
        refused = self._authorized(request)
        if refused is not None:
            return refused
        query = dict(request.url.params.multi_items())
        per_page = int(query.get("per_page", "10"))
        page = int(query.get("page", "1"))
        chunk = items[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(items) // per_page))
        links = [(page, "current"), (1, "first"), (last, "last")]
        if page < last:
            links.insert(1, (page + 1, "next"))
        if page > 1:
            links.insert(1, (page - 1, "prev"))
        params = [(k, v) for k, v in request.url.params.multi_items() if k != "page"]
        url = request.url.copy_with(query=None)
        link = ",".join(
            f'<{url}?{urlencode([*params, ("page", str(n))])}>; rel="{rel}"' for n, rel in links
        )
        body = json.dumps({wrap: chunk} if wrap else chunk)
        return httpx.Response(
            200,
            content=body.encode(),
            headers={"Link": link, "Content-Type": "application/json", **self._headers()},
        )

    def _enrollments(self, request: httpx.Request, course: str) -> httpx.Response:
        states = request.url.params.get_list("state[]") or ["active", "invited"]
        types = request.url.params.get_list("type[]")
        items = [
            e
            for e in self.enrollments.get(int(course), [])
            if e["enrollment_state"] in states and (not types or e["type"] in types)
        ]
        return self._page(request, items)
