"""What a mapping may produce: the columns of every target file.

Targets are the OneRoster 1.2 CSV files the importer validates (the canonical model's
contract, see ``connectors.oneroster_csv``), plus the hub's own ``assessmentResults``
file for whole-child assessment results, which are joined to persons by the state or
local id a vendor export carries (``sync.assessments``).
"""

from __future__ import annotations

from typing import Final

from interop_hub.generator.writer import HEADERS

__all__ = ["ASSESSMENT_RESULTS", "TARGETS"]

ASSESSMENT_RESULTS: Final = (
    "sourcedId",
    "status",
    "dateLastModified",
    "studentSourcedId",
    "studentStateId",
    "studentLocalId",
    "assessmentIdentifier",
    "assessmentNamespace",
    "administrationDate",
    "schoolSourcedId",
    "scores",
    "performanceLevels",
)

TARGETS: Final[dict[str, tuple[str, ...]]] = {
    **HEADERS,
    "assessmentResults": ASSESSMENT_RESULTS,
}
