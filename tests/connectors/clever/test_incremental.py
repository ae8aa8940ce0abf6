"""Incremental runs from Clever's events: updates, creations and deletions as a delta."""

from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from interop_hub.connectors.sdk import ExtractContext
from interop_hub.core.errors import SourceError
from interop_hub.models import Class, Course, Demographics, Enrollment, User
from interop_hub.sync.extract import stage
from tests.connectors.clever.conftest import make_connector
from tests.connectors.clever.fake import (
    ABE,
    ALG,
    ALG_P1,
    BART,
    BIO_P2,
    EDNA,
    HIGH,
    HOOVER,
    HR3,
    LISA,
    MARGE,
    MILHOUSE,
    RALPH,
    FakeClever,
    _student,
    _user,
    oid,
)
from tests.connectors.clever.store import agents, by_key, roles, run
from tests.connectors.sdk.helpers import Sleeps

NELSON = oid(45)


def staged(folder: Path, target: str) -> list[dict[str, str]]:
    with (folder / f"{target}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def a_week_at_clever(clever: FakeClever) -> None:
    """What a district changes in a week, as Clever's events tell it."""
    bart = clever.user(BART)
    bart["name"]["first"] = "Bartholomew"
    clever.add_event("users.updated", bart, previous_attributes={"name": {"first": "Bart"}})

    ralph = clever.user(RALPH)
    clever.users.remove(ralph)
    clever.add_event("users.deleted", ralph)

    algebra = clever.section(ALG_P1)
    algebra["students"] = [BART]
    clever.add_event("sections.updated", algebra, previous_attributes={"students": [BART, LISA]})

    nelson = _user(NELSON, "Nelson", "Muntz", None, student=_student(HIGH, "1005"))
    clever.users.append(nelson)
    clever.add_event("users.created", nelson)
    biology = clever.section(BIO_P2)
    biology["students"] = [BART, MILHOUSE, NELSON]
    clever.add_event(
        "sections.updated", biology, previous_attributes={"students": [BART, MILHOUSE]}
    )

    edna = clever.user(EDNA)
    staff = edna["roles"].pop("staff")
    clever.add_event("users.updated", edna, previous_attributes={"roles": {"staff": staff}})

    homeroom = clever.section(HR3)
    clever.sections.remove(homeroom)
    clever.add_event("sections.deleted", homeroom)

    clever.add_event("resources.created", {"id": oid(500), "title": "Reading app"})

    nelson["roles"]["student"]["grade"] = "10"
    clever.add_event(
        "users.updated", nelson, previous_attributes={"roles": {"student": {"grade": "9"}}}
    )

    course = next(c for c in clever.courses if c["id"] == ALG)
    course["name"] = "Algebra 1"
    clever.add_event("courses.updated", course, previous_attributes={"name": "Algebra I"})


def test_incremental_run_applies_updates_creations_and_deletions(
    tmp_path: Path, db_engine: Engine, clever: FakeClever
) -> None:
    full, _ = run(tmp_path, db_engine)
    mark = full.bookmarks["events"]
    before = by_key(db_engine, User, "user")
    a_week_at_clever(clever)
    for route in clever.routes.values():
        route.reset()

    delta, imported = run(
        tmp_path, db_engine, "delta", mode="incremental", bookmarks=full.bookmarks
    )

    # Only the events after the bookmark were read, after checking the bookmark exists.
    assert clever.routes["event"].calls[0].request.url.path.endswith(f"/events/{mark}")
    first = clever.routes["events"].calls[0].request.url.params
    assert (first["starting_after"], first["limit"]) == (mark, "2")
    assert clever.routes["users"].call_count == 0
    assert clever.routes["sections"].call_count == 0
    assert delta.bookmarks == {"events": clever.newest_event}
    folder = delta.folder
    assert "file.users,delta" in (folder / "manifest.csv").read_text()

    # Each record once, however many events it had (Nelson: created, then updated).
    assert {(u["sourcedId"], u["status"]) for u in staged(folder, "users")} == {
        (BART, "active"),
        (RALPH, "tobedeleted"),
        (NELSON, "active"),
        (EDNA, "active"),
    }
    assert imported.state == "applied"

    users = by_key(db_engine, User, "user")
    assert users[BART].given_name == "Bartholomew"
    assert users[BART].sourced_id == before[BART].sourced_id
    assert users[RALPH].status == "tobedeleted"
    assert (users[NELSON].given_name, users[NELSON].grades, users[NELSON].status) == (
        "Nelson",
        ["10"],
        "active",
    )
    held = roles(db_engine)
    assert (NELSON, HIGH, "student", "primary") in held
    assert not any(r[0] == RALPH for r in held)  # a deleted user's roles go with it
    assert {r for r in held if r[0] == EDNA} == {(EDNA, HIGH, "teacher", "primary")}
    demographics = by_key(db_engine, Demographics, "user")
    assert demographics[RALPH].status == "tobedeleted"
    assert demographics[NELSON].status == "active"
    assert demographics[BART].status == "active"

    enrollments = by_key(db_engine, Enrollment, "enrollment")
    assert enrollments[f"{ALG_P1}:{LISA}"].status == "tobedeleted"  # left Algebra
    assert enrollments[f"{ALG_P1}:{BART}"].status == "active"
    assert enrollments[f"{BIO_P2}:{NELSON}"].status == "active"
    assert enrollments[f"{BIO_P2}:{HOOVER}"].status == "active"
    # The deleted homeroom: the class, its roster and its stand-in course.
    assert by_key(db_engine, Class, "class")[HR3].status == "tobedeleted"
    assert enrollments[f"{HR3}:{LISA}"].status == "tobedeleted"
    assert enrollments[f"{HR3}:{HOOVER}"].status == "tobedeleted"
    courses = by_key(db_engine, Course, "course")
    assert courses[f"section:{HR3}"].status == "tobedeleted"
    assert courses[ALG].title == "Algebra 1"

    # A changed student's guardians were looked up (Bart, Nelson), so they stay linked.
    assert agents(db_engine)[BART] == [MARGE, ABE]
    looked_up = {c.request.url.path.split("/")[-2] for c in clever.routes["mycontacts"].calls}
    assert looked_up == {BART, NELSON}


def test_people_joining_a_section_are_enrolled_only_when_rostered(
    tmp_path: Path, db_engine: Engine, clever: FakeClever
) -> None:
    full, _ = run(tmp_path, db_engine)
    algebra = clever.section(ALG_P1)
    # Ralph is rostered; Milhouse's school is not shared; the third id is unknown to Clever.
    algebra["students"] = [BART, LISA, RALPH, MILHOUSE, oid(49)]
    algebra["teacher"] = HOOVER
    algebra["teachers"] = [HOOVER, EDNA]
    clever.add_event(
        "sections.updated",
        algebra,
        previous_attributes={"students": [BART, LISA], "teacher": EDNA, "teachers": [EDNA]},
    )

    delta, _ = run(tmp_path, db_engine, "delta", mode="incremental", bookmarks=full.bookmarks)

    rows = {
        (e["userSourcedId"], e["role"], e["primary"]) for e in staged(delta.folder, "enrollments")
    }
    # Only what changed: the new students and both teachers (the primary one changed).
    assert rows == {
        (RALPH, "student", "false"),
        (HOOVER, "teacher", "true"),
        (EDNA, "teacher", "false"),
    }
    looked_up = sorted(c.request.url.path.rsplit("/", 1)[-1] for c in clever.routes["user"].calls)
    assert looked_up == sorted([HOOVER, RALPH, MILHOUSE, oid(49), EDNA])
    enrollments = by_key(db_engine, Enrollment, "enrollment")
    assert enrollments[f"{ALG_P1}:{RALPH}"].status == "active"
    assert enrollments[f"{ALG_P1}:{EDNA}"].primary is False
    assert enrollments[f"{ALG_P1}:{HOOVER}"].primary is True
    assert f"{ALG_P1}:{MILHOUSE}" not in enrollments


def test_the_events_connector_reports_what_it_did_not_sync(
    tmp_path: Path, clever: FakeClever
) -> None:
    bookmark = clever.newest_event
    a_week_at_clever(clever)
    connector = make_connector(Sleeps())
    stage(connector, tmp_path, ExtractContext(mode="incremental", bookmarks={"events": bookmark}))
    assert connector.ignored_events == {"resources.created": 1}


def test_an_empty_window_changes_nothing_and_keeps_the_bookmark(
    tmp_path: Path, db_engine: Engine, clever: FakeClever
) -> None:
    full, _ = run(tmp_path, db_engine)
    delta, imported = run(
        tmp_path, db_engine, "delta", mode="incremental", bookmarks=full.bookmarks
    )
    assert delta.bookmarks == full.bookmarks
    assert sum(delta.rows.values()) == 0
    assert not imported.changed


def test_a_record_created_and_deleted_within_the_window_is_a_tombstone(
    tmp_path: Path, db_engine: Engine, clever: FakeClever
) -> None:
    full, _ = run(tmp_path, db_engine)
    temp = _user(oid(46), "Jimbo", "Jones", None, student=_student(HIGH, "1006"))
    clever.add_event("users.created", temp)
    clever.add_event("users.updated", temp, previous_attributes={"email": None})
    clever.add_event("users.deleted", temp)

    delta, imported = run(
        tmp_path, db_engine, "delta", mode="incremental", bookmarks=full.bookmarks
    )

    assert [(u["sourcedId"], u["status"]) for u in staged(delta.folder, "users")] == [
        (oid(46), "tobedeleted")
    ]
    assert oid(46) not in by_key(db_engine, User, "user")
    assert any("does not hold" in p.reason for p in imported.report.warnings)


def test_an_incremental_run_without_a_bookmark_reads_everything(
    tmp_path: Path, db_engine: Engine, clever: FakeClever
) -> None:
    delta, imported = run(tmp_path, db_engine, mode="incremental")

    assert delta.bookmarks == {"events": clever.newest_event}
    assert "file.users,delta" in (delta.folder / "manifest.csv").read_text()
    assert imported.state == "applied"
    assert len(by_key(db_engine, User, "user")) == 9
    assert clever.routes["event"].call_count == 0


def test_a_bookmark_clever_no_longer_keeps_fails_the_run_clearly(
    tmp_path: Path, clever: FakeClever
) -> None:
    connector = make_connector(Sleeps())
    ctx = ExtractContext(mode="incremental", bookmarks={"events": oid(999)})
    with pytest.raises(SourceError, match=r"bookmark event .* kept for 30 days.*full sync"):
        stage(connector, tmp_path, ctx)
    assert clever.routes["events"].call_count == 0


def test_an_event_without_its_object_is_a_data_error(tmp_path: Path, clever: FakeClever) -> None:
    bookmark = clever.newest_event
    broken: dict[str, Any] = copy.deepcopy(clever.events[-1])
    broken["id"] = oid(1999)
    broken["data"] = {}
    clever.events.append(broken)
    connector = make_connector(Sleeps())
    ctx = ExtractContext(mode="incremental", bookmarks={"events": bookmark})
    with pytest.raises(SourceError, match=r"event .* has no data.object with an id"):
        stage(connector, tmp_path, ctx)
