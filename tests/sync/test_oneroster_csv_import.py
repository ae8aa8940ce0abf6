"""Importing the shared OneRoster CSV sets: counts, quirks, idempotency, bulk and delta
semantics, hub ids, change versions and provenance."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from interop_hub.models import (
    AcademicSession,
    Class,
    ClassTerm,
    Course,
    Crosswalk,
    Demographics,
    Enrollment,
    HubState,
    Org,
    SyncRun,
    User,
    UserAgent,
    UserProfile,
    UserRole,
)
from interop_hub.sync.oneroster_csv import import_package
from tests.conftest import shared_data
from tests.sync.packages import copy_set, edit, read_rows, write_rows

CSV = ("oneroster", "csv")


def count(engine: Engine, model: type, **where: object) -> int:
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def hub_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(HubState.change_version)).scalar_one())


def test_v1p1_full_imports_with_the_right_rows_and_quirks(db_engine: Engine) -> None:
    result = import_package(db_engine, shared_data(*CSV, "moodle_v1p1_full"))

    assert result.report.error_count == 0
    assert result.source == "oneroster-csv"  # systemCode is "absent": not meaningful
    assert result.change_version == 1 == hub_version(db_engine)
    assert (count(db_engine, Org), count(db_engine, AcademicSession)) == (1, 5)
    assert (count(db_engine, Class), count(db_engine, User)) == (2, 6)
    assert (count(db_engine, Enrollment), count(db_engine, ClassTerm)) == (6, 3)
    assert count(db_engine, UserRole) == 6
    assert count(db_engine, UserAgent) == 5
    assert count(db_engine, Course) == 0  # file.courses=absent: referenced, not supplied
    with db_engine.connect() as conn:
        cls = conn.execute(select(Class).where(Class.sourced_id == "cls-222-123456")).one()
        assert cls.class_type == "scheduled"
        assert cls.grades == ["09", "10", "11"]
        assert cls.subjects == ["Science", "Physics", "Biology"]
        assert cls.course_id == "crs-222-2023-456-12345"  # reserved id, kept
        terms = conn.execute(
            select(ClassTerm.term_id)
            .where(ClassTerm.class_id == "cls-222-123478")
            .order_by(ClassTerm.ordinal)
        ).scalars()
        assert list(terms) == ["as-trm-222-1234", "as-trm-222-1235"]
        org = conn.execute(select(Org)).one()
        assert (org.parent_id, org.type, org.source) == (None, "department", "oneroster-csv")
        inactive = conn.execute(
            select(AcademicSession.status).where(AcademicSession.sourced_id == "as-grp-222-2345")
        ).scalar_one()
        assert inactive == "tobedeleted"
        term = conn.execute(
            select(AcademicSession).where(AcademicSession.sourced_id == "as-trm-222-1234")
        ).one()
        assert term.parent_id is None  # as-syr-222-2023 is nowhere: dropped
        assert term.org_id == "org-sch-222-456"  # derived from its classes' school
        mary = conn.execute(select(User).where(User.sourced_id == "usr-222-1234561")).one()
        assert mary.user_ids == [
            {"type": "LDAP", "identifier": "12"},
            {"type": "LTI", "identifier": "15"},
            {"type": "Fed", "identifier": "23"},
        ]
        assert mary.primary_org_id == "org-sch-222-456"
        role = conn.execute(
            select(UserRole.role, UserRole.role_type).where(UserRole.user_id == mary.sourced_id)
        ).one()
        assert tuple(role) == ("parent", "primary")
        agent = conn.execute(
            select(UserAgent.agent_id).where(UserAgent.user_id == mary.sourced_id)
        ).scalar_one()
        assert agent == "usr-222-66778899"
        course_xw = conn.execute(
            select(Crosswalk.hub_id).where(Crosswalk.entity_type == "course")
        ).scalars()
        assert sorted(course_xw) == ["crs-222-2023-456-12345", "crs-222-2023-456-23456"]
    reasons = {(p.file, p.line, p.column): p.reason for p in result.report.warnings}
    assert "reserved" in reasons[("classes.csv", 2, "courseSourcedId")]
    assert "dropped" in reasons[("orgs.csv", 2, "parentSourcedId")]
    assert "letter case" in reasons[("classes.csv", 2, "classType")]


def test_passwords_are_never_stored(db_engine: Engine) -> None:
    import_package(db_engine, shared_data(*CSV, "moodle_v1p1_full"))
    import_package(db_engine, shared_data(*CSV, "moodle_v1p2_datagen_delta"))
    with db_engine.connect() as conn:
        for table in ("users", "user_profiles", "sync_runs", "crosswalk"):
            rows = conn.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608
            dumped = repr(rows)
            assert "Password1-" not in dumped
            assert "Batman.Ru1ez" not in dumped


def test_v1p2_delta_set_imports_every_entity(db_engine: Engine) -> None:
    result = import_package(db_engine, shared_data(*CSV, "moodle_v1p2_datagen_delta"))
    assert result.source == "oneroster-csv:datagen"
    assert result.version == "1.2"
    for model in (Org, AcademicSession, Course, Class, User, UserProfile, Demographics):
        assert count(db_engine, model) == 1
    with db_engine.connect() as conn:
        role = conn.execute(select(UserRole)).one()
        assert (role.user_id, role.role, role.org_id, role.source_key) == (
            "USER_0",
            "student",
            "ORG_1",
            "ROLE_8",
        )
        profile = conn.execute(select(UserProfile)).one()
        assert profile.credentials == [{"type": "login", "username": "brucewayne"}]
        demo = conn.execute(select(Demographics)).one()
        assert (demo.sourced_id, str(demo.birth_date)) == ("USER_0", "2010-04-17")
        course = conn.execute(select(Course)).one()
        assert (course.course_code, course.org_id, course.subject_codes) == ("", "ORG_1", ["0101"])


def test_reimport_changes_nothing(db_engine: Engine) -> None:
    path = shared_data(*CSV, "moodle_v1p1_full")
    first = import_package(db_engine, path)
    with db_engine.connect() as conn:
        before = conn.execute(
            select(User.sourced_id, User.change_version, User.date_last_modified)
        ).all()
        seen_before = conn.execute(select(func.max(User.source_seen_at))).scalar_one()
    time.sleep(0.01)
    second = import_package(db_engine, path)
    assert second.change_version is None
    assert hub_version(db_engine) == first.change_version
    assert all(s.changed == 0 for s in second.stats.values())
    assert second.stats["users"].unchanged == 6
    with db_engine.connect() as conn:
        after = conn.execute(
            select(User.sourced_id, User.change_version, User.date_last_modified)
        ).all()
        seen_after = conn.execute(select(func.max(User.source_seen_at))).scalar_one()
    assert sorted(before) == sorted(after)
    assert seen_before is not None
    # Provenance of an unchanged restatement is recorded per run, not per row (a re-import
    # of an unchanged package writes no canonical row): see ``sync.apply``.
    assert seen_after == seen_before
    with db_engine.connect() as conn:
        run = conn.execute(select(SyncRun).where(SyncRun.id == second.run_id)).one()
    assert (run.source, run.state) == (second.source, "applied")
    assert run.finished_at is not None
    assert run.stats["entities"]["users"]["unchanged"] == 6
    assert run.stats["modes"]["users"] == "bulk"


def test_zip_package_imports_like_the_folder(db_engine: Engine, tmp_path: Path) -> None:
    src = shared_data(*CSV, "moodle_v1p2_datagen_delta")
    archive = tmp_path / "delta.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in src.iterdir():
            zf.write(f, f.name)
    result = import_package(db_engine, archive)
    assert result.stats["enrollments"].added == 1
    assert import_package(db_engine, src).change_version is None  # same content


def test_bulk_absence_tombstones_with_a_new_version(db_engine: Engine, tmp_path: Path) -> None:
    pkg = copy_set("moodle_v1p1_full", tmp_path)
    first = import_package(db_engine, pkg)
    with db_engine.connect() as conn:
        t1 = conn.execute(select(func.max(User.date_last_modified))).scalar_one()
    users = read_rows(pkg / "users.csv")
    write_rows(pkg / "users.csv", [r for r in users if r[0] != "usr-222-567891"])
    enrollments = read_rows(pkg / "enrollments.csv")
    write_rows(
        pkg / "enrollments.csv", [r for r in enrollments if r[0] != "enr-s-222-12345-985321"]
    )
    time.sleep(0.01)
    second = import_package(db_engine, pkg)

    assert second.change_version == (first.change_version or 0) + 1
    assert second.stats["users"].tombstoned == 1
    assert second.stats["enrollments"].tombstoned == 1
    assert second.stats["users"].unchanged == 5
    with db_engine.connect() as conn:
        gone = conn.execute(select(User).where(User.sourced_id == "usr-222-567891")).one()
        assert gone.status == "tobedeleted"  # tombstone, not deleted
        assert gone.change_version == second.change_version
        changed = conn.execute(
            select(User.sourced_id).where(User.date_last_modified > t1)
        ).scalars()
        assert list(changed) == ["usr-222-567891"]  # a delta pull sees exactly the change
        enr = conn.execute(
            select(Enrollment.status).where(Enrollment.sourced_id == "enr-s-222-12345-985321")
        ).scalar_one()
        assert enr == "tobedeleted"
    # Bringing it back re-activates the same hub id.
    write_rows(pkg / "users.csv", users)
    third = import_package(db_engine, pkg)
    assert third.stats["users"].updated == 1
    assert count(db_engine, User, status="active") == 6


def test_bulk_from_another_source_does_not_tombstone_mine(
    db_engine: Engine, tmp_path: Path
) -> None:
    import_package(db_engine, shared_data(*CSV, "moodle_v1p1_full"), source="sis")
    import_package(db_engine, shared_data(*CSV, "moodle_v1p2_datagen_delta"), source="lms")
    pkg = copy_set("moodle_v1p2_datagen_delta", tmp_path)
    edit(pkg / "manifest.csv", 4, "value", "bulk")  # academicSessions bulk, now empty
    edit(pkg / "manifest.csv", 7, "value", "absent")  # (its classes would reference it)
    (pkg / "classes.csv").unlink()
    rows = read_rows(pkg / "academicSessions.csv")
    write_rows(pkg / "academicSessions.csv", rows[:1])
    result = import_package(db_engine, pkg, source="lms")
    assert result.stats["academicSessions"].tombstoned == 1  # only the lms session
    assert count(db_engine, AcademicSession, status="active", source="sis") == 3


def test_delta_updates_and_tombstones(db_engine: Engine, tmp_path: Path) -> None:
    import_package(db_engine, shared_data(*CSV, "moodle_v1p2_datagen_delta"))
    pkg = copy_set("moodle_v1p2_datagen_delta", tmp_path)
    # users: a change; enrollments: a tombstone row that carries only the key.
    edit(pkg / "users.csv", 2, "givenName", "Bruce Thomas")
    edit(pkg / "users.csv", 2, "preferredGivenName", "Batman")
    write_rows(
        pkg / "enrollments.csv",
        [
            read_rows(pkg / "enrollments.csv")[0],
            ["ENROLLMENT_001", "tobedeleted", "2023-10-03T00:00:00.000Z", "", "", "", "", "", ""],
        ],
    )
    write_rows(pkg / "roles.csv", [read_rows(pkg / "roles.csv")[0]])
    result = import_package(db_engine, pkg)
    assert result.stats["users"].updated == 1
    assert result.stats["enrollments"].tombstoned == 1
    assert result.stats["orgs"].unchanged == 1
    with db_engine.connect() as conn:
        user = conn.execute(select(User)).one()
        assert (user.given_name, user.preferred_first_name) == ("Bruce Thomas", "Batman")
        assert user.change_version == result.change_version
        org = conn.execute(select(Org)).one()
        assert org.change_version < (result.change_version or 0)
        enr = conn.execute(select(Enrollment)).one()
        assert (enr.status, enr.user_id, enr.role) == ("tobedeleted", "USER_0", "student")
        assert count(db_engine, UserRole) == 1  # an empty delta roles file removes nothing


def test_delta_role_tombstone_removes_only_that_role(db_engine: Engine, tmp_path: Path) -> None:
    pkg = copy_set("moodle_v1p2_datagen_delta", tmp_path)
    rows = read_rows(pkg / "roles.csv")
    rows.append(["ROLE_9", "active", "2023-10-02T00:00:00.000Z", "USER_0", "secondary",
                 "aide", "", "", "ORG_1", ""])  # fmt: skip
    write_rows(pkg / "roles.csv", rows)
    import_package(db_engine, pkg)
    assert count(db_engine, UserRole) == 2
    write_rows(
        pkg / "roles.csv",
        [rows[0], ["ROLE_9", "tobedeleted", "2023-10-04T00:00:00Z", "", "", "", "", "", "", ""]],
    )
    for name in ("users", "orgs", "classes", "courses", "academicSessions", "enrollments"):
        write_rows(pkg / f"{name}.csv", read_rows(pkg / f"{name}.csv")[:1])  # header only
    result = import_package(db_engine, pkg)
    with db_engine.connect() as conn:
        roles = conn.execute(select(UserRole.source_key)).scalars()
        assert list(roles) == ["ROLE_8"]
        assert conn.execute(select(User.change_version)).scalar_one() == result.change_version


def test_id_collision_between_sources_mints_a_uuid(db_engine: Engine) -> None:
    import_package(db_engine, shared_data(*CSV, "moodle_v1p1_full"), source="district-a")
    result = import_package(db_engine, shared_data(*CSV, "moodle_v1p1_minimal"), source="b")
    assert result.stats["users"].added == 6
    assert count(db_engine, User) == 12
    with db_engine.connect() as conn:
        xw = dict(
            conn.execute(
                select(Crosswalk.source, Crosswalk.hub_id).where(
                    Crosswalk.entity_type == "user", Crosswalk.source_key == "usr-222-123456"
                )
            ).all()
        )
        assert xw["district-a"] == "usr-222-123456"  # adopted
        minted = xw["b"]
        assert minted != "usr-222-123456"
        assert len(minted) == 36
        # References of source b point to b's records.
        enr_users = conn.execute(
            select(Enrollment.user_id).where(Enrollment.source == "b")
        ).scalars()
        assert minted in set(enr_users)
    # Once assigned, a hub id never changes.
    again = import_package(db_engine, shared_data(*CSV, "moodle_v1p1_minimal"), source="b")
    assert again.change_version is None
    with db_engine.connect() as conn:
        still = conn.execute(
            select(Crosswalk.hub_id).where(
                Crosswalk.source == "b", Crosswalk.source_key == "usr-222-123456"
            )
        ).scalar_one()
    assert still == minted


def test_reserved_reference_is_completed_when_the_source_supplies_it(
    db_engine: Engine, tmp_path: Path
) -> None:
    pkg = copy_set("moodle_v1p1_full", tmp_path)
    import_package(db_engine, pkg)
    write_rows(
        pkg / "courses.csv",
        [
            ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title",
             "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"],
            ["crs-222-2023-456-12345", "", "", "", "Physics", "PHY", "9", "org-sch-222-456",
             "", ""],
            ["crs-222-2023-456-23456", "", "", "", "History", "HIS", "", "org-sch-222-456",
             "", ""],
        ],
    )  # fmt: skip
    edit(pkg / "manifest.csv", 8, "value", "bulk")
    result = import_package(db_engine, pkg)
    assert result.report.warning_count < 15  # the reservation warnings are gone
    assert result.stats["courses"].added == 2
    with db_engine.connect() as conn:
        course = conn.execute(
            select(Course).where(Course.sourced_id == "crs-222-2023-456-12345")
        ).one()
        assert (course.title, course.grades) == ("Physics", ["09"])
        cls = conn.execute(select(Class.course_id).where(Class.title == "Introduction to Physics"))
        assert cls.scalar_one() == course.sourced_id


def test_1p1_multiple_orgs_and_administrator_role(db_engine: Engine, tmp_path: Path) -> None:
    pkg = copy_set("moodle_v1p1_full", tmp_path)
    orgs = read_rows(pkg / "orgs.csv")
    orgs.append(["org-2", "active", "", "Second School", "school", "", ""])
    write_rows(pkg / "orgs.csv", orgs)
    edit(pkg / "users.csv", 2, "orgSourcedIds", "org-2,org-sch-222-456")
    edit(pkg / "users.csv", 2, "role", "administrator")
    import_package(db_engine, pkg)
    with db_engine.connect() as conn:
        roles = conn.execute(
            select(UserRole.org_id, UserRole.role_type, UserRole.role)
            .where(UserRole.user_id == "usr-222-123456")
            .order_by(UserRole.id)
        ).all()
        primary = conn.execute(
            select(User.primary_org_id).where(User.sourced_id == "usr-222-123456")
        ).scalar_one()
    assert [tuple(r) for r in roles] == [
        ("org-2", "primary", "siteAdministrator"),
        ("org-sch-222-456", "secondary", "siteAdministrator"),
    ]
    assert primary == "org-2"


def test_sync_runs_record_applied_imports(db_engine: Engine) -> None:
    result = import_package(db_engine, shared_data(*CSV, "moodle_v1p2_datagen_delta"))
    with db_engine.connect() as conn:
        run = conn.execute(select(SyncRun).where(SyncRun.id == result.run_id)).one()
    assert (run.state, run.kind, run.source) == ("applied", "oneroster-csv", result.source)
    assert run.change_version == result.change_version
    assert run.stats["entities"]["users"]["added"] == 1
    assert run.finished_at is not None
    assert run.report
    assert run.report[0]["severity"] == "warning"


def test_a_changing_import_refreshes_planner_statistics(db_engine: Engine) -> None:
    """Delta pulls rely on the planner choosing the dateLastModified index straight away."""
    import_package(db_engine, shared_data(*CSV, "moodle_v1p1_full"))
    with db_engine.connect() as conn:
        if db_engine.dialect.name == "postgresql":
            analysed = conn.execute(
                text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'users'")
            ).scalar_one()
            assert analysed is not None
        else:
            analysed = conn.execute(
                text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'users'")
            ).scalar_one()
            assert analysed > 0
