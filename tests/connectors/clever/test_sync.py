"""Clever end to end: a mocked district, through the mapping, into the store."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from interop_hub.connectors.clever import CleverConnector
from interop_hub.connectors.sdk import ExtractContext, registry
from interop_hub.models import (
    AcademicSession,
    Class,
    ClassTerm,
    Course,
    Demographics,
    Enrollment,
    Org,
    User,
)
from interop_hub.sync.extract import stage
from tests.connectors.clever.conftest import make_connector
from tests.connectors.clever.fake import (
    ABE,
    ALG,
    ALG_P1,
    BART,
    BIO,
    BIO_P2,
    CHALMERS,
    DISTRICT,
    EDNA,
    ELEM,
    FALL,
    GHOST,
    HIGH,
    HOOVER,
    HR3,
    LISA,
    MARGE,
    MILHOUSE,
    RALPH,
    SKINNER,
    SPRING,
    FakeClever,
)
from tests.connectors.clever.store import agents, by_key, hub, roles, run
from tests.connectors.sdk.helpers import Sleeps

UNDATED = f"undated:{DISTRICT}"


def test_the_entry_point_resolves_to_the_connector() -> None:
    assert registry.connector_class("clever") is CleverConnector


def test_full_sync_lands_the_district_in_the_store(
    tmp_path: Path, db_engine: Engine, clever: FakeClever
) -> None:
    staged, imported = run(tmp_path, db_engine)
    assert imported.state == "applied"
    assert not imported.report.errors

    orgs = by_key(db_engine, Org, "org")
    assert {k: (r.name, r.type, r.identifier) for k, r in orgs.items()} == {
        DISTRICT: ("Springfield Public Schools", "district", "1712345"),
        HIGH: ("Springfield High School", "school", "171234500001"),
        ELEM: ("Evergreen Terrace Elementary", "school", "ETE-01"),
    }
    assert orgs[HIGH].parent_id == orgs[ELEM].parent_id == hub(db_engine, "org", DISTRICT)

    sessions = by_key(db_engine, AcademicSession, "academicSession")
    assert {
        k: (r.title, r.type, r.start_date, r.end_date, r.school_year) for k, r in sessions.items()
    } == {
        FALL: ("2025-2026 Fall", "term", date(2025, 8, 20), date(2025, 12, 19), "2026"),
        # Clever sends some dates as date-times: their calendar date is taken.
        SPRING: ("2025-2026 Spring", "term", date(2026, 1, 5), date(2026, 5, 29), "2026"),
        # The stand-in session of sections without a term (undated_term_school_year).
        UNDATED: (
            "Sections without a term", "schoolYear", date(2025, 7, 1), date(2026, 6, 30), "2026"
        ),
    }  # fmt: skip

    courses = by_key(db_engine, Course, "course")
    assert {k: (r.title, r.course_code) for k, r in courses.items()} == {
        ALG: ("Algebra I", "MATH-101"),
        BIO: ("Biology", "SCI-201"),
        f"section:{HR3}": ("Homeroom K", ""),  # the homeroom has no course in Clever
    }
    assert courses[ALG].org_id == hub(db_engine, "org", DISTRICT)
    assert courses[f"section:{HR3}"].org_id == hub(db_engine, "org", ELEM)

    classes = by_key(db_engine, Class, "class")
    assert sorted(classes) == sorted([ALG_P1, BIO_P2, HR3])  # not the unshared school's
    algebra = classes[ALG_P1]
    assert (algebra.title, algebra.class_code, algebra.class_type) == (
        "Algebra I - P1",
        "P1",
        "scheduled",
    )
    assert algebra.course_id == hub(db_engine, "course", ALG)
    assert algebra.school_id == hub(db_engine, "org", HIGH)
    assert (algebra.grades, algebra.subjects, algebra.periods) == (["09"], ["math"], ["1"])
    homeroom = classes[HR3]
    assert (homeroom.class_type, homeroom.grades) == ("homeroom", ["KG"])
    with db_engine.connect() as conn:
        terms = dict(conn.execute(select(ClassTerm.class_id, ClassTerm.term_id)).all())
    assert terms[algebra.sourced_id] == hub(db_engine, "academicSession", FALL)
    assert terms[homeroom.sourced_id] == hub(db_engine, "academicSession", UNDATED)

    users = by_key(db_engine, User, "user")
    # Milhouse's only school is not shared with the app: he is not rostered.
    assert sorted(users) == sorted([BART, LISA, RALPH, EDNA, HOOVER, SKINNER, CHALMERS, MARGE, ABE])
    bart = users[BART]
    assert (bart.given_name, bart.family_name, bart.username) == ("Bart", "Simpson", "bsimpson")
    assert (bart.identifier, bart.email, bart.grades) == (
        "1001",
        "bart@springfield.example",
        ["09"],
    )
    assert bart.user_ids == [
        {"type": "Clever", "identifier": BART},
        {"type": "StateID", "identifier": "IL-1001"},
        {"type": "SIS", "identifier": "sis-1001"},
    ]
    assert bart.primary_org_id == hub(db_engine, "org", HIGH)
    assert users[RALPH].grades == ["KG"]
    assert (users[EDNA].identifier, users[EDNA].username) == ("T2001", "ekrabappel")
    assert users[HOOVER].username == "hoover@springfield.example"  # no district username
    assert (users[MARGE].phone, users[MARGE].sms) == ("555-0100", "555-0100")
    assert (users[ABE].phone, users[ABE].sms) == ("555-0199", None)  # a home phone

    assert roles(db_engine) == {
        (BART, HIGH, "student", "primary"),
        (LISA, ELEM, "student", "primary"),
        (LISA, HIGH, "student", "secondary"),
        (RALPH, ELEM, "student", "primary"),
        # A teacher who is also staff: one user, both roles.
        (EDNA, HIGH, "teacher", "primary"),
        (EDNA, HIGH, "siteAdministrator", "secondary"),
        (HOOVER, ELEM, "teacher", "primary"),
        (HOOVER, HIGH, "teacher", "secondary"),
        (SKINNER, HIGH, "siteAdministrator", "primary"),
        (SKINNER, ELEM, "siteAdministrator", "secondary"),
        (CHALMERS, DISTRICT, "districtAdministrator", "primary"),
        (MARGE, DISTRICT, "parent", "primary"),
        (ABE, DISTRICT, "relative", "primary"),
    }
    # Guardians and their students are each other's agents.
    assert agents(db_engine) == {
        BART: [MARGE, ABE],
        LISA: [MARGE],
        MARGE: [BART, LISA],
        ABE: [BART],
    }

    enrollments = by_key(db_engine, Enrollment, "enrollment")
    assert {k: (r.role, r.primary) for k, r in enrollments.items()} == {
        f"{ALG_P1}:{EDNA}": ("teacher", True),
        f"{ALG_P1}:{BART}": ("student", False),
        f"{ALG_P1}:{LISA}": ("student", False),
        f"{BIO_P2}:{EDNA}": ("teacher", True),
        f"{BIO_P2}:{HOOVER}": ("teacher", False),  # a co-teacher
        f"{BIO_P2}:{BART}": ("student", False),  # Milhouse is not rostered
        f"{HR3}:{HOOVER}": ("teacher", True),
        f"{HR3}:{RALPH}": ("student", False),
        f"{HR3}:{LISA}": ("student", False),
    }
    assert enrollments[f"{HR3}:{RALPH}"].school_id == hub(db_engine, "org", ELEM)
    assert enrollments[f"{ALG_P1}:{BART}"].class_id == hub(db_engine, "class", ALG_P1)

    demographics = by_key(db_engine, Demographics, "user")
    shown = {
        k: (
            r.birth_date,
            r.sex,
            r.white,
            r.asian,
            r.demographic_race_two_or_more_races,
            r.hispanic_or_latino_ethnicity,
        )
        for k, r in demographics.items()
    }
    assert shown == {
        BART: (date(2011, 4, 1), "male", True, False, False, False),
        # An Unknown race and a blank ethnicity say nothing.
        LISA: (date(2016, 5, 9), "female", None, None, None, None),
        RALPH: (date(2019, 9, 30), "other", False, False, True, True),
    }

    # The newest event before the read is the bookmark for the next incremental run.
    assert staged.bookmarks == {"events": clever.newest_event}
    assert "file.users,bulk" in (staged.folder / "manifest.csv").read_text()
    assert clever.routes["events"].calls[0].request.url.params["ending_before"] == "last"


def test_requests_follow_the_next_links_with_role_and_limit(
    tmp_path: Path, db_engine: Engine, clever: FakeClever
) -> None:
    run(tmp_path, db_engine)

    calls = clever.routes["users"].calls
    by_role: dict[str, list[str | None]] = {}
    for call in calls:
        params = call.request.url.params
        assert params["limit"] == "2"
        assert call.request.headers["Authorization"].startswith("Bearer DEMO-district")
        by_role.setdefault(params["role"], []).append(params.get("starting_after"))
    # Four students at two per page: the second page has no next link.
    assert by_role["student"] == [None, LISA]
    assert by_role["contact"] == [None]
    assert by_role["teacher"] == [None]
    assert by_role["staff"] == [None]
    assert by_role["district_admin"] == [None]
    assert clever.routes["sections"].call_count == 2
    assert clever.routes["mycontacts"].call_count == 0  # full runs use the contacts list


def test_contacts_and_demographics_can_be_left_out(
    tmp_path: Path, db_engine: Engine, clever: FakeClever
) -> None:
    run(tmp_path, db_engine, include_contacts=False, include_demographics=False)

    users = by_key(db_engine, User, "user")
    assert MARGE not in users
    assert ABE not in users
    assert agents(db_engine) == {}
    assert by_key(db_engine, Demographics, "user") == {}
    assert {c.request.url.params["role"] for c in clever.routes["users"].calls} == {
        "student",
        "teacher",
        "staff",
        "district_admin",
    }


def test_staff_role_is_configurable(tmp_path: Path, db_engine: Engine, clever: FakeClever) -> None:
    run(tmp_path, db_engine, staff_role="principal")
    assert (SKINNER, HIGH, "principal", "primary") in roles(db_engine)


def test_a_second_full_sync_tombstones_what_clever_no_longer_shares(
    tmp_path: Path, db_engine: Engine, clever: FakeClever
) -> None:
    run(tmp_path, db_engine)
    # Bart leaves Biology; the homeroom and Abe are gone from Clever.
    clever.section(BIO_P2)["students"] = [MILHOUSE]
    clever.sections = [s for s in clever.sections if s["id"] != HR3]
    clever.users = [u for u in clever.users if u["id"] != ABE]

    run(tmp_path, db_engine, name="run2")

    enrollments = by_key(db_engine, Enrollment, "enrollment")
    assert enrollments[f"{BIO_P2}:{BART}"].status == "tobedeleted"
    assert enrollments[f"{HR3}:{RALPH}"].status == "tobedeleted"
    assert enrollments[f"{ALG_P1}:{BART}"].status == "active"
    classes = by_key(db_engine, Class, "class")
    assert classes[HR3].status == "tobedeleted"
    assert by_key(db_engine, Course, "course")[f"section:{HR3}"].status == "tobedeleted"
    users = by_key(db_engine, User, "user")
    assert users[ABE].status == "tobedeleted"
    assert users[RALPH].status == "active"  # still a student, just not in a section
    assert agents(db_engine)[BART] == [MARGE]


def test_staged_files_have_no_duplicate_ids(tmp_path: Path, clever: FakeClever) -> None:
    # Edna is listed under teachers and under staff; a user could also be served twice.
    clever.users.append(dict(clever.user(BART)))
    connector = make_connector(Sleeps())
    stage(connector, tmp_path, ExtractContext())
    for name in ("users", "roles", "classes", "courses", "enrollments", "demographics"):
        with (tmp_path / f"{name}.csv").open(encoding="utf-8") as f:
            ids = [row["sourcedId"] for row in csv.DictReader(f)]
        assert len(ids) == len(set(ids)), name
    assert connector.skipped == {
        "users without a synced role": 1,
        "sections of a school not synced": 1,
        "enrollments of people not synced": 1,
    }
    assert GHOST not in (tmp_path / "classes.csv").read_text()


def test_without_events_no_bookmark_is_kept(tmp_path: Path, clever: FakeClever) -> None:
    connector = make_connector(Sleeps(), use_events=False)
    result = stage(connector, tmp_path / "a", ExtractContext())
    assert result.bookmarks == {}
    assert clever.routes["events"].call_count == 0

    clever.events = []  # events enabled, but nothing happened yet
    result = stage(make_connector(Sleeps()), tmp_path / "b", ExtractContext())
    assert result.bookmarks == {}
    assert result.rows["users"] == 9
