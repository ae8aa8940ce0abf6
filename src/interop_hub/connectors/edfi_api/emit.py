"""The records one run yields, kept consistent: each sourcedId once per target file, and no
tombstone for a record the same run restates.

Offset paging over a live ODS can serve an item twice (rows shift between pages); a staged
file with a sourcedId twice would be rejected, so repeats are dropped. An item deleted and
created again with the same natural key inside one change window appears both in
``/deletes`` and in the collection: the live record wins, so tombstones are held back to the
end and dropped for sourcedIds that were restated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any, Final

__all__ = ["DELETES", "TARGET", "Emitter"]

DELETES: Final = "deletes"
"""The stream of tombstones: ``{id, target, sourcedId, dateLastModified, resource}``."""

TARGET: Final = {
    "localEducationAgencies": "orgs",
    "schools": "orgs",
    "sessions": "academicSessions",
    "schoolYears": "academicSessions",
    "courses": "courses",
    "sections": "classes",
    "students": "users",
    "staffs": "users",
    "contacts": "users",
    "studentSectionAssociations": "enrollments",
    "staffSectionAssociations": "enrollments",
}
"""The target file of each stream's main record (the mapping may add roles and
demographics rows from a user record)."""

Record = dict[str, Any]


def sourced_id(record: Record) -> str:
    derived = record.get("derived")
    return str(derived["sourcedId"] if isinstance(derived, dict) else record["sourcedId"])


class Emitter:
    def __init__(self, now: str) -> None:
        self.now = now
        self.active: dict[str, set[str]] = {}
        self.pending: dict[tuple[str, str], Record] = {}
        self.skipped: Counter[str] = Counter()

    def has(self, target: str, sourced: str) -> bool:
        return sourced in self.active.get(target, ())

    def _claim(self, target: str, sourced: str) -> bool:
        seen = self.active.setdefault(target, set())
        if sourced in seen:
            return False
        seen.add(sourced)
        return True

    def record(self, stream: str, record: Record) -> Iterator[tuple[str, Record]]:
        """Yield ``record`` unless its sourcedId was already yielded for its target."""
        if not self._claim(TARGET[stream], sourced_id(record)):
            self.skipped[f"{stream}: the same item served twice"] += 1
            return
        derived = record.get("derived")
        if isinstance(derived, dict):
            for role in derived.get("roles") or ():
                self._claim("roles", str(role["sourcedId"]))
            if stream == "students":
                self._claim("demographics", sourced_id(record))
        yield stream, record

    def tombstone(self, target: str, sourced: str, *, origin: str, resource: str) -> None:
        """Hold a ``tobedeleted`` for ``sourced`` in ``target`` (yielded by ``flush``)."""
        self.pending.setdefault(
            (target, sourced),
            {
                "id": origin,
                "target": target,
                "sourcedId": sourced,
                "dateLastModified": self.now,
                "resource": resource,
            },
        )

    def flush(self) -> Iterator[tuple[str, Record]]:
        for (target, sourced), record in self.pending.items():
            if not self.has(target, sourced):
                yield DELETES, record
        self.pending.clear()
