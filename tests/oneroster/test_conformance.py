"""Every Rostering 1.2 endpoint answers with a body valid against the official OpenAPI."""

from __future__ import annotations

import re

import pytest

from interop_hub.oneroster.routes import ROUTES, RouteSpec
from tests.oneroster import schemas
from tests.oneroster.conftest import Get
from tests.oneroster.factory import Roster

# A record that exists in the realistic data set for each path parameter / view.
SINGLE_IDS = {
    "academicSessions": "sy-2024",
    "terms": "term-1",
    "gradingPeriods": "gp-1",
    "classes": "class-1",
    "courses": "course-1",
    "demographics": "student-1",
    "enrollments": "enr-1",
    "orgs": "district-1",
    "schools": "school-1",
    "users": "admin-1",
    "students": "student-1",
    "teachers": "teacher-1",
}
PARENT_IDS = {
    "termSourcedId": "term-1",
    "schoolSourcedId": "school-1",
    "classSourcedId": "class-1",
    "courseSourcedId": "course-1",
    "studentSourcedId": "student-1",
    "teacherSourcedId": "teacher-1",
    "userSourcedId": "student-1",
}


def concrete(spec: RouteSpec, unknown: str | None = None) -> str:
    """The route's path with real ids (or ``unknown`` for the first parameter)."""
    names = re.findall(r"{(\w+)}", spec.path)
    path = spec.path
    for i, name in enumerate(names):
        value = SINGLE_IDS[spec.target] if name == "sourcedId" else PARENT_IDS[name]
        path = path.replace(f"{{{name}}}", unknown if (unknown and i == 0) else value)
    return path


def test_route_table_matches_official_operations() -> None:
    official = {op: path for op, (path, _) in schemas.operations().items()}
    ours = {spec.operation: spec.path for spec in ROUTES}
    assert ours == official


@pytest.mark.parametrize("spec", ROUTES, ids=lambda s: s.operation)
def test_endpoint_body_is_valid_against_official_schema(
    spec: RouteSpec, roster: Roster, get: Get
) -> None:
    response = get(concrete(spec))
    assert response.status_code == 200, response.text
    body = response.json()
    assert schemas.errors_of(spec.operation, body) == []
    (records,) = body.values()
    if spec.kind != "single":
        assert records, f"{spec.path} returned nothing: the fixture should cover it"
        assert response.headers["X-Total-Count"] == str(len(records))
    assert "null" not in response.text


@pytest.mark.parametrize(
    "spec", [s for s in ROUTES if s.kind != "collection"], ids=lambda s: s.operation
)
def test_unknown_id_or_parent_is_404_unknownobject(
    spec: RouteSpec, roster: Roster, get: Get
) -> None:
    response = get(concrete(spec, unknown="no-such-id"))
    assert response.status_code == 404
    body = response.json()
    assert schemas.status_errors(body) == []
    field = body["imsx_CodeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldValue"] == "unknownobject"
    assert "no-such-id" in body["imsx_description"]


def test_every_collection_of_the_full_dataset_is_valid(roster: Roster, get: Get) -> None:
    """Whole collections (every record, including tombstones) validate."""
    for spec in ROUTES:
        if spec.kind == "collection":
            body = get(spec.path, limit=1000).json()
            assert schemas.errors_of(spec.operation, body) == [], spec.path


def test_error_bodies_are_valid_status_payloads(roster: Roster, get: Get, client) -> None:  # type: ignore[no-untyped-def]
    cases = [
        get("/users", filter="nope='x'"),
        get("/users", fields="nope"),
        get("/users", limit="0"),
        get("/users", filter="status='a' AND x='b' OR y='c'"),
        client.get("/ims/oneroster/rostering/v1p2/users"),
    ]
    for response in cases:
        assert response.status_code in (400, 401)
        assert schemas.status_errors(response.json()) == []


def test_empty_nested_collection_is_200_with_empty_list(roster: Roster, get: Get) -> None:
    response = get("/classes/class-3/students")  # its only enrollment is tobedeleted
    assert response.status_code == 200
    assert response.json() == {"users": []}
    assert response.headers["X-Total-Count"] == "0"
