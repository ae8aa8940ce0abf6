"""Small vendor exports with the vendors' real headers, written by the tests.

Headers follow scrubbed district exports published with open-source ETL tools: NWEA's
current CDF ``AssessmentResults.csv`` (and the older ``MeasurementScale`` layout),
Renaissance's Star v2 exports (``SR_v2.csv``/``SM_v2.csv``), i-Ready's
``diagnostic_results_ela/math`` exports. Rows are given as dicts; missing cells are empty.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "IREADY_ELA_HEADER",
    "IREADY_MATH_HEADER",
    "NWEA_HEADER",
    "NWEA_OLD_HEADER",
    "STAR_HEADER",
    "csv_text",
    "iready_row",
    "nwea_row",
    "star_row",
    "write_csv",
    "write_zip",
]

_GROWTH = [
    f"{span}{measure}"
    for span in (
        "FallToFall",
        "FallToWinter",
        "FallToSpring",
        "WinterToWinter",
        "WinterToSpring",
        "SpringToSpring",
    )
    for measure in (
        "ProjectedGrowth",
        "ObservedGrowth",
        "ObservedGrowthSE",
        "MetProjectedGrowth",
        "ConditionalGrowthIndex",
        "ConditionalGrowthPercentile",
        "GrowthQuintile",
    )
]
_GOALS = [
    f"Goal{n}{part}"
    for n in range(1, 9)
    for part in ("Name", "RitScore", "StdErr", "Range", "Adjective")
]
NWEA_HEADER: tuple[str, ...] = (
    "TermName", "DistrictName", "District_StateID", "SchoolName", "School_StateID",
    "StudentID", "Student_StateID", "Subject", "Course", "GrowthMeasureYN",
    "NormsReferenceData", "WISelectedAYFall", "WISelectedAYWinter", "WISelectedAYSpring",
    "WIPreviousAYFall", "WIPreviousAYWinter", "WIPreviousAYSpring", "TestType", "TestName",
    "TestID", "TestStartDate", "TestStartTime", "TestDurationMinutes", "TestRITScore",
    "TestStandardError", "TestPercentile", "AchievementQuintile", "PercentCorrect",
    "RapidGuessingPercentage", *_GROWTH, "LexileScore", "LexileMin", "LexileMax",
    "QuantileScore", "QuantileMin", "QuantileMax", *_GOALS, "TypicalFallToFallGrowth",
    "TypicalFallToWinterGrowth", "TypicalFallToSpringGrowth", "TypicalWinterToWinterGrowth",
    "TypicalWinterToSpringGrowth", "TypicalSpringToSpringGrowth",
    *(f"ProjectedProficiency{k}{n}" for n in range(1, 11) for k in ("Study", "Level")),
)  # fmt: skip
NWEA_OLD_HEADER: tuple[str, ...] = (
    "TermName", "StudentID", "SchoolName", "MeasurementScale", "Discipline",
    "GrowthMeasureYN", "TestType", "TestName", "TestID", "TestStartDate",
    "TestDurationMinutes", "TestRITScore", "TestStandardError", "TestPercentile",
    "TypicalFallToFallGrowth", "TypicalSpringToSpringGrowth", "TypicalFallToSpringGrowth",
    "TypicalFallToWinterGrowth", "RITtoReadingScore", "RITtoReadingMin", "RITtoReadingMax",
    *_GOALS[:30],
)  # fmt: skip
STAR_HEADER: tuple[str, ...] = (
    "RenaissanceClientID", "SchoolYear", "SchoolYearStartDate", "SchoolYearEndDate",
    "StudentRenaissanceID", "StudentIdentifier", "StudentStateID", "StudentSourcedID",
    "StudentUserID", "StudentFirstName", "StudentMiddleName", "StudentLastName",
    "CurrentGrade", "DistrictRenaissanceID", "DistrictSourcedID", "DistrictName",
    "DistrictStateID", "SchoolRenaissanceID", "SchoolSourcedID", "SchoolIdentifier",
    "SchoolStateID", "SchoolName", "AssessmentID", "AssessmentNumber", "AssessmentType",
    "AssessmentStatus", "LaunchDate", "CompletedDate", "CompletedDateLocal",
    "DeactivationReason", "ScreeningPeriodWindowName", "ScreeningWindowStartDate",
    "ScreeningWindowEndDate", "Grade", "GradePlacement", "ScaledScore", "UnifiedScore",
    "RaschScore", "StandardErrorOfMeasurement", "PercentileRank", "NormalCurveEquivalent",
    "GradeEquivalent", "Lexile", "Quantile", "InstructionalReadingLevel",
    "RenaissanceBenchmarkCategoryName", "RenaissanceBenchmarkCategoryLevel",
    "StateBenchmarkAssessmentName", "StateBenchmarkCategoryName",
    "StateBenchmarkCategoryLevel", "StateBenchmarkProficient",
    "DistrictBenchmarkCategoryName", "DistrictBenchmarkCategoryLevel",
    "DistrictBenchmarkProficient", "CurrentSGP", "TotalTimeInSeconds",
)  # fmt: skip
_IREADY_HEAD = (
    "Last Name", "First Name", "Student ID", "Student Grade", "Academic Year", "School",
    "Enrolled", "User Name", "Sex", "Hispanic or Latino", "Race",
    "English Language Learner", "Special Education", "Economically Disadvantaged", "Migrant",
    "Class(es)", "Class Teacher(s)", "Report Group(s)", "Start Date", "Completion Date",
    "Baseline Diagnostic (Y/N)", "Most Recent Diagnostic YTD (Y/N)", "Duration (min)",
    "Rush Flag", "Read Aloud", "Overall Scale Score", "Overall Placement",
    "Overall Relative Placement", "Percentile", "Grouping",
)  # fmt: skip
IREADY_MATH_HEADER: tuple[str, ...] = (
    *_IREADY_HEAD, "Quantile Measure", "Quantile Range",
    "Number and Operations Scale Score", "Number and Operations Placement",
    "Number and Operations Relative Placement", "Algebra and Algebraic Thinking Scale Score",
    "Algebra and Algebraic Thinking Placement",
    "Algebra and Algebraic Thinking Relative Placement", "Diagnostic Language",
    "Diagnostic Gain", "Annual Typical Growth Measure", "Annual Stretch Growth Measure",
    "Mid On Grade Level Scale Score",
)  # fmt: skip
IREADY_ELA_HEADER: tuple[str, ...] = (
    *_IREADY_HEAD, "Lexile Measure", "Lexile Range", "Phonics Scale Score",
    "Phonics Placement", "Phonics Relative Placement", "Vocabulary Scale Score",
    "Vocabulary Placement", "Vocabulary Relative Placement", "Annual Typical Growth Measure",
    "Annual Stretch Growth Measure", "Mid On Grade Level Scale Score",
    "Reading Difficulty Indicator (Y/N)",
)  # fmt: skip


def nwea_row(**cells: str) -> dict[str, str]:
    base = {
        "TermName": "Fall 2024-2025",
        "DistrictName": "Apple Grove Unified Schools",
        "District_StateID": "8080",
        "SchoolName": "Redwood High School",
        "School_StateID": "0300",
        "Subject": "Mathematics",
        "Course": "Math K-12",
        "GrowthMeasureYN": "TRUE",
        "NormsReferenceData": "2020",
        "TestType": "Survey With Goals",
        "TestName": "Growth: Math 6+ CCSS 2010 V2",
        "TestStartTime": "10:17:35",
        "TestDurationMinutes": "38",
        "TestStandardError": "3.1",
        "AchievementQuintile": "Avg",
        "PercentCorrect": "52",
        "RapidGuessingPercentage": "0",
        "Goal1Name": "Operations and Algebraic Thinking",
        "Goal1RitScore": "234",
        "ProjectedProficiencyStudy1": "ACT College Readiness",
        "ProjectedProficiencyLevel1": "Not On Track",
    }
    return base | cells


def star_row(**cells: str) -> dict[str, str]:
    base = {
        "RenaissanceClientID": "7781",
        "SchoolYear": "2024-2025",
        "DistrictName": "Apple Grove Unified Schools",
        "SchoolName": "Redwood High School",
        "SchoolIdentifier": "0300",
        "AssessmentNumber": "1",
        "AssessmentType": "Enterprise",
        "AssessmentStatus": "Active",
        "ScreeningPeriodWindowName": "Fall",
        "Grade": "9",
        "GradePlacement": "9.1",
        "StandardErrorOfMeasurement": "31",
        "RenaissanceBenchmarkCategoryName": "At/Above Benchmark",
        "StateBenchmarkCategoryName": "Level 3",
        "StateBenchmarkProficient": "Yes",
    }
    return base | cells


def iready_row(**cells: str) -> dict[str, str]:
    base = {
        "Last Name": "Lopez",
        "First Name": "Ava",
        "Student Grade": "9",
        "Academic Year": "2024-2025",
        "School": "Redwood High School",
        "Enrolled": "Enrolled",
        "Duration (min)": "41",
        "Read Aloud": "Off",
        "Baseline Diagnostic (Y/N)": "Y",
        "Most Recent Diagnostic YTD (Y/N)": "N",
    }
    return base | cells


def csv_text(header: Sequence[str], rows: Sequence[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        unknown = set(row) - set(header)
        assert not unknown, f"cells not in the header: {sorted(unknown)}"
        writer.writerow([row.get(h, "") for h in header])
    return out.getvalue()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[dict[str, str]],
    *,
    encoding: str = "utf-8",
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_text(header, rows).encode(encoding))
    return path


def write_zip(path: Path, members: dict[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content.encode("utf-8"))
    return path
