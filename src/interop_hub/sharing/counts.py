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

Statements are keyed by SQLAlchemy's own cache key (the statement's structure) plus the
values of its bound parameters and the dialect's name: the key the engine's compiled-SQL
cache uses, and several times cheaper to build than compiling the statement to its text.
A statement without a cache key (an element that opts out of caching) is compiled instead.
The caller may pass the change version it already read in this request (``version=``) so
a request reads it once for its count and its page anchor.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any, Final, cast

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from interop_hub.models import HubState

__all__ = ["HUB_VERSION", "CountCache", "read_version", "statement_key"]

_hub = cast(Table, HubState.__table__)
HUB_VERSION: Final = select(_hub.c.change_version).where(_hub.c.id == 1)


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    hash(value)  # TypeError for anything else unhashable: the caller skips the cache
    return cast(Hashable, value)


def statement_key(session: Session, stmt: Select[Any]) -> Hashable | None:
    """The statement as the database sees it (its structure, or else its SQL text, and its
    bound values, for the session's dialect); None when a bound value is unhashable."""
    dialect = session.get_bind().dialect
    try:
        cache_key = stmt._generate_cache_key()
        if cache_key is not None:
            values = tuple(_hashable(p.effective_value) for p in cache_key.bindparams)
            return (dialect.name, cache_key.key, values)
        compiled = stmt.compile(dialect=dialect)
        return (compiled.string, _hashable(sorted(compiled.params.items())))
    except TypeError:
        return None


def read_version(session: Session) -> int | None:
    """The hub's change version as the session sees it now (None before the first run)."""
    version = session.connection().execute(HUB_VERSION).scalar()
    return None if version is None else int(version)


class CountCache:
    """``total(session, stmt)``: the result of a ``SELECT count(*) ...`` statement."""

    def __init__(self, max_entries: int = 1024) -> None:
        self._max = max_entries
        self._totals: dict[tuple[Hashable, int], int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._totals)

    def total(self, session: Session, stmt: Select[Any], version: int | None = None) -> int:
        """``version``: the change version the caller just read (else it is read here)."""
        key = statement_key(session, stmt)
        if key is None:
            return int(session.execute(stmt).scalar_one())
        if version is None:
            version = read_version(session)
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
