"""Renaissance Star exports (SR_/SM_/SEL_) through the connector and its mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from interop_hub.connectors.assessments import StarConnector
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.core.errors import SourceDataError
from tests.connectors.assessments.samples import STAR_HEADER, csv_text, star_row, write_zip
from tests.connectors.assessments.staging import staged_rows, staged_via


def star(path: Path, **config: Any) -> StarConnector:
    return StarConnector(StarConnector.config_model(path=str(path), **config))


def test_reading_and_math_exports_in_a_zip(tmp_path: Path) -> None:
    reading = [
        star_row(AssessmentID="9c1e6d0a-5f5b-4b8e-9a57-1e0c4d6f2a11", StudentIdentifier="100001",
                 StudentStateID="9000000001", StudentSourcedID="stu-1",
                 CompletedDate="2024-09-12 10:22:13", ScaledScore="1012", UnifiedScore="903",
                 PercentileRank="63", GradeEquivalent="10.2", NormalCurveEquivalent="56.9",
                 Lexile="1105L", DistrictBenchmarkCategoryName="On Watch",
                 DistrictBenchmarkProficient="No"),
        star_row(AssessmentID="2b7f0c44-31aa-4f1c-8d0e-6a9b5e3c7d22", StudentIdentifier="100002",
                 CompletedDate="2024-09-13 09:01:00", ScaledScore="890",
                 DeactivationReason="Test administered in error"),
    ]  # fmt: skip
    math = [
        star_row(AssessmentID="5d3a9e17-8c42-4e6b-b1f0-2c7d8e9a0b33", StudentIdentifier="100001",
                 CompletedDate="09/20/2024 13:45:10", ScaledScore="1021", Quantile="1180Q",
                 StateBenchmarkCategoryName="Level 2", StateBenchmarkProficient="No"),
    ]  # fmt: skip
    archive = write_zip(
        tmp_path / "drop" / "renaissance_7781.zip",
        {"SR_v2.csv": csv_text(STAR_HEADER, reading), "SM_v2.csv": csv_text(STAR_HEADER, math)},
    )

    result = staged_via(star(archive.parent), tmp_path / "staged")

    assert result.records == {"results": 3}
    # Files are read in name order: SM_v2.csv, then SR_v2.csv.
    math_row, reading_row, deactivated = staged_rows(tmp_path / "staged")
    assert reading_row["sourcedId"] == "9c1e6d0a-5f5b-4b8e-9a57-1e0c4d6f2a11"
    assert reading_row["status"] == "active"
    assert reading_row["assessmentIdentifier"] == "Star Reading"
    assert reading_row["assessmentNamespace"] == "uri://renaissance.com/star"
    assert reading_row["administrationDate"] == "2024-09-12"
    assert (
        reading_row["studentLocalId"],
        reading_row["studentStateId"],
        reading_row["studentSourcedId"],
    ) == ("100001", "9000000001", "stu-1")
    assert reading_row["schoolSourcedId"] == "0300"  # SchoolIdentifier: no sourced/state id
    with_results = {s["assessmentReportingMethod"]: s["result"]
                    for s in reading_row["scores"] if "result" in s}  # fmt: skip
    assert with_results == {
        "Scale score": "1012",
        "Vertical Scale Score": "903",
        "Percentile rank": "63",
        "Grade equivalent or grade-level indicator": "10.2",
        "Normal curve equivalent": "56.9",
        "Standard error measurement": "31",
        "Lexile Measure": "1105L",
    }
    assert reading_row["performanceLevels"] == [
        {"assessmentReportingMethod": "Renaissance benchmark category",
         "performanceLevel": "At/Above Benchmark"},
        {"assessmentReportingMethod": "State benchmark category", "performanceLevel": "Level 3",
         "performanceLevelMet": "true"},
        {"assessmentReportingMethod": "District benchmark category",
         "performanceLevel": "On Watch", "performanceLevelMet": "false"},
    ]  # fmt: skip
    assert math_row["assessmentIdentifier"] == "Star Math"
    assert math_row["administrationDate"] == "2024-09-20"
    assert {"assessmentReportingMethod": "Quantile Measure", "result": "1180Q",
            "resultDatatypeType": "Level"} in math_row["scores"]  # fmt: skip
    # A test the teacher deactivated withdraws the result.
    assert deactivated["sourcedId"] == "2b7f0c44-31aa-4f1c-8d0e-6a9b5e3c7d22"
    assert deactivated["status"] == "tobedeleted"


def test_older_assessment_detail_layout(tmp_path: Path) -> None:
    header = ("StudentLocalID", "StudentStateID", "StudentFirst", "StudentLast", "SchoolName",
              "StudentAssessmentID", "AssessmentDate", "GradePlacement", "Grade",
              "ScaledScore", "SEM", "GradeEquivalent", "PercentileRank", "Lexile")  # fmt: skip
    row = {"StudentLocalID": "049074", "StudentAssessmentID": "23612",
           "AssessmentDate": "10/29/2018 11:19:04", "ScaledScore": "423", "SEM": "39",
           "PercentileRank": "37", "Lexile": "495L"}  # fmt: skip
    path = tmp_path / "SEL_2018.csv"
    path.write_text(csv_text(header, [row]))

    staged_via(star(path), tmp_path / "staged")

    (result,) = staged_rows(tmp_path / "staged")
    assert result["sourcedId"] == "23612"
    assert result["assessmentIdentifier"] == "Star Early Literacy"
    assert result["administrationDate"] == "2018-10-29"
    assert result["studentLocalId"] == "049074"  # leading zeros kept
    assert {"assessmentReportingMethod": "Standard error measurement", "result": "39",
            "resultDatatypeType": "Decimal"} in result["scores"]  # fmt: skip


def test_a_file_not_named_for_its_test_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "star_export.csv"
    path.write_text(csv_text(STAR_HEADER, [star_row(AssessmentID="1", StudentIdentifier="1",
                                                    CompletedDate="2024-09-12",
                                                    ScaledScore="900")]))  # fmt: skip
    connector = star(path)
    (check,) = connector.check()
    assert (check.target, check.ok) == ("star_export.csv", False)
    assert "SR_*.csv (Reading), SM_*.csv (Math) or SEL_*.csv" in check.detail
    with pytest.raises(SourceDataError, match=r"^star_export.csv: cannot tell which Star test"):
        list(connector.extract(ExtractContext()))
