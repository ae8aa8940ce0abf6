"""Incremental runs: the change-version window, deletes and key changes become a delta."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine

from interop_hub.connectors.edfi_api import BOOKMARK
from interop_hub.core.errors import SourceDataError
from tests.connectors.edfi_api.conftest import MakeConnector
from tests.connectors.edfi_api.district import ALG, HIGH, LEA, MIDDLE, SCI, YEAR, d
from tests.connectors.edfi_api.fake_ods import FakeOds
from tests.connectors.edfi_api.store import query, roles_of, run, users


def staged(folder: Path, target: str) -> list[dict[str, str]]:
    with (folder / f"{target}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def change_the_district(ods: FakeOds) -> None:
    """A week of changes at the ODS."""
    ods.update("students", {"studentUniqueId": "604822"}, lastSurname="Woods-Garcia")
    # Ana drops English, and her finished middle-school enrollment is removed.
    ods.delete("studentSectionAssociations", studentUniqueId="604824", sectionIdentifier="ENG1-02")
    ods.delete("studentSchoolAssociations", studentUniqueId="604824", schoolId=MIDDLE)
    # Maria is no longer Lisa's contact.
    ods.delete("studentContactAssociations", studentUniqueId="604822", contactUniqueId="C-7001")
    # A new student at the middle school, in Science 7.
    ods.add(
        "students",
        {
            "studentUniqueId": "604826",
            "firstName": "Liam",
            "lastSurname": "Nguyen",
            "birthDate": "2012-07-09",
        },
    )
    ods.add(
        "studentSchoolAssociations",
        {
            "entryDate": "2025-01-13",
            "schoolReference": {"schoolId": MIDDLE},
            "studentReference": {"studentUniqueId": "604826"},
            "entryGradeLevelDescriptor": d("GradeLevel", "Seventh grade"),
        },
    )
    ods.add(
        "studentEducationOrganizationAssociations",
        {
            "educationOrganizationReference": {"educationOrganizationId": LEA},
            "studentReference": {"studentUniqueId": "604826"},
            "sexDescriptor": d("Sex", "Male"),
            "races": [{"raceDescriptor": d("Race", "Asian")}],
        },
    )
    ods.add(
        "studentSectionAssociations",
        {
            "beginDate": "2025-01-13",
            "sectionReference": SCI,
            "studentReference": {"studentUniqueId": "604826"},
        },
    )
    # Algebra's section is renamed: the key change cascades to its associations.
    renamed = {**ALG, "sectionIdentifier": "ALG1-01A"}
    ods.rekey("sections", {"sectionIdentifier": "ALG1-01"}, sectionIdentifier="ALG1-01A")
    for resource in ("studentSectionAssociations", "staffSectionAssociations"):
        for item in [i for i in ods.items[resource] if i.doc["sectionReference"] == ALG]:
            ods.rekey(resource, {"id": item.id}, sectionReference=renamed)
    # Karen also becomes principal of the middle school.
    ods.add(
        "staffEducationOrganizationAssignmentAssociations",
        {
            "beginDate": "2025-01-06",
            "staffClassificationDescriptor": d("StaffClassification", "Principal"),
            "educationOrganizationReference": {"educationOrganizationId": MIDDLE},
            "staffReference": {"staffUniqueId": "S-101"},
        },
    )


def test_incremental_run_applies_changes_deletes_and_key_changes(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path, db_engine: Engine
) -> None:
    full, _ = run(connector(), tmp_path / "full", db_engine)
    mark = int(full.bookmarks[BOOKMARK])
    assert mark == ods.newest
    before = users(db_engine)
    old_algebra = query(db_engine, "SELECT sourced_id FROM classes WHERE class_code = 'ALG-1'")
    change_the_district(ods)
    ods.log.clear()

    folder = tmp_path / "delta"
    delta, imported = run(connector(), folder, db_engine, bookmarks=full.bookmarks)

    # The window: after the bookmark, up to the newest version read first.
    assert delta.bookmarks == {BOOKMARK: str(ods.newest)}
    assert ods.gets("availableChangeVersions")
    windowed = [r for r in ods.gets("/data/v3/ed-fi/") if "minChangeVersion" in r.url.params]
    assert {
        (r.url.params["minChangeVersion"], r.url.params["maxChangeVersion"]) for r in windowed
    } == {(str(mark + 1), str(ods.newest))}
    paths = {r.url.path.split("/ed-fi/")[1] for r in windowed}
    assert {"students", "students/deletes", "sections/keyChanges"} <= paths
    assert "students/keyChanges" not in paths  # only resources whose keys can change
    assert "file.users,delta" in (folder / "manifest.csv").read_text()

    # Only what the window touches is restated.
    restated = {u["identifier"] for u in staged(folder, "users") if u["status"] == "active"}
    assert restated == {"604822", "604824", "604826", "C-7002", "S-101"}
    gone = {(u["sourcedId"], u["status"]) for u in staged(folder, "users")} - {
        (u["sourcedId"], "active") for u in staged(folder, "users")
    }
    assert gone == {(before["C-7001"]["sourced_id"], "tobedeleted")}

    assert imported is not None
    assert imported.state == "applied"
    after = users(db_engine)
    assert after["604822"]["family_name"] == "Woods-Garcia"
    assert after["604822"]["sourced_id"] == before["604822"]["sourced_id"]
    assert after["C-7001"]["status"] == "tobedeleted"  # no student left: no role, no user
    agents = query(
        db_engine, "SELECT * FROM user_agents WHERE user_id = :u", u=after["604822"]["sourced_id"]
    )
    assert agents == []
    assert roles_of(db_engine, after["604824"]["sourced_id"]) == [
        ("primary", "student", "Grand Bend High School")
    ]
    assert roles_of(db_engine, after["S-101"]["sourced_id"]) == [
        ("primary", "principal", "Grand Bend Middle School"),
        ("secondary", "teacher", "Grand Bend High School"),
    ]
    liam = after["604826"]
    assert (liam["given_name"], liam["status"]) == ("Liam", "active")
    assert roles_of(db_engine, liam["sourced_id"]) == [
        ("primary", "student", "Grand Bend Middle School")
    ]
    sex = query(
        db_engine, "SELECT sex FROM demographics WHERE sourced_id = :u", u=liam["sourced_id"]
    )
    assert sex == [{"sex": "male"}]
    assert after["604823"]["date_last_modified"] == before["604823"]["date_last_modified"]

    classes = {
        c["sourced_id"]: c
        for c in query(db_engine, "SELECT * FROM classes WHERE class_code = 'ALG-1'")
    }
    assert classes[old_algebra[0]["sourced_id"]]["status"] == "tobedeleted"
    live = [c for c in classes.values() if c["status"] == "active"]
    assert [c["title"] for c in live] == ["Algebra I - Period 1"]
    enrollments = query(
        db_engine,
        "SELECT e.status, e.role, e.class_id FROM enrollments e "
        "JOIN users u ON u.sourced_id = e.user_id "
        "WHERE u.identifier IN ('604822', '604824', 'S-101', '604826')",
    )
    active = {(e["role"], e["class_id"]) for e in enrollments if e["status"] == "active"}
    assert ("student", live[0]["sourced_id"]) in active  # Lisa, re-keyed with the section
    assert ("teacher", live[0]["sourced_id"]) in active
    assert not any(
        e["class_id"] == old_algebra[0]["sourced_id"]
        for e in enrollments
        if e["status"] == "active"
    )
    dropped = [e for e in enrollments if e["status"] == "tobedeleted"]
    assert len(dropped) == 3  # Ana's English, Lisa's and Karen's old Algebra keys


def test_nothing_changed_reads_nothing(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    full, _ = run(connector(), tmp_path / "full")
    ods.log.clear()
    again, _ = run(connector(), tmp_path / "again", bookmarks=full.bookmarks)
    assert again.bookmarks == full.bookmarks
    assert [r.url.path for r in ods.log] == [
        "/api",
        "/api/oauth/token",
        "/api/changeQueries/v1/availableChangeVersions",
    ]
    assert again.rows == {}


def test_no_bookmark_yet_reads_everything_as_upserts(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    first, _ = run(connector(), tmp_path, bookmarks={})
    assert first.rows["users"] == 9
    assert first.bookmarks == {BOOKMARK: str(ods.newest)}
    assert "file.users,delta" in (tmp_path / "manifest.csv").read_text()


@pytest.mark.parametrize(
    ("bookmark", "reason"),
    [("99999", "newer than the source's newest"), ("abc", "not a number")],
)
def test_a_bookmark_the_source_cannot_continue_from_asks_for_a_full_run(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path, bookmark: str, reason: str
) -> None:
    with pytest.raises(SourceDataError, match=reason) as caught:
        run(connector(), tmp_path, bookmarks={BOOKMARK: bookmark})
    assert "run a full sync" in caught.value.message


def test_a_school_year_follows_its_sessions(
    ods: FakeOds, connector: MakeConnector, tmp_path: Path
) -> None:
    full, _ = run(connector(), tmp_path / "full")
    ods.update(
        "sessions",
        {"schoolId": HIGH, "sessionName": "2024-2025 Spring Semester"},
        endDate="2025-06-20",
    )
    run(connector(), tmp_path / "delta", bookmarks=full.bookmarks)
    sessions = {s["title"]: s for s in staged(tmp_path / "delta", "academicSessions")}
    assert set(sessions) == {"2024-2025 Spring Semester", f"{YEAR - 1}-{YEAR}"}
    assert sessions["2024-2025 Spring Semester"]["endDate"] == "2025-06-20"
    year = sessions[f"{YEAR - 1}-{YEAR}"]
    assert (year["startDate"], year["endDate"]) == ("2024-08-12", "2025-06-20")
    assert ods.gets("sessions?")[-1].url.params["schoolYear"] == str(YEAR)
