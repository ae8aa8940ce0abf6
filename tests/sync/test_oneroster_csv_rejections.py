"""Malformed variants of the shared sets are rejected whole, with precise findings, and
leave the store exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from interop_hub.core.errors import ImportRejected
from interop_hub.models import SyncRun
from interop_hub.sync.oneroster_csv import PackageRejected, import_package
from tests.sync.packages import copy_set, edit, read_rows, snapshot, write_rows

V11, V12 = "moodle_v1p1_full", "moodle_v1p2_datagen_delta"
Mutation = Callable[[Path], None]


def drop_column(file: str, column: str) -> Mutation:
    def mutate(pkg: Path) -> None:
        rows = read_rows(pkg / file)
        i = rows[0].index(column)
        write_rows(pkg / file, [r[:i] + r[i + 1 :] for r in rows])

    return mutate


def set_cell(file: str, line: int, column: str, value: str) -> Mutation:
    return lambda pkg: edit(pkg / file, line, column, value)


def duplicate_row(file: str, line: int) -> Mutation:
    def mutate(pkg: Path) -> None:
        rows = read_rows(pkg / file)
        write_rows(pkg / file, [*rows, rows[line - 1]])

    return mutate


def append_text(file: str, text: str) -> Mutation:
    def mutate(pkg: Path) -> None:
        with (pkg / file).open("a", encoding="utf-8", newline="") as fh:
            fh.write(text)

    return mutate


def delete(file: str) -> Mutation:
    return lambda pkg: (pkg / file).unlink()


def add_courses(pkg: Path) -> None:
    write_rows(pkg / "courses.csv", [["sourcedId", "status", "dateLastModified", "title"]])


CASES: list[tuple[str, str, Mutation, tuple[str, int | None, str | None, str]]] = [
    ("bad enum", V12, set_cell("orgs.csv", 2, "type", "campus"),
     ("orgs.csv", 2, "type", "not one of department, district")),
    ("bad date", V11, set_cell("academicSessions.csv", 3, "startDate", "2022-09-31"),
     ("academicSessions.csv", 3, "startDate", "not a valid calendar date")),
    ("bad date format", V12, set_cell("academicSessions.csv", 2, "endDate", "26/01/2024"),
     ("academicSessions.csv", 2, "endDate", "not a date in YYYY-MM-DD form")),
    ("bad date-time", V12, set_cell("users.csv", 2, "dateLastModified", "02/10/2023"),
     ("users.csv", 2, "dateLastModified", "not an ISO 8601 date-time")),
    ("missing required column", V11, drop_column("classes.csv", "title"),
     ("classes.csv", 1, "title", "required column is missing from the header")),
    ("missing required field", V11, set_cell("users.csv", 3, "givenName", ""),
     ("users.csv", 3, "givenName", "required value is blank")),
    ("missing 1.1 orgs", V11, set_cell("users.csv", 4, "orgSourcedIds", ""),
     ("users.csv", 4, "orgSourcedIds", "at least one sourcedId is required")),
    ("dangling reference into a bulk file", V11,
     set_cell("enrollments.csv", 4, "userSourcedId", "usr-nobody"),
     ("enrollments.csv", 4, "userSourcedId", "user not found in users.csv")),
    ("dangling class term", V11, set_cell("classes.csv", 3, "termSourcedIds", "as-trm-222-1234,x"),
     ("classes.csv", 3, "termSourcedIds", "academic session not found in academicSessions.csv")),
    ("dangling reference into a delta file", V12,
     set_cell("enrollments.csv", 2, "classSourcedId", "CLASS_X"),
     ("enrollments.csv", 2, "classSourcedId", "class not found in classes.csv nor held by")),
    ("bad manifest version", V12, set_cell("manifest.csv", 3, "value", "9.9"),
     ("manifest.csv", 3, "value", "unsupported oneroster.version")),
    ("bad manifest mode", V12, set_cell("manifest.csv", 4, "value", "full"),
     ("manifest.csv", 4, "value", "file mode must be bulk, delta or absent")),
    ("bulk file missing", V11, delete("orgs.csv"),
     ("manifest.csv", 13, "value", "file.orgs is bulk but orgs.csv is not in the package")),
    ("absent file present", V11, add_courses,
     ("manifest.csv", 8, "value", "file.courses is absent but courses.csv is in the package")),
    ("no manifest", V12, delete("manifest.csv"),
     ("manifest.csv", None, None, "the package has no manifest.csv")),
    ("delta row without status", V12, set_cell("users.csv", 2, "status", ""),
     ("users.csv", 2, "status", "status is required in a delta file")),
    ("bad status", V11, set_cell("orgs.csv", 2, "status", "deleted"),
     ("orgs.csv", 2, "status", "not one of active, tobedeleted")),
    ("duplicate sourcedId", V11, duplicate_row("enrollments.csv", 3),
     ("enrollments.csv", 8, "sourcedId", "duplicate sourcedId (first on line 3)")),
    ("bad boolean", V11, set_cell("users.csv", 2, "enabledUser", "yes"),
     ("users.csv", 2, "enabledUser", "not a boolean")),
    ("bad userIds", V11, set_cell("users.csv", 3, "userIds", "LDAP:12"),
     ("users.csv", 3, "userIds", "{type:identifier}")),
    ("bad schoolYear", V12, set_cell("academicSessions.csv", 2, "schoolYear", "23"),
     ("academicSessions.csv", 2, "schoolYear", "4-digit year")),
    ("bad role", V12, set_cell("roles.csv", 2, "role", "principle"),
     ("roles.csv", 2, "role", "not one of aide, counselor")),
    ("bad roleType (not extensible)", V12, set_cell("roles.csv", 2, "roleType", "ext:main"),
     ("roles.csv", 2, "roleType", "not one of primary, secondary")),
    ("extra cells", V12, set_cell("orgs.csv", 2, "parentSourcedId", ""),  # replaced below
     ("orgs.csv", 3, None, "record has 8 cells but the header has 7")),
    ("malformed quoting", V11, append_text("orgs.csv", '\r\norg-2,"active"x,,n,school,,\r\n'),
     ("orgs.csv", 3, None, "malformed CSV")),
]  # fmt: skip
# "extra cells": a record with one cell too many.
CASES[-2] = (CASES[-2][0], V12, append_text("orgs.csv", "ORG_2,active,,X,school,,,extra\r\n"),
             CASES[-2][3])  # fmt: skip


@pytest.fixture
def baseline(db_engine: Engine, tmp_path: Path) -> Engine:
    """A store holding data from another source, so 'unchanged' is a real check."""
    import_package(db_engine, copy_set(V11, tmp_path, "baseline"), source="baseline")
    return db_engine


@pytest.mark.parametrize(("set_name", "mutate", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_malformed_package_is_rejected_precisely(
    baseline: Engine,
    tmp_path: Path,
    set_name: str,
    mutate: Mutation,
    expected: tuple[str, int | None, str | None, str],
) -> None:
    pkg = copy_set(set_name, tmp_path)
    mutate(pkg)
    before = snapshot(baseline)

    with pytest.raises(PackageRejected) as info:
        import_package(baseline, pkg, source="broken")

    file, line, column, reason = expected
    errors = [(p.file, p.line, p.column, p.reason) for p in info.value.report.errors]
    assert any((f, ln, col) == (file, line, column) and reason in r for f, ln, col, r in errors), (
        f"expected {expected} in {errors}"
    )
    assert isinstance(info.value, ImportRejected)
    assert info.value.problems  # the structured list travels with the exception
    assert snapshot(baseline) == before  # nothing applied, crosswalk included
    with baseline.connect() as conn:
        run = conn.execute(select(SyncRun).where(SyncRun.id == info.value.run_id)).one()
    assert run.state == "rejected"
    assert any(p["file"] == file and p["line"] == line for p in run.report)


def test_every_error_is_reported_not_just_the_first(baseline: Engine, tmp_path: Path) -> None:
    pkg = copy_set(V11, tmp_path)
    edit(pkg / "orgs.csv", 2, "type", "campus")
    edit(pkg / "users.csv", 3, "givenName", "")
    edit(pkg / "users.csv", 5, "enabledUser", "maybe")
    edit(pkg / "enrollments.csv", 7, "userSourcedId", "ghost")
    with pytest.raises(PackageRejected) as info:
        import_package(baseline, pkg)
    report = info.value.report
    assert report.error_count == 4
    assert {(p.file, p.line, p.column) for p in report.errors} == {
        ("orgs.csv", 2, "type"),
        ("users.csv", 3, "givenName"),
        ("users.csv", 5, "enabledUser"),
        ("enrollments.csv", 7, "userSourcedId"),
    }
    text = report.render()
    assert "ERROR   users.csv:5:enabledUser: not a boolean (true or false) (value: 'maybe')" in text
    assert text.splitlines()[-1].startswith("4 error(s), ")


def test_report_keeps_a_bounded_number_but_counts_all(db_engine: Engine, tmp_path: Path) -> None:
    pkg = copy_set(V11, tmp_path)
    rows = read_rows(pkg / "enrollments.csv")
    bad = [[f"e{i}", "", "", "nope", "org-sch-222-456", "usr-222-123456", "student", "", "", ""]
           for i in range(40)]  # fmt: skip
    write_rows(pkg / "enrollments.csv", rows + bad)
    with pytest.raises(PackageRejected) as info:
        import_package(db_engine, pkg, max_problems=10)
    report = info.value.report
    assert report.error_count == 40
    assert len(report.errors) == 10
    assert "30 not shown" in report.render(warnings=False)
