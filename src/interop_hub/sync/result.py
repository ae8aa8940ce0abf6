"""What an import reports back: per-entity counts, the change version, the findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from interop_hub.connectors.oneroster_csv.problems import ImportReport

__all__ = ["EntityStats", "ImportResult"]


@dataclass
class EntityStats:
    """Counts for one entity type in one run.

    ``added``: new records; ``updated``: records whose content, status, references or
    child rows (terms, agents, roles) changed; ``unchanged``: records the package restated
    identically; ``tombstoned``: records marked ``tobedeleted`` by a delta tombstone or by
    their absence from a bulk file."""

    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    tombstoned: int = 0

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.tombstoned

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class ImportResult:
    """Outcome of an applied import. A rejected one raises ``PackageRejected`` instead."""

    run_id: int
    source: str
    version: str
    state: str
    change_version: int | None
    stats: dict[str, EntityStats]
    report: ImportReport
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.change_version is not None

    def stats_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "change_version": self.change_version,
            "seconds": round(self.seconds, 3),
            "entities": {name: s.as_dict() for name, s in self.stats.items()},
            "problems": self.report.summary(),
            **self.extra,
        }

    def render(self) -> str:
        """A summary table for humans (the CLI prints it)."""
        head = f"{'entity':<18}{'rows':>10}{'added':>10}{'updated':>10}{'unchanged':>11}"
        head += f"{'tombstoned':>12}"
        lines = [head, "-" * len(head)]
        for name, s in self.stats.items():
            lines.append(
                f"{name:<18}{s.rows:>10}{s.added:>10}{s.updated:>10}{s.unchanged:>11}"
                f"{s.tombstoned:>12}"
            )
        cv = self.change_version if self.change_version is not None else "unchanged"
        lines.append(
            f"source={self.source} version={self.version} change_version={cv} "
            f"run={self.run_id} warnings={self.report.warning_count} "
            f"time={self.seconds:.1f}s"
        )
        return "\n".join(lines)
