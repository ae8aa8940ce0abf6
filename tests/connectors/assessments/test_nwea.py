"""NWEA MAP Growth CDF exports through the connector and its mapping to staged rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interop_hub.connectors.assessments import NweaMapConnector
from tests.connectors.assessments.samples import (
    NWEA_HEADER,
    NWEA_OLD_HEADER,
    csv_text,
    nwea_row,
    write_csv,
    write_zip,
)
from tests.connectors.assessments.staging import staged_rows, staged_via


def nwea(path: Path, **config: Any) -> NweaMapConnector:
    return NweaMapConnector(NweaMapConnector.config_model(path=str(path), **config))


def test_cdf_rows_become_assessment_results(tmp_path: Path) -> None:
    rows = [
        nwea_row(StudentID="100001", Student_StateID="9000000001", TestID="720794822",
                 TestStartDate="10/12/2024", TestRITScore="230", TestStandardError="3",
                 TestPercentile="51", QuantileScore="990Q"),
        nwea_row(StudentID="100003", Subject="Language Arts", Course="Reading",
                 TestName="Growth: Reading 6+ CCSS 2010", TestID="720271524",
                 TestStartDate="10/14/2024", TestRITScore="215", TestStandardError="3.3",
                 TestPercentile="35", AchievementQuintile="LoAvg", LexileScore="980L",
                 ProjectedProficiencyStudy2="OR-Smarter Balanced Assessment Consortia",
                 ProjectedProficiencyLevel2="Level 1"),
        nwea_row(StudentID="100002", Subject="Language Arts", Course="Language Usage",
                 TestID="720271999", TestStartDate="10/15/2024", TestRITScore="221"),
    ]  # fmt: skip
    cdf = write_zip(tmp_path / "CDF.zip", {"AssessmentResults.csv": csv_text(NWEA_HEADER, rows)})

    result = staged_via(nwea(cdf), tmp_path / "staged")

    assert result.records == {"results": 3}
    assert result.rows == {"assessmentResults": 3}
    math, reading, usage = staged_rows(tmp_path / "staged")
    assert math == {
        "sourcedId": "720794822",
        "status": "active",
        "studentStateId": "9000000001",
        "studentLocalId": "100001",
        "assessmentIdentifier": "MAP Growth Mathematics",
        "assessmentNamespace": "uri://nwea.org/map-growth",
        "administrationDate": "2024-10-12",
        "schoolSourcedId": "0300",
        "scores": [
            {"assessmentReportingMethod": "RIT scale score", "result": "230",
             "resultDatatypeType": "Integer"},
            {"assessmentReportingMethod": "Standard error measurement", "result": "3",
             "resultDatatypeType": "Decimal"},
            {"assessmentReportingMethod": "Percentile", "result": "51",
             "resultDatatypeType": "Percentile"},
            {"assessmentReportingMethod": "Lexile Measure", "resultDatatypeType": "Level"},
            {"assessmentReportingMethod": "Quantile Measure", "result": "990Q",
             "resultDatatypeType": "Level"},
        ],
        "performanceLevels": [
            {"assessmentReportingMethod": "Achievement quintile", "performanceLevel": "Avg"},
            {"assessmentReportingMethod": "ACT College Readiness",
             "performanceLevel": "Not On Track"},
        ],
    }  # fmt: skip
    # Language Arts tests are told apart by their Course.
    assert reading["assessmentIdentifier"] == "MAP Growth Reading"
    assert usage["assessmentIdentifier"] == "MAP Growth Language Usage"
    assert "studentStateId" not in reading
    assert {"assessmentReportingMethod": "Lexile Measure", "result": "980L",
            "resultDatatypeType": "Level"} in reading["scores"]  # fmt: skip
    assert reading["performanceLevels"][2] == {
        "assessmentReportingMethod": "OR-Smarter Balanced Assessment Consortia",
        "performanceLevel": "Level 1",
    }


def test_older_layout_with_measurement_scale(tmp_path: Path) -> None:
    row = {
        "TermName": "Spring 2013-2014", "StudentID": "100003", "SchoolName": "Redwood HS",
        "MeasurementScale": "Reading", "Discipline": "Reading", "GrowthMeasureYN": "TRUE",
        "TestType": "Survey With Goals", "TestID": "37164", "TestStartDate": "5/2/2014",
        "TestRITScore": "208", "TestPercentile": "44", "RITtoReadingScore": "770",
    }  # fmt: skip
    write_csv(tmp_path / "in" / "AssessmentResults.csv", NWEA_OLD_HEADER, [row])

    staged_via(nwea(tmp_path / "in"), tmp_path / "staged")

    (result,) = staged_rows(tmp_path / "staged")
    assert result["assessmentIdentifier"] == "MAP Growth Reading"
    assert result["administrationDate"] == "2014-05-02"
    assert result["studentLocalId"] == "100003"
    assert "schoolSourcedId" not in result
    assert {"assessmentReportingMethod": "Lexile Measure", "result": "770",
            "resultDatatypeType": "Level"} in result["scores"]  # fmt: skip


def test_student_id_setting_says_what_studentid_holds(tmp_path: Path) -> None:
    row = nwea_row(StudentID="9000000002", TestID="1", TestStartDate="10/12/2024",
                   TestRITScore="230")  # fmt: skip
    write_csv(tmp_path / "in" / "AssessmentResults.csv", NWEA_HEADER, [row])

    staged_via(nwea(tmp_path / "in", student_id="state"), tmp_path / "staged")

    (result,) = staged_rows(tmp_path / "staged")
    assert result["studentStateId"] == "9000000002"
    assert "studentLocalId" not in result
