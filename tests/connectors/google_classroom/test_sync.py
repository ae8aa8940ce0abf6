"""Google Classroom end to end: a mocked domain, through the mapping, into the store."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from interop_hub.connectors.sdk import ExtractContext
from interop_hub.models import (
    AcademicSession,
    Class,
    ClassTerm,
    Course,
    Crosswalk,
    Enrollment,
    Org,
    User,
    UserRole,
)
from interop_hub.sync.extract import stage
from interop_hub.sync.oneroster_csv import import_package
from tests.connectors.google_classroom.conftest import make_connector
from tests.connectors.google_classroom.fake import A, B, C, FakeClassroom

SOURCE = "google-classroom:test"


def by_key(engine: Engine, model: Any, entity: str) -> dict[str, Any]:
    stmt = (
        select(Crosswalk.source_key, model)
        .join(Crosswalk, Crosswalk.hub_id == model.sourced_id)
        .where(Crosswalk.source == SOURCE, Crosswalk.entity_type == entity)
    )
    with engine.connect() as conn:
        return {row[0]: row for row in conn.execute(stmt).all()}


def hub(engine: Engine, entity: str, key: str) -> str:
    stmt = select(Crosswalk.hub_id).where(
        Crosswalk.source == SOURCE, Crosswalk.entity_type == entity, Crosswalk.source_key == key
    )
    with engine.connect() as conn:
        return str(conn.execute(stmt).scalar_one())


def sync(tmp_path: Path, engine: Engine, name: str = "run1", **config: Any) -> Path:
    connector = make_connector(**config)
    folder = tmp_path / name
    try:
        stage(connector, folder, ExtractContext(mode="full"))
    finally:
        connector.close()
    import_package(engine, folder, source=SOURCE)
    return folder


def test_full_sync_lands_courses_and_rosters_in_the_store(
    tmp_path: Path, db_engine: Engine, classroom: FakeClassroom
) -> None:
    folder = sync(tmp_path, db_engine)

    orgs = by_key(db_engine, Org, "org")
    assert {k: (r.name, r.type) for k, r in orgs.items()} == {
        "sps": ("Springfield Public Schools", "district"),
        "shs": ("Springfield High School", "school"),
    }
    assert orgs["shs"].parent_id == hub(db_engine, "org", "sps")

    sessions = by_key(db_engine, AcademicSession, "academicSession")
    year = sessions["shs-2026"]
    assert (year.title, year.type, year.school_year) == ("2025-2026", "schoolYear", "2026")
    assert (str(year.start_date), str(year.end_date)) == ("2025-07-01", "2026-06-30")

    classes = by_key(db_engine, Class, "class")
    assert sorted(classes) == [A, B, C]
    algebra = classes[A]
    assert (algebra.title, algebra.class_code, algebra.location) == ("Algebra I", "Period 1", "204")
    assert algebra.school_id == hub(db_engine, "org", "shs")
    assert algebra.course_id == hub(db_engine, "course", A)
    assert classes[C].class_code is None
    with db_engine.connect() as conn:
        terms = set(conn.execute(select(ClassTerm.term_id)).scalars())
    assert terms == {hub(db_engine, "academicSession", "shs-2026")}

    courses = by_key(db_engine, Course, "course")
    assert {k: r.title for k, r in courses.items()} == {
        A: "Algebra I",
        B: "Biology",
        C: "Art Club",
    }
    assert courses[A].school_year_id == hub(db_engine, "academicSession", "shs-2026")

    users = by_key(db_engine, User, "user")
    # Bart is in two courses, Edna teaches two: each is one user.
    assert sorted(users) == ["1001", "1002", "1003", "1004", "1101", "1102", "1103"]
    bart = users["1001"]
    assert (bart.given_name, bart.family_name) == ("Bart", "Simpson")
    assert bart.username == bart.email == "bart.simpson@springfield.example"
    assert bart.user_ids == [{"type": "Google", "identifier": "1001"}]
    assert (users["1003"].given_name, users["1003"].family_name) == ("Nelson", "Muntz")

    user_key = {r.sourced_id: k for k, r in users.items()}
    with db_engine.connect() as conn:
        roles = {
            (user_key[u], role, kind)
            for u, role, kind in conn.execute(
                select(UserRole.user_id, UserRole.role, UserRole.role_type)
            )
        }
    assert roles == {
        ("1001", "student", "primary"),
        ("1002", "student", "primary"),
        ("1003", "student", "primary"),
        ("1004", "student", "primary"),
        ("1101", "teacher", "primary"),
        ("1102", "teacher", "primary"),
        ("1103", "teacher", "primary"),
        ("1103", "student", "secondary"),
    }

    enrollments = by_key(db_engine, Enrollment, "enrollment")
    assert len(enrollments) == 10
    owner = enrollments[f"{A}:1101:teacher"]
    co_teacher = enrollments[f"{A}:1103:teacher"]
    assert (owner.role, owner.primary) == ("teacher", True)
    assert (co_teacher.role, co_teacher.primary) == ("teacher", False)
    assert enrollments[f"{B}:1103:student"].role == "student"
    assert enrollments[f"{B}:1001:student"].class_id == hub(db_engine, "class", B)

    with (folder / "users.csv").open(encoding="utf-8") as f:
        staged = [row["sourcedId"] for row in csv.DictReader(f)]
    assert len(staged) == len(set(staged)) == 7


def test_lists_page_with_next_page_tokens(
    tmp_path: Path, db_engine: Engine, classroom: FakeClassroom
) -> None:
    sync(tmp_path, db_engine)

    courses = classroom.routes["courses"].calls
    assert len(courses) == 2  # three courses, two per page
    assert "pageToken" not in courses[0].request.url.params
    assert courses[1].request.url.params["pageToken"]
    for call in courses:
        assert call.request.url.params.get_list("courseStates") == ["ACTIVE"]
        assert call.request.url.params["pageSize"] == "2"
    students = [c.request.url for c in classroom.routes["students"].calls]
    # Algebra has three students (two pages); Biology three (two); Art Club none (one).
    assert len(students) == 5
    assert sum("pageToken" in url.params for url in students) == 2


def test_several_course_states_are_repeated_parameters(
    tmp_path: Path, db_engine: Engine, classroom: FakeClassroom
) -> None:
    classroom.courses[2]["courseState"] = "ARCHIVED"
    sync(tmp_path, db_engine, course_states=["ACTIVE", "ARCHIVED"])
    params = classroom.routes["courses"].calls[0].request.url.params
    assert params.get_list("courseStates") == ["ACTIVE", "ARCHIVED"]
    assert C in by_key(db_engine, Class, "class")


def test_a_second_full_sync_tombstones_what_classroom_no_longer_lists(
    tmp_path: Path, db_engine: Engine, classroom: FakeClassroom
) -> None:
    sync(tmp_path, db_engine)
    classroom.students[A] = [s for s in classroom.students[A] if s["userId"] != "1002"]
    classroom.courses[2]["courseState"] = "ARCHIVED"  # Art Club archived: not synced

    sync(tmp_path, db_engine, name="run2")

    enrollments = by_key(db_engine, Enrollment, "enrollment")
    assert enrollments[f"{A}:1002:student"].status == "tobedeleted"
    assert enrollments[f"{C}:1101:teacher"].status == "tobedeleted"
    assert enrollments[f"{A}:1001:student"].status == "active"
    assert by_key(db_engine, Class, "class")[C].status == "tobedeleted"
    users = by_key(db_engine, User, "user")
    assert users["1002"].status == "tobedeleted"  # Lisa has no course left
    assert users["1101"].status == "active"  # Edna still teaches Algebra
