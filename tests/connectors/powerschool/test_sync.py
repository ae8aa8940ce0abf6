"""PowerSchool end to end: a mocked district, through the mapping, into the store; then an
incremental run, and a full run after it."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from interop_hub.connectors.sdk import ExtractContext, Mode
from interop_hub.models import (
    AcademicSession,
    Class,
    ClassTerm,
    Course,
    Crosswalk,
    Demographics,
    Enrollment,
    Org,
    User,
    UserRole,
)
from interop_hub.sync.extract import StageResult, stage
from interop_hub.sync.oneroster_csv import import_package
from tests.connectors.powerschool.conftest import make_connector
from tests.connectors.powerschool.fake import DISTRICT, FakePowerSchool, _cc, _student

SOURCE = "powerschool:test"
DISTRICT_ID = DISTRICT["uuid"]


def by_key(engine: Engine, model: Any, entity: str) -> dict[str, Any]:
    """Canonical rows of ``model`` by their PowerSchool key (through the crosswalk)."""
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


def sync(
    tmp_path: Path, engine: Engine, name: str = "run1", mode: Mode = "full", **config: Any
) -> StageResult:
    connector = make_connector(**config)
    folder = tmp_path / name
    try:
        result = stage(connector, folder, ExtractContext(mode=mode))
    finally:
        connector.close()
    import_package(engine, folder, source=SOURCE)
    return result


def staged(folder: Path, target: str) -> list[dict[str, str]]:
    with (folder / f"{target}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def demographics_of(engine: Engine) -> dict[str, Any]:
    """Demographics by their user's PowerSchool key (they share the user's hub id)."""
    users = {r.sourced_id: k for k, r in by_key(engine, User, "user").items()}
    with engine.connect() as conn:
        rows = conn.execute(select(Demographics)).all()
    return {users[r.sourced_id]: r for r in rows}


def roles_of(engine: Engine) -> set[tuple[str, str, str, str]]:
    users = {r.sourced_id: k for k, r in by_key(engine, User, "user").items()}
    orgs = {r.sourced_id: k for k, r in by_key(engine, Org, "org").items()}
    with engine.connect() as conn:
        rows = conn.execute(
            select(UserRole.user_id, UserRole.org_id, UserRole.role, UserRole.role_type)
        ).all()
    return {(users[u], orgs[o], role, kind) for u, o, role, kind in rows}


def test_full_sync_lands_the_district_in_the_store(
    tmp_path: Path, db_engine: Engine, ps: FakePowerSchool
) -> None:
    result = sync(tmp_path, db_engine)

    orgs = by_key(db_engine, Org, "org")
    assert {k: (r.name, r.type, r.identifier) for k, r in orgs.items()} == {
        DISTRICT_ID: ("Springfield School District", "district", "5501"),
        "1": ("Springfield Elementary School", "school", "5501-100"),
        "2": ("Springfield High School", "school", "200"),  # no state id: the school number
    }
    assert orgs["1"].parent_id == orgs["2"].parent_id == hub(db_engine, "org", DISTRICT_ID)

    sessions = by_key(db_engine, AcademicSession, "academicSession")
    year = {
        k: (r.title, r.type, str(r.start_date), str(r.end_date), r.school_year)
        for k, r in sessions.items()
    }
    assert year == {
        "10": ("2025-2026", "schoolYear", "2025-08-20", "2026-06-05", "2026"),
        "11": ("Semester 1", "semester", "2025-08-20", "2026-01-16", "2026"),
        "12": ("Semester 2", "semester", "2026-01-20", "2026-06-05", "2026"),
        "19": ("2024-2025", "schoolYear", "2024-08-21", "2025-06-06", "2025"),
        "20": ("2025-2026", "schoolYear", "2025-08-20", "2026-06-05", "2026"),
        "21": ("Quarter 1", "term", "2025-08-20", "2025-10-24", "2026"),
        "22": ("Semester 2", "semester", "2026-01-20", "2026-06-05", "2026"),
        # Not in school 2's term list: fetched by id for the section that meets in it.
        "18": ("Summer School 2025", "term", "2025-06-09", "2025-07-25", "2025"),
    }
    parent = {k: r.parent_id for k, r in sessions.items()}
    assert parent["11"] == parent["12"] == hub(db_engine, "academicSession", "10")
    assert parent["21"] == parent["22"] == hub(db_engine, "academicSession", "20")
    assert parent["18"] == hub(db_engine, "academicSession", "19")
    assert parent["10"] is None

    courses = by_key(db_engine, Course, "course")
    assert {k: (r.title, r.course_code) for k, r in courses.items()} == {
        "300": ("Grade 3 Homeroom", "HR3"),
        "301": ("Algebra I", "MA101"),  # listed by both schools, synced once
        "302": ("Biology", "SC201"),
        "303": ("Chemistry", "CH301"),  # listed by no school: fetched by id
    }
    assert courses["301"].org_id == hub(db_engine, "org", DISTRICT_ID)

    classes = by_key(db_engine, Class, "class")
    # 4004 names a course PowerSchool does not have: not synced.
    assert sorted(classes) == ["3001", "3002", "4001", "4002", "4003", "4005"]
    algebra = classes["4001"]
    assert (algebra.title, algebra.class_code, algebra.class_type) == (
        "Algebra I - 1",
        "MA101.1",
        "scheduled",
    )
    assert algebra.course_id == hub(db_engine, "course", "301")
    assert algebra.school_id == hub(db_engine, "org", "2")
    assert algebra.periods == ["3(A;C)"]
    assert classes["3002"].periods == ["2(A)", "4(B)"]
    with db_engine.connect() as conn:
        terms = dict(conn.execute(select(ClassTerm.class_id, ClassTerm.term_id)).all())
    assert terms[classes["4005"].sourced_id] == hub(db_engine, "academicSession", "18")
    assert terms[classes["3001"].sourced_id] == hub(db_engine, "academicSession", "10")

    users = by_key(db_engine, User, "user")
    # Not rostered: Jimbo (transferred), Nelson (graduated), Sherri (pre-registered),
    # Willie (no login, no section) and Dewey (inactive at his only school).
    assert sorted(users) == [
        "staff:601", "staff:9001", "staff:9002", "staff:9003",
        "student:1001", "student:1002", "student:2001", "student:2002",
    ]  # fmt: skip
    lisa = users["student:2001"]
    assert (lisa.given_name, lisa.family_name, lisa.username) == ("Lisa", "Simpson", "lsimpson")
    assert lisa.identifier == "102001"
    assert lisa.email == "lisa.simpson@students.springfield.example"
    assert lisa.grades == ["09"]
    assert lisa.primary_org_id == hub(db_engine, "org", "2")
    assert lisa.user_ids == [
        {"type": "PowerSchool", "identifier": "2001"},
        {"type": "StudentNumber", "identifier": "102001"},
        {"type": "StateId", "identifier": "OR0002001"},
    ]
    assert users["student:1002"].grades == ["KG"]
    ned = users["staff:9003"]
    assert (ned.given_name, ned.family_name, ned.username) == ("Ned", "Flanders", "nflanders")
    assert ned.email == "nflanders@springfield.k12.example"
    assert ned.identifier == "T300"
    assert (users["staff:601"].given_name, users["staff:601"].family_name) == (
        "Elizabeth",
        "Hoover",
    )

    assert roles_of(db_engine) == {
        ("student:1001", "1", "student", "primary"),
        ("student:1002", "1", "student", "primary"),
        ("student:2001", "2", "student", "primary"),
        ("student:2002", "2", "student", "primary"),
        ("staff:9001", "1", "teacher", "primary"),
        ("staff:9002", "1", "siteAdministrator", "primary"),
        ("staff:9003", "1", "teacher", "primary"),  # one user, a role per school
        ("staff:9003", "2", "teacher", "secondary"),
        ("staff:601", "2", "teacher", "primary"),
    }

    enrollments = by_key(db_engine, Enrollment, "enrollment")
    # Left out: Jimbo's and Nelson's (not rostered), the dropped 7004 and 8003, and 8007
    # (a student no school lists).
    assert sorted(enrollments) == [
        "3001:staff:9001", "3002:staff:9003", "4001:staff:9003", "4002:staff:601",
        "4005:staff:601", "7001", "7002", "8001", "8002", "8004", "8005",
    ]  # fmt: skip
    teacher = enrollments["4001:staff:9003"]
    assert (teacher.role, teacher.primary) == ("teacher", True)
    assert teacher.user_id == hub(db_engine, "user", "staff:9003")
    assert teacher.class_id == hub(db_engine, "class", "4001")
    student = enrollments["8004"]
    assert (student.role, student.primary) == ("student", False)
    assert (str(student.begin_date), str(student.end_date)) == ("2025-08-20", "2026-06-05")
    assert student.user_id == hub(db_engine, "user", "student:2001")
    assert student.school_id == hub(db_engine, "org", "2")

    demographics = demographics_of(db_engine)
    assert sorted(demographics) == ["student:1001", "student:1002", "student:2001", "student:2002"]
    ralph = demographics["student:1001"]
    assert (str(ralph.birth_date), ralph.sex, ralph.asian, ralph.white) == (
        "2017-03-15",
        "male",
        True,
        False,
    )
    assert ralph.demographic_race_two_or_more_races is False
    assert ralph.hispanic_or_latino_ethnicity is False
    milhouse = demographics["student:2002"]
    assert (milhouse.white, milhouse.american_indian_or_alaska_native) == (True, True)
    assert milhouse.demographic_race_two_or_more_races is True
    assert milhouse.hispanic_or_latino_ethnicity is True
    rod = demographics["student:1002"]  # declined to state a race
    assert (rod.white, rod.asian, rod.demographic_race_two_or_more_races) == (None, None, None)

    manifest = (result.folder / "manifest.csv").read_text()
    assert "file.users,bulk" in manifest
    assert "file.demographics,bulk" in manifest
    assert "000-00-0000" not in "".join(p.read_text() for p in result.folder.glob("*.csv"))
    assert result.bookmarks == {}


def test_reads_count_page_and_ask_for_the_expansions(
    tmp_path: Path, db_engine: Engine, ps: FakePowerSchool
) -> None:
    result = sync(tmp_path, db_engine)

    students = ps.routes["students"].calls
    # School 1: 3 students at 2 per page (a short second page ends the list); school 2: 4,
    # so after two full pages one more request shows the list has ended.
    pages = [(c.request.url.path, c.request.url.params["page"]) for c in students]
    assert pages == [
        ("/ws/v1/school/1/student", "1"),
        ("/ws/v1/school/1/student", "2"),
        ("/ws/v1/school/2/student", "1"),
        ("/ws/v1/school/2/student", "2"),
        ("/ws/v1/school/2/student", "3"),
    ]
    for call in students:
        params = call.request.url.params
        assert params["pagesize"] == "2"
        assert params["expansions"] == (
            "school_enrollment,contact_info,demographics,ethnicity_race"
        )
        assert call.request.headers["Authorization"] == "Bearer ps-token-1"
    assert ps.routes["students/count"].call_count == 2
    assert ps.routes["staff"].calls[0].request.url.params["expansions"] == (
        "emails,school_affiliations"
    )
    # Section 4005 has no enrollments: counted, never paged.
    enrollment_paths = {c.request.url.path for c in ps.routes["section_enrollments"].calls}
    assert "/ws/v1/section/4005/section_enrollment" not in enrollment_paths
    assert ps.routes["token"].call_count == 1
    token = ps.routes["token"].calls[0].request
    assert token.headers["Authorization"].startswith("Basic ")
    assert token.content == b"grant_type=client_credentials"
    assert result.records["students"] == 4
    assert result.records["staff"] == 4


def test_the_page_size_cap_of_the_plugin_is_paged_through_not_truncated(
    tmp_path: Path, db_engine: Engine, router: Any
) -> None:
    ps = FakePowerSchool(router, page_cap=1)  # the plugin's maximum page size
    result = sync(tmp_path, db_engine, page_size=3)
    assert result.records["students"] == 4
    school_2 = [
        c.request.url.params["page"]
        for c in ps.routes["students"].calls
        if c.request.url.path.endswith("/2/student")
    ]
    assert school_2 == ["1", "2", "3", "4", "5"]  # 1 per page, then the empty page
    assert len(by_key(db_engine, Enrollment, "enrollment")) == 11


def test_demographics_off_asks_for_none_and_stages_none(
    tmp_path: Path, db_engine: Engine, ps: FakePowerSchool
) -> None:
    result = sync(tmp_path, db_engine, include_demographics=False)
    expansions = {c.request.url.params["expansions"] for c in ps.routes["students"].calls}
    assert expansions == {"school_enrollment,contact_info"}
    assert staged(result.folder, "demographics") == []
    assert demographics_of(db_engine) == {}


def test_school_ids_limit_the_sync_to_those_schools(
    tmp_path: Path, db_engine: Engine, ps: FakePowerSchool
) -> None:
    sync(tmp_path, db_engine, school_ids=[2])
    assert sorted(by_key(db_engine, Org, "org")) == ["2", DISTRICT_ID]
    assert sorted(by_key(db_engine, Class, "class")) == ["4001", "4002", "4003", "4005"]
    assert {c.request.url.path for c in ps.routes["students"].calls} == {"/ws/v1/school/2/student"}
    # Ned is rostered by the high school only.
    assert ("staff:9003", "2", "teacher", "primary") in roles_of(db_engine)


def change_the_district(ps: FakePowerSchool) -> None:
    """A day of changes at PowerSchool."""
    high = ps.students[2]
    # Milhouse transfers out; Lisa drops Biology; Martin enrolls and joins Algebra.
    milhouse = next(s for s in high if s["id"] == 2002)
    milhouse["school_enrollment"] |= {"enroll_status": "T", "status_code": 2}
    ps.enrollments[4002][0]["dropped"] = True
    high.append(_student(2005, "Martin", "Prince", 9, "A", birth="2011-02-14"))
    ps.enrollments[4001].append(_cc(8008, 4001, 2005))
    # Ralph's email changes; section 3001 is deleted outright.
    ralph = ps.students[1][0]
    ralph["contact_info"] = {"email": "ralph.w@students.springfield.example"}
    ps.sections[1] = [s for s in ps.sections[1] if s["id"] != 3001]


def test_incremental_run_applies_changes_and_explicit_removals(
    tmp_path: Path, db_engine: Engine, ps: FakePowerSchool
) -> None:
    sync(tmp_path, db_engine)
    change_the_district(ps)

    result = sync(tmp_path, db_engine, name="delta", mode="incremental")

    manifest = (result.folder / "manifest.csv").read_text()
    assert "file.users,delta" in manifest
    assert "file.enrollments,delta" in manifest
    # Every delta row has a status and a dateLastModified (when it was read).
    for target in ("users", "roles", "enrollments", "classes", "demographics"):
        for row in staged(result.folder, target):
            assert row["status"] in ("active", "tobedeleted"), target
            assert row["dateLastModified"] == "2025-10-06T07:30:00Z", target

    users = by_key(db_engine, User, "user")
    assert users["student:2002"].status == "tobedeleted"  # transferred out
    assert users["student:2005"].status == "active"  # new
    assert users["student:1001"].email == "ralph.w@students.springfield.example"
    assert users["student:2001"].status == "active"
    enrollments = by_key(db_engine, Enrollment, "enrollment")
    assert enrollments["8004"].status == "tobedeleted"  # dropped
    assert enrollments["8002"].status == "tobedeleted"  # Milhouse's
    assert enrollments["8005"].status == "tobedeleted"
    assert enrollments["8008"].status == "active"
    assert enrollments["8001"].status == "active"
    demographics = demographics_of(db_engine)
    assert demographics["student:2002"].status == "tobedeleted"
    assert ("student:2005", "2", "student", "primary") in roles_of(db_engine)
    # Deleted outright: an incremental run cannot see that...
    classes = by_key(db_engine, Class, "class")
    assert classes["3001"].status == "active"
    assert enrollments["3001:staff:9001"].status == "active"

    # ...the next full run does.
    sync(tmp_path, db_engine, name="full2")
    classes = by_key(db_engine, Class, "class")
    assert classes["3001"].status == "tobedeleted"
    enrollments = by_key(db_engine, Enrollment, "enrollment")
    assert enrollments["3001:staff:9001"].status == "tobedeleted"
    assert enrollments["7001"].status == "tobedeleted"
    assert enrollments["8008"].status == "active"


def test_incremental_run_stages_the_removals_powerschool_marks(
    tmp_path: Path, ps: FakePowerSchool
) -> None:
    connector = make_connector()
    result = stage(connector, tmp_path, ExtractContext(mode="incremental"))
    users = {r["sourcedId"]: r["status"] for r in staged(result.folder, "users")}
    # Not rostered ones are tombstones in a delta (absent in a full run).
    assert users["student:1003"] == users["student:2003"] == "tobedeleted"
    assert users["staff:9005"] == "tobedeleted"
    assert "staff:9004" not in users  # never had a role: nothing to remove
    roles = {r["sourcedId"]: r["status"] for r in staged(result.folder, "roles")}
    assert roles["staff:9005:2:teacher"] == "tobedeleted"
    assert roles["student:1003:1:student"] == "tobedeleted"
    enrollments = {r["sourcedId"]: r["status"] for r in staged(result.folder, "enrollments")}
    assert enrollments["7004"] == enrollments["8003"] == "tobedeleted"  # dropped
    assert enrollments["7003"] == "tobedeleted"  # Jimbo's
    assert "8007" not in enrollments  # a student no school lists
    assert enrollments["8001"] == "active"
