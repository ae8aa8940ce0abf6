"""The shared shape of an assessment export connector: config, file discovery, records.

A vendor module declares its ``Layout`` (required columns), the file-name ``pattern`` of
its exports and ``record``, which turns one CSV row into the raw record the mapping
reads (``mappings/<kind>/*.yaml``). The record is the row as exported (documented column
spellings) plus a few derived keys, each documented where a vendor computes it:

* ``_file``, ``_line``: where the row came from;
* ``_date``: the administration date as ``YYYY-MM-DD`` (vendors write US dates);
* ``_subject``: the subject, where the vendor puts it in the file name or splits it over
  two columns;
* ``_student``: ``{"local": ..., "state": ..., "sourcedId": ...}``, the student ids the
  row carries. Which id a vendor's main student id column holds is a district's choice
  when it sets the vendor up, hence the ``student_id`` setting.

Exports are snapshots of a testing window (or a school year), not change feeds: the
connectors have no incremental mode, and a full run's results replace the source's
previous ones (results absent from the export become ``tobedeleted``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from interop_hub.connectors.assessments.files import (
    ExportFile,
    Layout,
    data_error,
    discover,
    read_header,
    read_rows,
)
from interop_hub.connectors.assessments.values import StudentIdKind, iso_date
from interop_hub.connectors.sdk import (
    Check,
    Connector,
    ConnectorConfig,
    ExtractContext,
    StreamState,
)
from interop_hub.core.errors import HubError, SourceDataError

__all__ = ["AssessmentFileConfig", "AssessmentFileConnector"]


class AssessmentFileConfig(ConnectorConfig):
    path: str = Field(
        description=(
            "An export file, a ZIP of exports, or a folder the exports are dropped into "
            "(every matching file in it and in ZIPs in it is read)."
        )
    )
    student_id: StudentIdKind = Field(
        default="local",
        description=(
            "What the export's student id column holds: the district's local student "
            "number (matched to the person's OneRoster identifier), the state student id, "
            "or the hub's sourcedId (when the vendor is rostered from this hub)."
        ),
    )


class AssessmentFileConnector(Connector):
    """Base of the file connectors: one stream, ``results``, one record per data row."""

    config_model: ClassVar[type[ConnectorConfig]] = AssessmentFileConfig
    supports_incremental: ClassVar[bool] = False
    stream: ClassVar[str] = "results"
    layout: ClassVar[Layout]
    pattern: ClassVar[re.Pattern[str]]
    pattern_hint: ClassVar[str]

    config: AssessmentFileConfig

    def files(self) -> list[ExportFile]:
        """The export files to read (raises when there are none: an empty drop folder is
        not an empty export, and must not read as "every result was deleted")."""
        path = Path(self.config.path)
        found = discover(path, self.pattern)
        if not found:
            raise SourceDataError(
                f"{path}: no {self.layout.title} export found (expected {self.pattern_hint})"
            )
        return found

    def record(self, export: ExportFile, line: int, row: dict[str, str]) -> dict[str, Any]:
        """The raw record of one data row (the vendor's columns plus derived keys)."""
        raise NotImplementedError

    def check_file(self, export: ExportFile, header: list[str]) -> None:
        """Vendor checks of one file beyond its header (raise ``SourceDataError``)."""
        return None

    def extract(self, ctx: ExtractContext) -> Iterator[tuple[str, dict[str, Any]]]:
        state = ctx.states.setdefault(self.stream, StreamState())
        for export in self.files():
            state.pages += 1
            for line, row in read_rows(export, self.layout):
                record = self.record(export, line, row)
                state.records += 1
                if ctx.progress is not None and state.records % 1000 == 0:
                    ctx.progress(self.stream, state.records)
                yield self.stream, record
        if ctx.progress is not None:
            ctx.progress(self.stream, state.records)

    def check(self) -> list[Check]:
        """One line per export file found: whether its header is a valid layout."""
        try:
            found = self.files()
        except HubError as exc:
            return [Check("path", False, exc.message)]
        results: list[Check] = []
        for export in found:
            try:
                header = read_header(export, self.layout)
                self.check_file(export, header)
            except SourceDataError as exc:
                results.append(Check(export.name, False, exc.message))
                continue
            results.append(
                Check(export.name, True, f"{self.layout.title} header ({len(header)} columns)")
            )
        return results

    # Helpers for ``record``.

    def base(self, export: ExportFile, line: int, row: dict[str, str]) -> dict[str, Any]:
        return {**row, "_file": export.name, "_line": line}

    @staticmethod
    def date(export: ExportFile, line: int, row: dict[str, str], *columns: str) -> str:
        """The first non-empty of ``columns`` as ``YYYY-MM-DD`` (``""`` if all are empty);
        an unreadable date is an error naming the cell."""
        for column in columns:
            value = row.get(column, "")
            if not value:
                continue
            parsed = iso_date(value)
            if parsed is None:
                raise data_error(
                    export.name, line, column, f"{value!r} is not a date (MM/DD/YYYY or ISO)"
                )
            return parsed
        return ""

    def students(self, main: str, **explicit: str) -> dict[str, str]:
        """``_student``: ids from columns that say what they are (``state=...``), then the
        vendor's main student id column under the configured kind (if not given yet)."""
        ids = {kind: value for kind, value in explicit.items() if value}
        if main and self.config.student_id not in ids:
            ids[self.config.student_id] = main
        return ids
