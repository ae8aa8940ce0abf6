"""A small Google Classroom domain behind respx, shaped like the API v1 reference:
``Course``, ``Student``/``Teacher`` with ``UserProfile``, ``nextPageToken`` paging
(opaque tokens), Google's JSON error bodies, and empty lists omitted from the body."""

from __future__ import annotations

import base64
import copy
from typing import Any

import httpx
import respx

API = "https://classroom.googleapis.com/v1"
TOKEN = "ya29.a0AfB_test-access-token"


def google_error(code: int, status: str, message: str) -> httpx.Response:
    return httpx.Response(
        code, json={"error": {"code": code, "message": message, "status": status}}
    )


def _course(
    id_: str, name: str, section: str | None, room: str | None, owner: str
) -> dict[str, Any]:
    course: dict[str, Any] = {
        "id": id_,
        "name": name,
        "descriptionHeading": f"Welcome to {name}",
        "ownerId": owner,
        "creationTime": "2025-08-01T15:00:00.123Z",
        "updateTime": "2025-08-15T09:30:00.456Z",
        "enrollmentCode": f"code{id_[-3:]}",
        "courseState": "ACTIVE",
        "alternateLink": f"https://classroom.google.com/c/{id_}",
        "teacherGroupEmail": f"teachers_{id_}@springfield.example",
        "courseGroupEmail": f"course_{id_}@springfield.example",
        "teacherFolder": {
            "id": f"folder-{id_}",
            "title": name,
            "alternateLink": f"https://drive.google.com/drive/folders/folder-{id_}",
        },
        "guardiansEnabled": False,
        "calendarId": f"classroom{id_}@group.calendar.google.com",
        "gradebookSettings": {
            "calculationType": "TOTAL_POINTS",
            "displaySetting": "HIDE_OVERALL_GRADE",
        },
    }
    if section is not None:
        course["section"] = section
    if room is not None:
        course["room"] = room
    return course


COURSES = [
    _course("618245463431", "Algebra I", "Period 1", "204", "1101"),
    _course("618245463432", "Biology", "Period 3", "Lab 2", "1102"),
    _course("618245463433", "Art Club", None, None, "1101"),
]


def _profile(id_: str, given: str | None, family: str | None, email: str) -> dict[str, Any]:
    name: dict[str, str] = {"fullName": " ".join(p for p in (given, family) if p)}
    if given:
        name["givenName"] = given
    if family:
        name["familyName"] = family
    return {
        "id": id_,
        "name": name,
        "emailAddress": email,
        "photoUrl": f"//lh3.googleusercontent.com/a/{id_}",
        "verifiedTeacher": False,
    }


PEOPLE = {
    "1001": _profile("1001", "Bart", "Simpson", "bart.simpson@springfield.example"),
    "1002": _profile("1002", "Lisa", "Simpson", "lisa.simpson@springfield.example"),
    "1003": _profile("1003", None, None, "nelson.muntz@springfield.example"),
    "1004": _profile("1004", "Milhouse", "Van Houten", "milhouse@springfield.example"),
    "1101": _profile("1101", "Edna", "Krabappel", "edna.krabappel@springfield.example"),
    "1102": _profile("1102", "Elizabeth", "Hoover", "elizabeth.hoover@springfield.example"),
    "1103": _profile("1103", "Dewey", "Largo", "dewey.largo@springfield.example"),
}

# A profile whose name parts are missing: only fullName (Google may omit the parts).
PEOPLE["1003"]["name"] = {"fullName": "Nelson Muntz"}


def _student(course: str, user: str) -> dict[str, Any]:
    return {
        "courseId": course,
        "userId": user,
        "profile": copy.deepcopy(PEOPLE[user]),
        "studentWorkFolder": {
            "id": f"work-{course}-{user}",
            "title": "Classroom",
            "alternateLink": f"https://drive.google.com/drive/folders/work-{course}-{user}",
        },
    }


def _teacher(course: str, user: str) -> dict[str, Any]:
    profile = copy.deepcopy(PEOPLE[user])
    profile["permissions"] = [{"permission": "CREATE_COURSE"}]
    return {"courseId": course, "userId": user, "profile": profile}


A, B, C = (c["id"] for c in COURSES)
STUDENTS = {
    A: [_student(A, "1001"), _student(A, "1002"), _student(A, "1003")],
    # Dewey teaches Algebra (co-teacher) and takes Biology as a student.
    B: [_student(B, "1001"), _student(B, "1004"), _student(B, "1103")],
    C: [],
}
TEACHERS = {
    A: [_teacher(A, "1101"), _teacher(A, "1103")],
    B: [_teacher(B, "1102")],
    C: [_teacher(C, "1101")],
}


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(token: str | None) -> int:
    if not token:
        return 0
    padded = token + "=" * (-len(token) % 4)
    return int(base64.urlsafe_b64decode(padded).decode().split(":")[1])


class FakeClassroom:
    def __init__(self, router: respx.Router, *, token: str = TOKEN) -> None:
        self.token = token
        self.courses = copy.deepcopy(COURSES)
        self.students = copy.deepcopy(STUDENTS)
        self.teachers = copy.deepcopy(TEACHERS)
        self.routes = {
            "courses": router.get(f"{API}/courses").mock(side_effect=self._courses),
            "students": router.get(url__regex=rf"{API}/courses/(?P<course>\d+)/students").mock(
                side_effect=lambda r, course: self._page(r, self.students.get(course), "students")
            ),
            "teachers": router.get(url__regex=rf"{API}/courses/(?P<course>\d+)/teachers").mock(
                side_effect=lambda r, course: self._page(r, self.teachers.get(course), "teachers")
            ),
        }

    def _courses(self, request: httpx.Request) -> httpx.Response:
        states = request.url.params.get_list("courseStates") or ["ACTIVE", "ARCHIVED"]
        kept = [c for c in self.courses if c["courseState"] in states]
        return self._page(request, kept, "courses")

    def _page(
        self, request: httpx.Request, items: list[dict[str, Any]] | None, key: str
    ) -> httpx.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return google_error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access "
                "token, login cookie or other valid authentication credential.",
            )
        if items is None:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        size = int(request.url.params.get("pageSize") or 30)
        start = _offset(request.url.params.get("pageToken"))
        chunk = items[start : start + size]
        body: dict[str, Any] = {}
        if chunk:  # Google omits empty repeated fields
            body[key] = chunk
        if start + size < len(items):
            body["nextPageToken"] = _token(start + size)
        return httpx.Response(200, json=body)
