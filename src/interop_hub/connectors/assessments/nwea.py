"""NWEA MAP Growth: the Comprehensive Data File's ``AssessmentResults.csv``.

The CDF (MAP Reports > Data Export Scheduler, "Comprehensive Data File") is a ZIP of
CSVs: ``AssessmentResults.csv`` (one row per test event), ``StudentsBySchool.csv``,
``ClassAssignments.csv``, ``AccommodationAssignment.csv``, ``ProgramAssignments.csv``.
Only ``AssessmentResults*.csv`` is read (the CDF ZIP, a folder of unzipped CDFs, or
files renamed ``AssessmentResults_<date>.csv`` by a scheduled export all work).

Layout, as in scrubbed district CDF exports published with open-source ETL tools (NWEA's
own CDF reference could not be consulted): current exports have ``TermName,
DistrictName, District_StateID, SchoolName, School_StateID, StudentID, Student_StateID,
Subject, Course, ..., TestType, TestName, TestID, TestStartDate, TestStartTime,
TestDurationMinutes, TestRITScore, TestStandardError, TestPercentile,
AchievementQuintile, PercentCorrect, RapidGuessingPercentage, <growth columns>,
LexileScore, LexileMin, LexileMax, QuantileScore, QuantileMin, QuantileMax,
Goal1Name...Goal8Adjective, ..., ProjectedProficiencyStudy1, ProjectedProficiencyLevel1,
... (to 10)``. Older exports name the subject ``MeasurementScale`` (``Reading``,
``Language Usage``, ``Mathematics``, ``General Science``), have ``Discipline`` instead of
``Subject``/``Course``, ``RITtoReadingScore`` instead of ``LexileScore`` and no
``Student_StateID``; both layouts are accepted.

Quirks:

* ``TestStartDate`` is ``MM/DD/YYYY``; it becomes ``_date``.
* The subject: ``MeasurementScale`` in the old layout; in the current one ``Subject`` is
  ``Language Arts`` for both Reading and Language Usage tests, which only ``Course``
  tells apart, so ``_subject`` is the ``Course`` for Language Arts and the ``Subject``
  otherwise (``MAP Growth Reading``, ``MAP Growth Mathematics``...).
* ``StudentID`` is the id the district rostered MAP with (normally the SIS student
  number: the connector's ``student_id`` setting); ``Student_StateID`` is the state id.
* ``TestID`` identifies the test event: it is the result key.
* ``School_StateID`` (state school id) is the school, matched to an org's identifier.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Final

from interop_hub.connectors.assessments.base import AssessmentFileConnector
from interop_hub.connectors.assessments.files import ExportFile, Layout

__all__ = ["LAYOUT", "NweaMapConnector"]

LAYOUT: Final = Layout(
    title="NWEA MAP Growth AssessmentResults",
    required=(
        ("TermName",),
        ("StudentID",),
        ("Subject", "MeasurementScale"),
        ("TestID",),
        ("TestStartDate",),
        ("TestRITScore",),
    ),
    columns=(
        "DistrictName",
        "District_StateID",
        "SchoolName",
        "School_StateID",
        "Student_StateID",
        "Course",
        "Discipline",
        "GrowthMeasureYN",
        "TestType",
        "TestName",
        "TestStartTime",
        "TestDurationMinutes",
        "TestStandardError",
        "TestPercentile",
        "AchievementQuintile",
        "PercentCorrect",
        "RapidGuessingPercentage",
        "LexileScore",
        "RITtoReadingScore",
        "QuantileScore",
        *(f"ProjectedProficiency{kind}{n}" for n in range(1, 11) for kind in ("Study", "Level")),
    ),
)


class NweaMapConnector(AssessmentFileConnector):
    kind: ClassVar[str] = "nwea-map"
    title: ClassVar[str] = "NWEA MAP Growth (Comprehensive Data File)"
    layout: ClassVar[Layout] = LAYOUT
    pattern: ClassVar[re.Pattern[str]] = re.compile(r"(?i)^(combined)?assessmentresults.*\.csv$")
    pattern_hint: ClassVar[str] = "AssessmentResults*.csv, alone or in a CDF .zip"

    def record(self, export: ExportFile, line: int, row: dict[str, str]) -> dict[str, Any]:
        subject = row.get("MeasurementScale", "")
        if not subject:
            subject = row.get("Subject", "")
            if subject.casefold() == "language arts" and row.get("Course"):
                subject = row["Course"]
        return {
            **self.base(export, line, row),
            "_date": self.date(export, line, row, "TestStartDate"),
            "_subject": subject,
            "_student": self.students(
                row.get("StudentID", ""), state=row.get("Student_StateID", "")
            ),
        }
