"""Curriculum Associates i-Ready: the Diagnostic Results exports.

i-Ready's data exports (downloaded by a district administrator, or delivered by SFTP)
deliver ``diagnostic_results_ela.csv`` and ``diagnostic_results_math.csv``,
often with a date stamp (``diagnostic_results_math_20220510103344.csv``): one row per
completed Diagnostic. Layout, as in scrubbed district exports published with
open-source ETL tools (Curriculum Associates' own export guide could not be consulted):
``Last Name, First Name, Student ID, Student Grade, Academic Year, School, ..., Start
Date, Completion Date, Baseline Diagnostic (Y/N), Most Recent Diagnostic (Y/N),
Duration (min), Rush Flag, Overall Scale Score, Overall Placement, Overall Relative
Placement, Percentile, Grouping, Lexile Measure, Lexile Range`` (ELA) or ``Quantile
Measure, Quantile Range`` (math), then per-domain scale scores and placements and growth
measures; columns come and go between school years, only the ones above are relied on.

Quirks:

* **No subject column**: the subject is in the file name (``_ela`` → Reading, ``_math``
  → Mathematics); a ``Subject`` column, where an export has one, wins.
* **No result id**: a Diagnostic is identified by the student, the subject and its start
  and completion dates, which ``_key`` joins (the hub mints the result's id; the key
  stays in the crosswalk, so no student number leaks into emitted ids).
* Dates are ``M/D/YYYY``; ``_date`` is the completion date (the start date when the
  completion date is empty).
* ``Student ID`` holds what the connector's ``student_id`` setting says (normally the
  SIS student number).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Final

from interop_hub.connectors.assessments.base import AssessmentFileConnector
from interop_hub.connectors.assessments.files import ExportFile, Layout, data_error

__all__ = ["LAYOUT", "IReadyConnector", "iready_subject"]

LAYOUT: Final = Layout(
    title="i-Ready Diagnostic Results",
    required=(("Student ID",), ("Completion Date",), ("Overall Scale Score",)),
    columns=(
        "Academic Year",
        "School",
        "Subject",
        "Start Date",
        "Overall Placement",
        "Overall Relative Placement",
        "Percentile",
        "Lexile Measure",
        "Quantile Measure",
        "Rush Flag",
    ),
)

_SUBJECTS: Final = {
    "ela": "Reading",
    "reading": "Reading",
    "math": "Mathematics",
    "mathematics": "Mathematics",
}
_FILE_SUBJECT: Final = re.compile(r"diagnostic_results_(ela|reading|mathematics|math)(?![a-z])")


def iready_subject(text: str) -> str | None:
    """``Reading`` or ``Mathematics`` from a ``Subject`` cell or an export's file name."""
    lowered = text.strip().casefold()
    if lowered in _SUBJECTS:
        return _SUBJECTS[lowered]
    match = _FILE_SUBJECT.search(lowered)
    return _SUBJECTS[match.group(1)] if match else None


class IReadyConnector(AssessmentFileConnector):
    kind: ClassVar[str] = "iready"
    title: ClassVar[str] = "i-Ready Diagnostic (results exports)"
    layout: ClassVar[Layout] = LAYOUT
    pattern: ClassVar[re.Pattern[str]] = re.compile(r"(?i)^diagnostic_results_.*\.csv$")
    pattern_hint: ClassVar[str] = (
        "diagnostic_results_ela*.csv or diagnostic_results_math*.csv, alone or in a .zip"
    )

    def check_file(self, export: ExportFile, header: list[str]) -> None:
        if "Subject" not in header and iready_subject(export.basename) is None:
            raise self._no_subject(export, None)

    @staticmethod
    def _no_subject(export: ExportFile, line: int | None) -> Exception:
        return data_error(
            export.name,
            line,
            "Subject",
            "cannot tell the subject: the export has no Subject value and its name is not "
            "diagnostic_results_ela*.csv or diagnostic_results_math*.csv",
        )

    def record(self, export: ExportFile, line: int, row: dict[str, str]) -> dict[str, Any]:
        subject = iready_subject(row.get("Subject", "")) or iready_subject(export.basename)
        if subject is None:
            raise self._no_subject(export, line)
        completed = self.date(export, line, row, "Completion Date", "Start Date")
        started = self.date(export, line, row, "Start Date")
        student = row.get("Student ID", "")
        key = f"{student}|{subject}|{started}|{completed}" if student and completed else ""
        return {
            **self.base(export, line, row),
            "_date": completed,
            "_subject": subject,
            "_key": key,
            "_student": self.students(student),
        }
