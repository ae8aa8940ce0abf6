"""Renaissance Star Assessments: the Star Reading / Star Math / Star Early Literacy exports.

Renaissance's scheduled data exports deliver one CSV per Star test: ``SR_*.csv`` (Star
Reading), ``SM_*.csv`` (Star Math) and ``SEL_*.csv`` (Star Early Literacy), e.g.
``SR_v2.csv``, often in one ZIP per district. The file name is the only place that says
which test a row is (the rows have no subject column), so it becomes ``_subject``.

Layout: the v2 export as consumed by published district pipelines (Renaissance's own
field reference could not be consulted): one row per completed test with
``AssessmentID``, ``CompletedDate``, ``SchoolYear``, ``ScreeningPeriodWindowName``,
student ids (``StudentIdentifier`` = the district's student number, ``StudentStateID``,
``StudentSourcedID`` = the roster's OneRoster sourcedId, ``StudentRenaissanceID``),
school ids (``SchoolIdentifier``, ``SchoolStateID``, ``SchoolSourcedID``), scores
(``ScaledScore``, ``UnifiedScore``, ``PercentileRank``, ``GradeEquivalent``,
``NormalCurveEquivalent``, ``StandardErrorOfMeasurement``, ``Lexile`` / ``Quantile``),
benchmark categories (``RenaissanceBenchmarkCategoryName``, ``StateBenchmarkCategoryName``
+ ``StateBenchmarkProficient``, ``DistrictBenchmarkCategoryName`` +
``DistrictBenchmarkProficient``), and ``DeactivationReason`` (set when a teacher
deactivated the test: such a row marks the result ``tobedeleted``). The older
"assessment detail" export is accepted too: ``StudentAssessmentID``, ``AssessmentDate``,
``StudentLocalID``, ``SEM`` stand for ``AssessmentID``, ``CompletedDate``,
``StudentIdentifier``, ``StandardErrorOfMeasurement``.

Quirks: dates are ``MM/DD/YYYY HH:MM:SS`` in older exports, ISO in v2 (``_date`` either
way); ``StudentIdentifier`` holds what the connector's ``student_id`` setting says
(normally the local student number); the result key is ``AssessmentID``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Final

from interop_hub.connectors.assessments.base import AssessmentFileConnector
from interop_hub.connectors.assessments.files import ExportFile, Layout, data_error

__all__ = ["LAYOUT", "StarConnector", "star_subject"]

LAYOUT: Final = Layout(
    title="Renaissance Star",
    required=(
        ("AssessmentID", "StudentAssessmentID"),
        ("CompletedDate", "AssessmentDate"),
        ("ScaledScore",),
        ("StudentIdentifier", "StudentLocalID", "StudentStateID", "StudentSourcedID"),
    ),
    columns=(
        "SchoolYear",
        "ScreeningPeriodWindowName",
        "StudentRenaissanceID",
        "SchoolIdentifier",
        "SchoolStateID",
        "SchoolSourcedID",
        "SchoolName",
        "UnifiedScore",
        "PercentileRank",
        "GradeEquivalent",
        "NormalCurveEquivalent",
        "StandardErrorOfMeasurement",
        "SEM",
        "Lexile",
        "Quantile",
        "RenaissanceBenchmarkCategoryName",
        "StateBenchmarkCategoryName",
        "StateBenchmarkProficient",
        "DistrictBenchmarkCategoryName",
        "DistrictBenchmarkProficient",
        "DeactivationReason",
    ),
)

_SUBJECTS: Final = {"SR": "Reading", "SM": "Math", "SEL": "Early Literacy"}
_NAME: Final = re.compile(r"(?i)^(SR|SM|SEL)(?:_.*)?\.csv$")


def star_subject(file_name: str) -> str | None:
    """``Reading``, ``Math`` or ``Early Literacy`` from an export's file name."""
    match = _NAME.match(file_name)
    return _SUBJECTS[match.group(1).upper()] if match else None


class StarConnector(AssessmentFileConnector):
    kind: ClassVar[str] = "renaissance-star"
    title: ClassVar[str] = "Renaissance Star (Reading, Math, Early Literacy exports)"
    layout: ClassVar[Layout] = LAYOUT
    pattern: ClassVar[re.Pattern[str]] = _NAME
    pattern_hint: ClassVar[str] = "SR_*.csv, SM_*.csv or SEL_*.csv, alone or in a .zip"

    def check_file(self, export: ExportFile, header: list[str]) -> None:
        if star_subject(export.basename) is None:
            raise data_error(
                export.name,
                None,
                None,
                "cannot tell which Star test this is: Renaissance names its exports "
                "SR_*.csv (Reading), SM_*.csv (Math) or SEL_*.csv (Early Literacy)",
            )

    def record(self, export: ExportFile, line: int, row: dict[str, str]) -> dict[str, Any]:
        subject = star_subject(export.basename)
        if subject is None:
            self.check_file(export, [])
        return {
            **self.base(export, line, row),
            "_date": self.date(export, line, row, "CompletedDate", "AssessmentDate"),
            "_subject": subject,
            "_student": self.students(
                row.get("StudentIdentifier") or row.get("StudentLocalID", ""),
                state=row.get("StudentStateID", ""),
                sourcedId=row.get("StudentSourcedID", ""),
            ),
        }
