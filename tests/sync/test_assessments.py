"""Applying staged assessment results: persons by state, local or hub id, per-record
problems, idempotent re-applies, tombstones, and the vendors' files end to end."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from interop_hub.connectors.assessments import IReadyConnector, NweaMapConnector, StarConnector
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.mapping.targets import ASSESSMENT_RESULTS
from interop_hub.models import AssessmentResult, Crosswalk
from interop_hub.sync.assessments import AssessmentApplyResult, apply_assessment_results
from interop_hub.sync.extract import stage
from interop_hub.sync.oneroster_csv import import_package
from tests.connectors.assessments.samples import (
    IREADY_MATH_HEADER,
    NWEA_HEADER,
    STAR_HEADER,
    iready_row,
    nwea_row,
    star_row,
    write_csv,
)

SOURCE = "nwea-map:test"
NOW = datetime(2025, 1, 20, 8, 0, tzinfo=UTC)
LATER = datetime(2025, 2, 20, 8, 0, tzinfo=UTC)

# The roster: students with a State and a SIS id (userIds) and an identifier; a student
# without a state id; two students sharing one local id; a teacher whose identifier looks
# like a student number; a student who has left (tobedeleted).
_ORGS = [
    ["org-d", "active", "", "Apple Grove Unified", "district", "8080", ""],
    ["org-hs", "active", "", "Redwood High School", "school", "0300", "org-d"],
    ["org-ms", "active", "", "Cedar Middle School", "school", "0310", "org-d"],
]
_PEOPLE = [
    # sourcedId, status, userIds, given, family, identifier, role, org
    ("stu-1", "active", "{SIS:100001},{State:9000000001}", "Ava", "Lopez", "100001", "student",
     "org-hs"),
    ("stu-2", "active", "{SIS:100002},{State:9000000002}", "Ben", "Kim", "100002", "student",
     "org-hs"),
    ("stu-3", "active", "{SIS:100003}", "Cara", "Diaz", "100003", "student", "org-ms"),
    ("stu-4", "active", "{State:9000000004}", "Dan", "Ng", "100050", "student", "org-ms"),
    ("stu-5", "active", "{State:9000000005}", "Eve", "Ng", "100050", "student", "org-ms"),
    ("tch-1", "active", "{SIS:T100006}", "Fay", "Ross", "100006", "teacher", "org-hs"),
    ("stu-7", "tobedeleted", "{State:9000000007}", "Gus", "Orr", "100007", "student",
     "org-hs"),
]  # fmt: skip
_USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,"
    "primaryOrgSourcedId,pronouns"
).split(",")


def _write(path: Path, rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


@pytest.fixture
def roster(db_engine: Engine, tmp_path: Path) -> Engine:
    """The store with the roster above imported from a OneRoster 1.2 package."""
    pkg = tmp_path / "roster"
    pkg.mkdir()
    files = {"orgs": "bulk", "users": "bulk", "roles": "bulk"}
    _write(
        pkg / "manifest.csv",
        [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", "1.2"]]
        + [[f"file.{name}", mode] for name, mode in files.items()],
    )
    _write(pkg / "orgs.csv", [
        ["sourcedId", "status", "dateLastModified", "name", "type", "identifier",
         "parentSourcedId"], *_ORGS])  # fmt: skip
    users = [_USERS_HEADER]
    roles = [["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role",
              "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"]]  # fmt: skip
    for sid, status, ids, given, family, ident, role, org in _PEOPLE:
        user = dict.fromkeys(_USERS_HEADER, "")
        user |= {"sourcedId": sid, "status": status, "enabledUser": "true", "userIds": ids,
                 "givenName": given, "familyName": family, "identifier": ident,
                 "primaryOrgSourcedId": org}  # fmt: skip
        users.append([user[h] for h in _USERS_HEADER])
        roles.append([f"rol-{sid}", status, "", sid, "primary", role, "", "", org, ""])
    _write(pkg / "users.csv", users)
    _write(pkg / "roles.csv", roles)
    result = import_package(db_engine, pkg, source="oneroster-csv:test")
    assert result.report.error_count == 0, result.report.render()
    return db_engine


def staged_file(folder: Path, rows: list[dict[str, str]]) -> Path:
    """A staged assessmentResults.csv written by hand (for the apply step's own rules)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "assessmentResults.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(ASSESSMENT_RESULTS)
        for row in rows:
            writer.writerow([row.get(c, "") for c in ASSESSMENT_RESULTS])
    return path


def result_row(key: str, **cells: str) -> dict[str, str]:
    return {
        "sourcedId": key,
        "status": "active",
        "assessmentIdentifier": "MAP Growth Mathematics",
        "assessmentNamespace": "uri://nwea.org/map-growth",
        "administrationDate": "2024-10-12",
        "scores": '[{"assessmentReportingMethod":"RIT scale score","result":"230",'
        '"resultDatatypeType":"Integer"}]',
    } | cells


def apply(
    engine: Engine,
    path: Path,
    *,
    version: int = 1,
    bulk: bool = True,
    now: datetime = NOW,
    source: str = SOURCE,
) -> AssessmentApplyResult:
    with engine.begin() as conn:
        return apply_assessment_results(
            conn, path, source=source, change_version=version, now=now, bulk=bulk
        )


def results_by_user(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Stored results by the person's hub id, oldest administration first."""
    found: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(AssessmentResult).order_by(AssessmentResult.administration_date)
        ).all()
    for (row,) in ((r,) for r in rows):
        found.setdefault(row.user_id, []).append(dict(row._mapping))
    return found


def all_results(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(AssessmentResult)).all())


def reasons(result: AssessmentApplyResult) -> dict[int, str]:
    return {p["line"]: p["reason"] for p in result.problems}


# The apply step's rules.


def test_persons_are_found_by_state_local_or_hub_id_and_never_guessed(
    roster: Engine, tmp_path: Path
) -> None:
    path = staged_file(tmp_path, [
        result_row("r-state", studentStateId="9000000001"),                       # line 2
        result_row("r-local", studentLocalId="100003"),                           # line 3
        result_row("r-hub", studentSourcedId="stu-2"),                            # line 4
        result_row("r-both", studentStateId="9000000002", studentLocalId="100002"),  # 5
        result_row("r-unknown", studentStateId="9000000099"),                     # line 6
        result_row("r-unknown2", studentStateId="9000000098", studentLocalId="999"),  # 7
        result_row("r-ambiguous", studentLocalId="100050"),                       # line 8
        result_row("r-teacher", studentLocalId="100006"),                         # line 9
        result_row("r-left", studentStateId="9000000007"),                        # line 10
        result_row("r-conflict", studentStateId="9000000001", studentLocalId="100002"),  # 11
        result_row("r-other-state", studentStateId="9000000077", studentLocalId="100002"),  # 12
        result_row("r-no-state-held", studentStateId="9000000003", studentLocalId="100003"),
    ])  # fmt: skip

    result = apply(roster, path)

    assert (result.rows, result.added, result.updated, result.tombstoned) == (12, 5, 0, 0)
    stored = {uid: [r["assessment_identifier"] for r in rows]
              for uid, rows in results_by_user(roster).items()}  # fmt: skip
    assert {uid: len(rows) for uid, rows in stored.items()} == {"stu-1": 1, "stu-2": 2, "stu-3": 2}
    assert reasons(result) == {
        6: "no active student with state id 9000000099",
        7: "no active student with state id 9000000098 or local id 999",
        8: "ambiguous: 2 persons have local id 100050; the result is not matched to either "
        "(never guessed)",
        9: "no active student with local id 100006",
        10: "no active student with state id 9000000007",
        11: "state id 9000000001 and local id 100002 identify different persons",
        12: "the person with local id 100002 has state id 9000000002, not 9000000077",
    }
    assert result.problems[0] == {
        "file": "assessmentResults.csv",
        "line": 6,
        "sourcedId": "r-unknown",
        "reason": "no active student with state id 9000000099",
    }
    assert result.problem_count == 7


def test_stored_result_has_the_ed_fi_projection_shape(roster: Engine, tmp_path: Path) -> None:
    path = staged_file(tmp_path, [
        result_row(
            "720794822", studentStateId="9000000001", schoolSourcedId="0300",
            scores='[{"assessmentReportingMethod":"RIT scale score","result":"230",'
            '"resultDatatypeType":"Integer"},{"assessmentReportingMethod":"Lexile Measure",'
            '"resultDatatypeType":"Level"}]',
            performanceLevels='[{"assessmentReportingMethod":"State benchmark category",'
            '"performanceLevel":"Level 3","performanceLevelMet":"true"},'
            '{"assessmentReportingMethod":"Achievement quintile"}]',
        ),
        result_row("720794823", studentStateId="9000000002", schoolSourcedId="org-ms",
                   administrationDate="", scores="", performanceLevels=""),
        result_row("720794824", studentStateId="9000000002", schoolSourcedId="9999"),
    ])  # fmt: skip

    result = apply(roster, path)

    assert result.added == 3
    by_user = results_by_user(roster)
    (first,) = by_user["stu-1"]
    assert uuid.UUID(first["sourced_id"])  # minted, not the vendor's key
    assert first["user_id"] == "stu-1"
    assert first["assessment_identifier"] == "MAP Growth Mathematics"
    assert first["assessment_namespace"] == "uri://nwea.org/map-growth"
    assert first["administration_date"] == date(2024, 10, 12)
    assert first["school_id"] == "org-hs"  # the school whose identifier is 0300
    assert first["scores"] == [{"method": "RIT scale score", "datatype": "Integer",
                                "result": "230"}]  # fmt: skip
    assert first["performance_levels"] == [
        {"method": "State benchmark category", "level": "Level 3", "met": True}
    ]
    assert (first["status"], first["change_version"], first["source"]) == ("active", 1, SOURCE)
    assert first["date_last_modified"] == NOW
    assert len(first["row_hash"]) == 64
    second, third = sorted(by_user["stu-2"], key=lambda r: r["school_id"] or "")
    assert third["school_id"] == "org-ms"  # a hub sourcedId
    assert third["scores"] is None
    assert third["performance_levels"] is None
    assert third["administration_date"] is None
    assert second["school_id"] is None  # no school with that id: kept without one
    with roster.connect() as conn:
        walked = conn.execute(
            select(Crosswalk.source_key, Crosswalk.hub_id).where(
                Crosswalk.entity_type == "assessmentResult", Crosswalk.source == SOURCE
            )
        ).all()
    assert {k: h for k, h in walked}["720794822"] == first["sourced_id"]


def test_reapplying_the_same_file_changes_nothing(roster: Engine, tmp_path: Path) -> None:
    path = staged_file(tmp_path, [
        result_row("a", studentStateId="9000000001"),
        result_row("b", studentLocalId="100003"),
        result_row("c", studentLocalId="100050"),  # ambiguous: a problem each time
    ])  # fmt: skip
    first = apply(roster, path, version=1)
    before = sorted(tuple(r) for r in all_results(roster))

    again = apply(roster, path, version=2, now=LATER)

    assert (first.added, again.added, again.updated, again.tombstoned) == (2, 0, 0, 0)
    assert again.unchanged == 2
    assert again.changed == 0
    assert len(again.problems) == 1
    assert sorted(tuple(r) for r in all_results(roster)) == before


def test_changes_are_written_and_stamped_and_absent_results_tombstoned(
    roster: Engine, tmp_path: Path
) -> None:
    apply(roster, staged_file(tmp_path / "1", [
        result_row("a", studentStateId="9000000001"),
        result_row("b", studentLocalId="100003"),
        result_row("c", studentSourcedId="stu-2"),
    ]), version=1)  # fmt: skip
    ids = {r.user_id: r.sourced_id for r in all_results(roster)}

    second = apply(roster, staged_file(tmp_path / "2", [
        result_row("a", studentStateId="9000000001", administrationDate="2024-10-13"),
        result_row("c", studentSourcedId="stu-2"),
    ]), version=2, now=LATER)  # fmt: skip

    assert (second.added, second.updated, second.unchanged, second.tombstoned) == (0, 1, 1, 1)
    rows = {r.user_id: r for r in all_results(roster)}
    assert {u: r.sourced_id for u, r in rows.items()} == ids  # ids are stable
    assert rows["stu-1"].administration_date == date(2024, 10, 13)
    assert (rows["stu-1"].change_version, rows["stu-1"].date_last_modified) == (2, LATER)
    assert (rows["stu-3"].status, rows["stu-3"].change_version) == ("tobedeleted", 2)
    assert (rows["stu-2"].status, rows["stu-2"].change_version) == ("active", 1)

    # The result comes back in a later export: revived, same id.
    third = apply(roster, staged_file(tmp_path / "3", [
        result_row("b", studentLocalId="100003"),
    ]), version=3, bulk=False)  # fmt: skip
    assert (third.added, third.updated, third.tombstoned) == (0, 1, 0)
    revived = next(r for r in all_results(roster) if r.user_id == "stu-3")
    assert (revived.status, revived.sourced_id) == ("active", ids["stu-3"])
    assert len(all_results(roster)) == 3  # nothing is ever hard-deleted


def test_a_delta_apply_keeps_absent_results_and_tombstones_listed_ones(
    roster: Engine, tmp_path: Path
) -> None:
    apply(roster, staged_file(tmp_path / "1", [
        result_row("a", studentStateId="9000000001"),
        result_row("b", studentLocalId="100003"),
    ]), version=1)  # fmt: skip

    delta = apply(roster, staged_file(tmp_path / "2", [
        result_row("b", status="tobedeleted"),
        result_row("never-seen", status="tobedeleted"),
    ]), version=2, bulk=False)  # fmt: skip

    assert (delta.added, delta.updated, delta.tombstoned, delta.problems) == (0, 0, 1, [])
    status = {r.user_id: (r.status, r.change_version) for r in all_results(roster)}
    assert status == {"stu-1": ("active", 1), "stu-3": ("tobedeleted", 2)}


def test_a_result_whose_student_is_no_longer_found_is_kept(roster: Engine, tmp_path: Path) -> None:
    apply(roster, staged_file(tmp_path / "1", [result_row("a", studentLocalId="100003")]))
    later = apply(roster, staged_file(tmp_path / "2", [
        result_row("a", studentLocalId="100099"),
    ]), version=2)  # fmt: skip
    assert (later.updated, later.tombstoned) == (0, 0)
    assert reasons(later) == {2: "no active student with local id 100099"}
    (row,) = all_results(roster)
    assert (row.user_id, row.status, row.change_version) == ("stu-3", "active", 1)


def test_bulk_tombstones_only_this_sources_results(roster: Engine, tmp_path: Path) -> None:
    apply(roster, staged_file(tmp_path / "1", [result_row("a", studentLocalId="100003")]),
          source="iready:test")  # fmt: skip
    other = apply(roster, staged_file(tmp_path / "2", [result_row("a", studentLocalId="100001")]),
                  version=2)  # fmt: skip
    assert (other.added, other.tombstoned) == (1, 0)
    assert {(r.user_id, r.status, r.source) for r in all_results(roster)} == {
        ("stu-3", "active", "iready:test"),
        ("stu-1", "active", SOURCE),
    }


def test_bad_rows_are_problems_with_their_line_and_nothing_else_is_held_back(
    roster: Engine, tmp_path: Path
) -> None:
    path = staged_file(tmp_path, [
        result_row("ok", studentLocalId="100001"),                                   # 2
        result_row("", studentLocalId="100001"),                                     # 3
        result_row("bad-date", studentLocalId="100001", administrationDate="10/12/2024"),
        result_row("bad-json", studentLocalId="100001", scores="[{broken"),          # 5
        result_row("no-name", studentLocalId="100001", assessmentIdentifier=""),     # 6
        result_row("no-student"),                                                    # 7
        result_row("ok", studentLocalId="100001", administrationDate="2024-10-15"),  # 8
        result_row("ok", studentLocalId="100001"),                                   # 9
        result_row("bad-status", studentLocalId="100001", status="deleted"),         # 10
    ])  # fmt: skip

    result = apply(roster, path)

    assert result.added == 1
    found = reasons(result)
    assert found[3] == "sourcedId is empty: the row has no result key"
    assert found[4] == "administrationDate '10/12/2024' is not a YYYY-MM-DD date"
    assert found[5].startswith("scores is not valid: ")
    assert found[6] == "assessmentIdentifier is empty"
    assert found[7] == (
        "no student id: studentStateId, studentLocalId and studentSourcedId are empty"
    )
    assert found[8] == "sourcedId 'ok' is also on line 2 with different content; line 2 was kept"
    assert 9 not in found  # an identical repeat (overlapping exports) is not a problem
    assert found[10] == "status 'deleted' is not active or tobedeleted"
    (row,) = all_results(roster)
    assert row.administration_date == date(2024, 10, 12)


def test_a_file_that_is_not_a_staged_results_file_is_refused(
    roster: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "assessmentResults.csv"
    path.write_text("TermName,StudentID\r\nFall,1\r\n")
    with pytest.raises(ValueError, match="not a staged assessmentResults file"):
        apply(roster, path)


# The vendors' files, staged by their connectors and mappings, then applied.


def stage_and_apply(
    engine: Engine, connector: Any, folder: Path, *, version: int = 1
) -> AssessmentApplyResult:
    staged = stage(connector, folder, ExtractContext())
    return apply(
        engine,
        staged.folder / "assessmentResults.csv",
        version=version,
        source=f"{connector.kind}:test",
    )


def test_nwea_cdf_end_to_end(roster: Engine, tmp_path: Path) -> None:
    export = tmp_path / "drop" / "AssessmentResults.csv"
    rows = [
        nwea_row(StudentID="100001", Student_StateID="9000000001", TestID="720794822",
                 TestStartDate="10/12/2024", TestRITScore="230", TestPercentile="51"),
        nwea_row(StudentID="100003", School_StateID="0310", Subject="Language Arts",
                 Course="Reading", TestID="720271524", TestStartDate="10/14/2024",
                 TestRITScore="215", LexileScore="980L"),
        nwea_row(StudentID="555555", TestID="720271525", TestStartDate="10/14/2024",
                 TestRITScore="201"),
    ]  # fmt: skip
    write_csv(export, NWEA_HEADER, rows)
    connector = NweaMapConnector(NweaMapConnector.config_model(path=str(export.parent)))

    result = stage_and_apply(roster, connector, tmp_path / "run1")

    assert (result.rows, result.added) == (3, 2)
    assert result.problems == [{
        "file": "assessmentResults.csv", "line": 4, "sourcedId": "720271525",
        "reason": "no active student with local id 555555", "origin": "results StudentID=555555",
    }]  # fmt: skip
    by_user = results_by_user(roster)
    (ava,) = by_user["stu-1"]
    assert ava["school_id"] == "org-hs"
    assert ava["scores"] == [
        {"method": "RIT scale score", "datatype": "Integer", "result": "230"},
        {"method": "Standard error measurement", "datatype": "Decimal", "result": "3.1"},
        {"method": "Percentile", "datatype": "Percentile", "result": "51"},
    ]
    assert ava["performance_levels"] == [
        {"method": "Achievement quintile", "level": "Avg", "met": None},
        {"method": "ACT College Readiness", "level": "Not On Track", "met": None},
    ]
    (cara,) = by_user["stu-3"]
    assert (cara["assessment_identifier"], cara["school_id"]) == ("MAP Growth Reading", "org-ms")

    # Next window's export: one score corrected, one test gone.
    rows[0]["TestRITScore"] = "231"
    write_csv(export, NWEA_HEADER, rows[:1])
    again = stage_and_apply(roster, connector, tmp_path / "run2", version=2)
    assert (again.added, again.updated, again.tombstoned) == (0, 1, 1)
    status = {r.user_id: r.status for r in all_results(roster)}
    assert status == {"stu-1": "active", "stu-3": "tobedeleted"}


def test_star_end_to_end_with_deactivated_tests(roster: Engine, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    rows = [
        star_row(AssessmentID="a-1", StudentSourcedID="stu-2", CompletedDate="2024-09-12",
                 ScaledScore="1012"),
        star_row(AssessmentID="a-2", StudentIdentifier="100001", StudentStateID="9000000001",
                 CompletedDate="2024-09-13", ScaledScore="950"),
    ]  # fmt: skip
    write_csv(drop / "SR_v2.csv", STAR_HEADER, rows)
    connector = StarConnector(StarConnector.config_model(path=str(drop)))
    first = stage_and_apply(roster, connector, tmp_path / "run1")
    assert (first.added, first.problems) == (2, [])

    rows[1]["DeactivationReason"] = "Retest"
    write_csv(drop / "SR_v2.csv", STAR_HEADER, rows)
    second = stage_and_apply(roster, connector, tmp_path / "run2", version=2)

    assert (second.added, second.updated, second.tombstoned) == (0, 0, 1)
    assert {(r.user_id, r.status) for r in all_results(roster)} == {
        ("stu-2", "active"),
        ("stu-1", "tobedeleted"),
    }


def test_iready_end_to_end_ids_are_stable_and_carry_no_student_number(
    roster: Engine, tmp_path: Path
) -> None:
    export = tmp_path / "drop" / "diagnostic_results_math.csv"
    rows = [
        iready_row(**{"Student ID": "100002", "Start Date": "8/12/2024",
                      "Completion Date": "8/13/2024", "Overall Scale Score": "503",
                      "Overall Placement": "Grade 8", "Percentile": ""}),
    ]  # fmt: skip
    write_csv(export, IREADY_MATH_HEADER, rows)
    connector = IReadyConnector(IReadyConnector.config_model(path=str(export)))

    first = stage_and_apply(roster, connector, tmp_path / "run1")
    second = stage_and_apply(roster, connector, tmp_path / "run2", version=2)

    assert (first.added, second.added, second.updated, second.unchanged) == (1, 0, 0, 1)
    (row,) = all_results(roster)
    assert row.user_id == "stu-2"
    assert "100002" not in row.sourced_id
    assert row.scores == [{"method": "Scale score", "datatype": "Integer", "result": "503"}]
    assert row.performance_levels == [{"method": "Overall Placement", "level": "Grade 8",
                                       "met": None}]  # fmt: skip
    with roster.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Crosswalk).where(
            Crosswalk.entity_type == "assessmentResult")).scalar_one() == 1  # fmt: skip
