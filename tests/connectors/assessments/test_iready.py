"""i-Ready Diagnostic Results exports through the connector and its mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from interop_hub.connectors.assessments import IReadyConnector
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.core.errors import SourceDataError
from tests.connectors.assessments.samples import (
    IREADY_ELA_HEADER,
    IREADY_MATH_HEADER,
    iready_row,
    write_csv,
)
from tests.connectors.assessments.staging import staged_rows, staged_via


def iready(path: Path, **config: Any) -> IReadyConnector:
    return IReadyConnector(IReadyConnector.config_model(path=str(path), **config))


def test_ela_and_math_exports_become_diagnostic_results(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    write_csv(drop / "diagnostic_results_ela_20250110104053.csv", IREADY_ELA_HEADER, [
        iready_row(**{"Student ID": "100001", "Start Date": "9/9/2024",
                      "Completion Date": "9/10/2024", "Overall Scale Score": "569",
                      "Overall Placement": "Level 5",
                      "Overall Relative Placement": "1 Grade Level Below", "Percentile": "47",
                      "Lexile Measure": "870L"}),
    ])  # fmt: skip
    write_csv(drop / "diagnostic_results_math.csv", IREADY_MATH_HEADER, [
        iready_row(**{"Student ID": "100001", "Start Date": "8/12/2024",
                      "Completion Date": "8/13/2024", "Overall Scale Score": "503",
                      "Overall Placement": "Grade 8",
                      "Overall Relative Placement": "1 Grade Level Below",
                      "Quantile Measure": "880Q"}),
        # Same student and completion day, a second Diagnostic started earlier.
        iready_row(**{"Student ID": "100001", "Start Date": "8/7/2024",
                      "Completion Date": "8/13/2024", "Overall Scale Score": "498"}),
    ])  # fmt: skip

    result = staged_via(iready(drop), tmp_path / "staged")

    assert result.records == {"results": 3}
    ela, math, math_again = staged_rows(tmp_path / "staged")
    assert ela == {
        "sourcedId": "100001|Reading|2024-09-09|2024-09-10",
        "status": "active",
        "studentLocalId": "100001",
        "assessmentIdentifier": "i-Ready Diagnostic Reading",
        "assessmentNamespace": "uri://curriculumassociates.com/i-ready",
        "administrationDate": "2024-09-10",
        "scores": [
            {"assessmentReportingMethod": "Scale score", "result": "569",
             "resultDatatypeType": "Integer"},
            {"assessmentReportingMethod": "Percentile", "result": "47",
             "resultDatatypeType": "Percentile"},
            {"assessmentReportingMethod": "Lexile Measure", "result": "870L",
             "resultDatatypeType": "Level"},
            {"assessmentReportingMethod": "Quantile Measure", "resultDatatypeType": "Level"},
        ],
        "performanceLevels": [
            {"assessmentReportingMethod": "Overall Placement", "performanceLevel": "Level 5"},
            {"assessmentReportingMethod": "Overall Relative Placement",
             "performanceLevel": "1 Grade Level Below"},
        ],
    }  # fmt: skip
    assert math["assessmentIdentifier"] == "i-Ready Diagnostic Mathematics"
    assert math["sourcedId"] == "100001|Mathematics|2024-08-12|2024-08-13"
    assert math_again["sourcedId"] == "100001|Mathematics|2024-08-07|2024-08-13"


def test_a_subject_column_wins_over_the_file_name(tmp_path: Path) -> None:
    header = (*IREADY_MATH_HEADER, "Subject")
    row = iready_row(**{"Student ID": "100002", "Completion Date": "1/15/2025",
                        "Overall Scale Score": "480", "Subject": "Reading"})  # fmt: skip
    path = write_csv(tmp_path / "diagnostic_results_math.csv", header, [row])

    staged_via(iready(path, student_id="state"), tmp_path / "staged")

    (result,) = staged_rows(tmp_path / "staged")
    assert result["assessmentIdentifier"] == "i-Ready Diagnostic Reading"
    assert result["studentStateId"] == "100002"


def test_an_export_without_a_subject_is_refused_with_its_line(tmp_path: Path) -> None:
    header = (*IREADY_MATH_HEADER, "Subject")
    rows = [
        iready_row(**{"Student ID": "100002", "Completion Date": "1/15/2025",
                      "Overall Scale Score": "480", "Subject": "Math"}),
        iready_row(**{"Student ID": "100003", "Completion Date": "1/15/2025",
                      "Overall Scale Score": "455"}),
    ]  # fmt: skip
    path = write_csv(tmp_path / "diagnostic_results_all.csv", header, rows)
    with pytest.raises(SourceDataError) as err:
        list(iready(path).extract(ExtractContext()))
    assert err.value.message.startswith(
        "diagnostic_results_all.csv, line 3, column Subject: cannot tell the subject"
    )
    plain = write_csv(tmp_path / "x" / "diagnostic_results_all.csv", IREADY_MATH_HEADER, [])
    (check,) = iready(plain).check()
    assert not check.ok
    assert "cannot tell the subject" in check.detail
