"""Canvas end to end: a mocked instance, through the mapping, into the store."""

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
from tests.connectors.canvas.conftest import make_connector
from tests.connectors.canvas.fake import FakeCanvas
from tests.connectors.sdk.helpers import Sleeps

SOURCE = "canvas:test"


def by_key(engine: Engine, model: Any, entity: str) -> dict[str, Any]:
    """Canonical rows of ``model`` by their Canvas key (through the crosswalk)."""
    stmt = (
        select(Crosswalk.source_key, model)
        .join(Crosswalk, Crosswalk.hub_id == model.sourced_id)
        .where(Crosswalk.source == SOURCE, Crosswalk.entity_type == entity)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return {row[0]: row for row in rows}


def hub(engine: Engine, entity: str, key: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                select(Crosswalk.hub_id).where(
                    Crosswalk.source == SOURCE,
                    Crosswalk.entity_type == entity,
                    Crosswalk.source_key == key,
                )
            ).scalar_one()
        )


def sync(tmp_path: Path, engine: Engine, name: str = "run1", **config: Any) -> Path:
    connector = make_connector(**config)
    folder = tmp_path / name
    try:
        stage(connector, folder, ExtractContext(mode="full"))
    finally:
        connector.close()
    import_package(engine, folder, source=SOURCE)
    return folder


def test_full_sync_lands_the_district_in_the_store(
    tmp_path: Path, db_engine: Engine, canvas: FakeCanvas
) -> None:
    folder = sync(tmp_path, db_engine)

    orgs = by_key(db_engine, Org, "org")
    assert {k: (r.name, r.type) for k, r in orgs.items()} == {
        "1": ("Springfield Public Schools", "district"),
        "2": ("Springfield High School", "school"),
        "3": ("Elementary Schools", "school"),
        "4": ("Evergreen Terrace Elementary", "school"),
    }
    assert orgs["1"].identifier == "SPS"
    assert orgs["1"].parent_id is None
    assert orgs["4"].parent_id == hub(db_engine, "org", "3")
    assert orgs["2"].parent_id == hub(db_engine, "org", "1")

    sessions = by_key(db_engine, AcademicSession, "academicSession")
    spans = {
        k: (r.title, r.type, str(r.start_date), str(r.end_date), r.school_year)
        for k, r in sessions.items()
    }
    assert spans == {
        # Undated: the configured school year, 1 July - 30 June.
        "1": ("Default Term", "term", "2025-07-01", "2026-06-30", "2026"),
        # Canvas's UTC instants read in America/Chicago (the end is 23:59:59 on the 19th).
        "5": ("2025-2026 Fall", "term", "2025-08-20", "2025-12-19", "2026"),
        "6": ("2025-2026 Spring", "term", "2026-01-05", "2026-05-29", "2026"),
        # Not in the terms list: brought along by its course (include[]=term).
        "9": ("2025 Summer School", "term", "2025-06-09", "2025-07-25", "2025"),
    }

    courses = by_key(db_engine, Course, "course")
    assert {k: (r.title, r.course_code) for k, r in courses.items()} == {
        "2:ALG1": ("ALG1", "ALG1"),
        "2:BIO": ("BIO", "BIO"),
        "4:HR3": ("HR3", "HR3"),
        "2:READ": ("READ", "READ"),
    }
    assert courses["4:HR3"].org_id == hub(db_engine, "org", "4")

    classes = by_key(db_engine, Class, "class")
    assert sorted(classes) == ["101", "102", "103", "104", "105"]
    algebra = hub(db_engine, "course", "2:ALG1")
    assert classes["101"].course_id == classes["102"].course_id == algebra
    assert classes["101"].title == "Algebra I - P1 - Krabappel"
    assert classes["101"].class_code == "ALG1"
    assert classes["104"].school_id == hub(db_engine, "org", "4")
    with db_engine.connect() as conn:
        terms = dict(conn.execute(select(ClassTerm.class_id, ClassTerm.term_id)).all())
    assert terms[classes["104"].sourced_id] == hub(db_engine, "academicSession", "1")
    assert terms[classes["105"].sourced_id] == hub(db_engine, "academicSession", "9")

    users = by_key(db_engine, User, "user")
    # The admin (206, no enrollment) and the Test Student (999) are not rostered; the
    # guest (207) is, from the copy embedded in the enrollment.
    assert sorted(users) == ["201", "202", "203", "204", "205", "207", "208"]
    bart = users["201"]
    assert (bart.given_name, bart.family_name, bart.username) == ("Bart", "Simpson", "bsimpson")
    assert bart.identifier == "S1001"
    assert bart.email == "bsimpson@springfield.k12.example"
    assert bart.user_ids == [{"type": "Canvas", "identifier": "201"}]
    assert (users["205"].given_name, users["205"].family_name) == ("Ralph", "Wiggum")
    assert (users["207"].given_name, users["207"].username) == ("Milhouse", "mvanhouten")

    org_key = {r.sourced_id: k for k, r in orgs.items()}
    user_key = {r.sourced_id: k for k, r in users.items()}
    with db_engine.connect() as conn:
        roles = {
            (user_key[u], org_key[o], role, kind)
            for u, o, role, kind in conn.execute(
                select(UserRole.user_id, UserRole.org_id, UserRole.role, UserRole.role_type)
            )
        }
    assert roles == {
        ("201", "2", "student", "primary"),
        ("202", "2", "student", "primary"),
        ("203", "2", "teacher", "primary"),
        ("203", "4", "teacher", "secondary"),
        ("204", "2", "aide", "primary"),
        ("205", "4", "student", "primary"),
        ("207", "2", "student", "primary"),
        ("208", "2", "teacher", "primary"),
    }

    enrollments = by_key(db_engine, Enrollment, "enrollment")
    # Kept: active, invited and completed Student/Teacher/TA enrollments; not the inactive
    # (1006) or deleted (1015) ones, the Test Student (1011) or the observer (1012).
    assert sorted(enrollments, key=int) == [
        "1001", "1002", "1003", "1004", "1005", "1007", "1008", "1009", "1010", "1013", "1014",
    ]  # fmt: skip
    assert (enrollments["1001"].role, enrollments["1001"].primary) == ("teacher", True)
    assert (enrollments["1008"].role, enrollments["1008"].primary) == ("teacher", False)
    assert (enrollments["1002"].role, enrollments["1002"].primary) == ("student", False)
    assert enrollments["1014"].school_id == hub(db_engine, "org", "4")
    assert enrollments["1010"].user_id == hub(db_engine, "user", "207")

    manifest = (folder / "manifest.csv").read_text()
    assert "file.users,bulk" in manifest
    assert "file.roles,bulk" in manifest


def test_requests_page_with_the_link_header_and_filter_enrollments(
    tmp_path: Path, db_engine: Engine, canvas: FakeCanvas
) -> None:
    sync(tmp_path, db_engine)

    users = canvas.routes["users"]
    # 7 users, 2 per page: four requests, each following the previous page's next link.
    assert users.call_count == 4
    pages = [c.request.url.params.get("page") for c in users.calls]
    assert pages == [None, "2", "3", "4"]
    for call in users.calls:
        assert call.request.url.params["per_page"] == "2"
        assert call.request.url.params["include[]"] == "email"
        assert call.request.headers["Authorization"] == "Bearer 7~canvas-admin-token"
    assert canvas.routes["sub_accounts"].call_count == 2
    assert canvas.routes["sub_accounts"].calls[0].request.url.params["recursive"] == "true"

    courses = canvas.routes["courses"].calls[0].request.url.params
    assert courses["include[]"] == "term"
    assert courses["completed"] == "false"
    assert courses["blueprint"] == "false"

    enrollments = canvas.routes["enrollments"].calls
    # Kept per course (101..105): 3, 2, 4, 2, 0 at 2 per page: 2+1+2+1+1 requests, and
    # every next link keeps the filters.
    assert len(enrollments) == 7
    for call in enrollments:
        params = call.request.url.params
        assert params.get_list("state[]") == ["active", "invited", "completed"]
        assert params.get_list("type[]") == [
            "StudentEnrollment",
            "TeacherEnrollment",
            "TaEnrollment",
        ]


def test_a_second_full_sync_tombstones_what_canvas_no_longer_lists(
    tmp_path: Path, db_engine: Engine, canvas: FakeCanvas
) -> None:
    sync(tmp_path, db_engine)
    # Bart drops Biology; the homeroom course is deleted in Canvas.
    canvas.enrollments[103] = [e for e in canvas.enrollments[103] if e["id"] != 1009]
    canvas.courses = [c for c in canvas.courses if c["id"] != 104]

    sync(tmp_path, db_engine, name="run2")

    enrollments = by_key(db_engine, Enrollment, "enrollment")
    assert enrollments["1009"].status == "tobedeleted"
    assert enrollments["1013"].status == "tobedeleted"  # the homeroom's enrollments
    assert enrollments["1002"].status == "active"
    classes = by_key(db_engine, Class, "class")
    assert classes["104"].status == "tobedeleted"
    assert classes["103"].status == "active"
    # Ralph's only class is gone: he is no longer rostered.
    assert by_key(db_engine, User, "user")["205"].status == "tobedeleted"


def test_staged_files_have_no_duplicate_ids_when_canvas_repeats_a_record(
    tmp_path: Path, canvas: FakeCanvas
) -> None:
    # Canvas pages are offsets into a live list: an insert between two page requests
    # shifts a record onto the next page as well.
    canvas.users.insert(2, dict(canvas.users[1]))
    canvas.courses.insert(1, dict(canvas.courses[0]))
    connector = make_connector(Sleeps())
    stage(connector, tmp_path, ExtractContext())
    for name in ("users", "classes", "courses", "roles", "enrollments"):
        with (tmp_path / f"{name}.csv").open(encoding="utf-8") as f:
            ids = [row["sourcedId"] for row in csv.DictReader(f)]
        assert len(ids) == len(set(ids)), name
