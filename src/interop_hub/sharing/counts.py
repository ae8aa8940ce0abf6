"""Exact collection totals, reused while the store's data version is unchanged.

Every full collection page needs the total of its query (``X-Total-Count`` and the
``Link: rel="last"`` page). ``count(*)`` is O(rows matched): about 10 ms for 780k
enrollments on SQLite and 70 ms on PostgreSQL, several times the cost of the 1000-row page
itself, and a client paging through a collection asks for the same total on every page.

``CountCache`` keys a total by the count statement (the dialect's SQL text and its bound
parameters, which include the caller's sharing-policy clause) and the hub's global change
version (``hub_state.change_version``). Total and version are read by one statement, so
they come from one snapshot; a later request reuses the total only if it reads the same
version.

**Invariant this relies on**: every transaction that changes canonical rows also bumps
``hub_state.change_version`` (ARCHITECTURE.md §1.6; ``sync/change_version.py``). A writer
that inserted, updated or deleted canonical rows without bumping it would leave totals stale
until the next bump. The cache is per application instance (``app.state``), bounded, and
a process-local optimisation only: another worker computes its own totals.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any, Final, cast

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from interop_hub.models import HubState

__all__ = ["HUB_VERSION", "CountCache", "statement_key"]

_hub = cast(Table, HubState.__table__)
HUB_VERSION: Final = select(_hub.c.change_version).where(_hub.c.id == 1)


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    hash(value)  # TypeError for anything else unhashable: the caller skips the cache
    return cast(Hashable, value)


def statement_key(session: Session, stmt: Select[Any]) -> Hashable | None:
    """The statement as the database sees it (SQL text and bound values); None when a
    bound value is unhashable."""
    compiled = stmt.compile(dialect=session.get_bind().dialect)
    try:
        return (compiled.string, _hashable(sorted(compiled.params.items())))
    except TypeError:
        return None


class CountCache:
    """``total(session, stmt)``: the result of a ``SELECT count(*) ...`` statement."""

    def __init__(self, max_entries: int = 1024) -> None:
        self._max = max_entries
        self._totals: dict[tuple[Hashable, int], int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._totals)

    def total(self, session: Session, stmt: Select[Any]) -> int:
        key = statement_key(session, stmt)
        if key is None:
            return int(session.execute(stmt).scalar_one())
        version = session.execute(HUB_VERSION).scalar()
        if version is not None:
            found = self._totals.get((key, int(version)))
            if found is not None:
                return found
        row = session.execute(stmt.add_columns(HUB_VERSION.scalar_subquery())).one()
        total, version = int(row[0]), row[1]
        if version is not None:
            with self._lock:
                if len(self._totals) >= self._max:
                    self._totals.clear()
                self._totals[(key, int(version))] = total
        return total
