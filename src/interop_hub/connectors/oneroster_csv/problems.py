"""Findings about a package: every error and warning, with file, line, column and reason.

Severity policy (applied by the readers and by ``interop_hub.sync``):

* **error**: the package cannot be applied as written (bad manifest, missing required column
  or value, value outside a vocabulary, malformed date, duplicate sourcedId, a required
  reference that resolves nowhere although the target file is supplied...). A single error
  rejects the whole package; nothing is applied.
* **warning**: a real-world quirk the hub accepts and repairs in a documented way
  (``Scheduled`` normalised to ``scheduled``, 1.0 status ``inactive`` read as
  ``tobedeleted``, a dangling optional reference dropped, a required reference into an
  ``absent`` file that the hub does not hold yet, files the hub does not import yet...).

The report keeps at most ``max_per_severity`` findings of each severity (so a broken
8-million-row file cannot exhaust memory) but counts all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["DEFAULT_MAX_PER_SEVERITY", "ImportReport", "Problem", "Severity"]

Severity = Literal["error", "warning"]
DEFAULT_MAX_PER_SEVERITY = 10_000
_VALUE_PREVIEW = 80


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding. ``line`` is the 1-based physical line where the CSV record starts (the
    header is line 1); ``line``/``column`` are ``None`` for file- or package-level findings."""

    severity: Severity
    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: str

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column is not None:
            where += f":{self.column}"
        text = f"{self.severity.upper():7} {where}: {self.reason}"
        if self.value is not None and self.value != "":
            shown = self.value if len(self.value) <= _VALUE_PREVIEW else self.value[:77] + "..."
            text += f" (value: {shown!r})"
        return text

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportReport:
    """All findings of one import, bounded in memory, with exact totals."""

    max_per_severity: int = DEFAULT_MAX_PER_SEVERITY
    problems: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    _kept: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0})

    def add(self, problem: Problem) -> None:
        if problem.severity == "error":
            self.error_count += 1
        else:
            self.warning_count += 1
        if self._kept[problem.severity] < self.max_per_severity:
            self._kept[problem.severity] += 1
            self.problems.append(problem)

    def error(
        self,
        file: str,
        line: int | None,
        column: str | None,
        reason: str,
        value: str | None = None,
    ) -> None:
        self.add(Problem("error", file, line, column, value, reason))

    def warning(
        self,
        file: str,
        line: int | None,
        column: str | None,
        reason: str,
        value: str | None = None,
    ) -> None:
        self.add(Problem("warning", file, line, column, value, reason))

    def room(self, severity: Severity) -> int:
        """How many more findings of ``severity`` would be kept (for set-based producers)."""
        return max(0, self.max_per_severity - self._kept[severity])

    def count_only(self, severity: Severity, n: int) -> None:
        """Count ``n`` findings that were not materialised (beyond the kept limit)."""
        if severity == "error":
            self.error_count += n
        else:
            self.warning_count += n

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        """Kept findings, errors first, then by file and line."""
        return sorted(
            self.problems,
            key=lambda p: (p.severity != "error", p.file, p.line or 0, p.column or ""),
        )

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.sorted())

    def render(self, limit: int | None = None, *, warnings: bool = True) -> str:
        """Human-readable report: one ``SEVERITY file:line:column: reason`` per finding."""
        shown = [p for p in self.sorted() if warnings or p.severity == "error"]
        if limit is not None:
            shown = shown[:limit]
        lines = [p.render() for p in shown]
        kept = len(shown)
        total = self.error_count + (self.warning_count if warnings else 0)
        lines.append(
            f"{self.error_count} error(s), {self.warning_count} warning(s)"
            + (f"; {total - kept} not shown" if total > kept else "")
        )
        return "\n".join(lines)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [p.as_dict() for p in self.sorted()]

    def summary(self) -> dict[str, Any]:
        return {"errors": self.error_count, "warnings": self.warning_count}
