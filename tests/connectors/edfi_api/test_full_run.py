"""A full run against an ODS/API 7.1: what is requested, and what reaches the store."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from sqlalchemy import Engine

from interop_hub.connectors.edfi_api import BOOKMARK
from interop_hub.mapping.targets import TARGETS
from tests.connectors.edfi_api.conftest import MakeConnector
from tests.connectors.edfi_api.district import HIGH, LEA, MIDDLE
from tests.connectors.edfi_api.fake_ods import BASE, CLIENT_ID, CLIENT_SECRET, FakeOds
from tests.connectors.edfi_api.store import flag, hub_id, query, roles_of, run, users


def md5(*parts: object) -> str:
    return hashlib.md5("-".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def test_reads_in_dependency_order_with_one_token_and_offset_paging(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    staged, _ = run(connector(page_size=2), tmp_path)

    tokens = [r for r in ods.log if r.method == "POST"]
    assert len(tokens) == 1, "one token serves the whole run"
    pair = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert tokens[0].headers["Authorization"] == f"Basic {pair}"
    assert tokens[0].url == f"{BASE}/oauth/token"

    reads = [r for r in ods.gets("/data/v3/ed-fi/")]
    first_read: dict[str, int] = {}
    for index, request in enumerate(reads):
        first_read.setdefault(request.url.path.rsplit("/", 1)[1], index)
    order = sorted(first_read, key=first_read.__getitem__)
    # The host's /dependencies order (ties in the connector's own order); the leaf
    # studentSectionAssociations is read last.
    assert order == [
        "students",
        "contacts",
        "localEducationAgencies",
        "studentContactAssociations",
        "schools",
        "sessions",
        "studentEducationOrganizationAssociations",
        "courses",
        "courseOfferings",
        "sections",
        "studentSchoolAssociations",
        "staffs",
        "staffSectionAssociations",
        "staffEducationOrganizationAssignmentAssociations",
        "studentSectionAssociations",
    ]
    pages = [r for r in reads if r.url.path.endswith("/ed-fi/staffs")]
    assert [r.url.params["offset"] for r in pages] == ["0", "2", "4"]
    assert {r.url.params["limit"] for r in pages} == {"2"}
    assert {r.url.params["totalCount"] for r in pages} == {"true"}
    # Total-Count (5 staff) ends the read: no request for an empty page after offset 4.
    assert all("minChangeVersion" not in r.url.params for r in reads)

    assert staged.bookmarks == {BOOKMARK: str(ods.newest)}
    assert staged.rows == {
        "orgs": 3,
        "academicSessions": 5,
        "courses": 3,
        "classes": 3,
        "users": 9,
        "roles": 11,
        "demographics": 3,
        "enrollments": 7,
    }
    manifest = (tmp_path / "manifest.csv").read_text()
    assert "file.users,bulk" in manifest
    assert "file.roles,bulk" in manifest


def test_pages_of_500_by_default(ods: FakeOds, connector: MakeConnector, tmp_path: Path) -> None:
    run(connector(), tmp_path)
    assert {r.url.params["limit"] for r in ods.gets("/data/v3/ed-fi/")} == {"500"}


def test_full_run_imports_the_district(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path, db_engine: Engine
) -> None:
    made = connector()
    _, imported = run(made, tmp_path, db_engine)
    assert imported is not None
    assert imported.state == "applied"

    orgs = {o["name"]: o for o in query(db_engine, "SELECT * FROM orgs")}
    assert {n: (o["type"], o["identifier"]) for n, o in orgs.items()} == {
        "Grand Bend ISD": ("district", str(LEA)),
        "Grand Bend High School": ("school", str(HIGH)),
        "Grand Bend Middle School": ("school", str(MIDDLE)),
    }
    district = orgs["Grand Bend ISD"]["sourced_id"]
    assert orgs["Grand Bend High School"]["parent_id"] == district
    # Ids are the Ed-Fi -> OneRoster mapping's md5 of the natural key (adopted as hub ids).
    assert hub_id(db_engine, "org", md5(HIGH)) == orgs["Grand Bend High School"]["sourced_id"]

    sessions = query(db_engine, "SELECT * FROM academic_sessions ORDER BY start_date, title")
    year = next(s for s in sessions if s["type"] == "schoolYear")
    assert (year["title"], str(year["start_date"]), str(year["end_date"])) == (
        "2024-2025",
        "2024-08-12",
        "2025-06-04",
    )
    terms = [s for s in sessions if s["type"] == "semester"]
    assert len(terms) == 4
    assert {s["parent_id"] for s in terms} == {year["sourced_id"]}
    assert {s["school_year"] for s in sessions} == {"2025"}

    classes = {c["title"]: c for c in query(db_engine, "SELECT * FROM classes")}
    assert set(classes) == {"Algebra I - Period 1", "English I (Honors)", "Science 7 - Lab"}
    algebra = classes["Algebra I - Period 1"]
    assert (algebra["class_code"], algebra["class_type"], algebra["location"]) == (
        "ALG-1",
        "scheduled",
        "101",
    )
    course = query(db_engine, "SELECT * FROM courses WHERE sourced_id = :c", c=algebra["course_id"])
    assert course[0]["title"] == "Algebra I"
    assert course[0]["org_id"] == district
    terms_of = query(
        db_engine,
        "SELECT s.title, s.org_id FROM class_terms t JOIN academic_sessions s "
        "ON s.sourced_id = t.term_id WHERE t.class_id = :c",
        c=algebra["sourced_id"],
    )
    assert [t["title"] for t in terms_of] == ["2024-2025 Fall Semester"]

    people = users(db_engine)
    # Noah (no school association) and Tom (an unmapped classification only) are no users.
    assert set(people) == {
        "604822", "604823", "604824", "C-7001", "C-7002",
        "S-101", "S-102", "S-103", "S-105",
    }  # fmt: skip
    lisa = people["604822"]
    assert (lisa["given_name"], lisa["family_name"], lisa["middle_name"]) == (
        "Lisa",
        "Woods",
        "Marie",
    )
    assert lisa["email"] == lisa["username"] == "lisa.woods@example.net"  # Home/Personal
    assert lisa["grades"] == ["09"]
    assert {"type": "State", "identifier": "TX-1000604822"} in lisa["user_ids"]
    assert people["604823"]["preferred_first_name"] == "Mark"
    assert made.skipped == {
        "students: no role at an org of this source (not a OneRoster user)": 1,
        "staffs: no role at an org of this source (not a OneRoster user)": 1,
        "studentSectionAssociations: the person is not a OneRoster user": 1,
    }

    ana = people["604824"]["sourced_id"]
    assert roles_of(db_engine, ana) == [
        ("primary", "student", "Grand Bend High School"),
        ("secondary", "student", "Grand Bend Middle School"),
    ]
    assert people["604824"]["primary_org_id"] == orgs["Grand Bend High School"]["sourced_id"]
    assert roles_of(db_engine, people["S-101"]["sourced_id"]) == [
        ("primary", "teacher", "Grand Bend High School")
    ]
    assert roles_of(db_engine, people["S-102"]["sourced_id"]) == [
        ("primary", "principal", "Grand Bend Middle School")
    ]
    # A librarian who teaches a section is a teacher where they teach.
    assert roles_of(db_engine, people["S-103"]["sourced_id"]) == [
        ("primary", "teacher", "Grand Bend Middle School")
    ]
    assert roles_of(db_engine, people["S-105"]["sourced_id"]) == [
        ("primary", "districtAdministrator", "Grand Bend ISD")
    ]
    # A contact is a parent at each linked student's primary school.
    assert roles_of(db_engine, people["C-7002"]["sourced_id"]) == [
        ("primary", "parent", "Grand Bend Middle School"),
        ("secondary", "parent", "Grand Bend High School"),
    ]
    agents = query(db_engine, "SELECT user_id, agent_id FROM user_agents")
    pairs = {(a["user_id"], a["agent_id"]) for a in agents}
    assert (lisa["sourced_id"], people["C-7001"]["sourced_id"]) in pairs
    assert (people["C-7002"]["sourced_id"], ana) in pairs

    demographics = {d["sourced_id"]: d for d in query(db_engine, "SELECT * FROM demographics")}
    mine = demographics[lisa["sourced_id"]]
    assert (mine["sex"], str(mine["birth_date"])) == ("female", "2010-05-14")
    races = ("white", "asian", "black_or_african_american", "demographic_race_two_or_more_races")
    assert [flag(mine[c]) for c in races] == [True, True, False, True]
    assert flag(mine["hispanic_or_latino_ethnicity"]) is False
    # No race reported: the race columns stay unknown, not "false".
    assert demographics[ana]["white"] is None
    assert flag(demographics[ana]["hispanic_or_latino_ethnicity"]) is True

    enrollments = query(db_engine, "SELECT * FROM enrollments")
    assert len(enrollments) == 7
    teachers = {(e["class_id"], flag(e["primary"])) for e in enrollments if e["role"] == "teacher"}
    assert (algebra["sourced_id"], True) in teachers  # Teacher of Record
    assert (classes["English I (Honors)"]["sourced_id"], False) in teachers  # Assistant
    assert md5(
        "604822", "alg-1", HIGH, 2025, "alg1-01", "2024-2025 fall semester", "2024-08-19"
    ) in {e["sourced_id"] for e in enrollments}


def test_staged_files_have_every_target_column(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    run(connector(), tmp_path)
    for target in ("orgs", "users", "roles", "enrollments", "demographics"):
        header = (tmp_path / f"{target}.csv").read_text().splitlines()[0]
        assert tuple(header.split(",")) == TARGETS[target]
