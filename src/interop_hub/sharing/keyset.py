"""Offset paging served as keyset paging while the store's data version is unchanged.

``OFFSET n`` costs O(n): the database walks n index entries before the page (PostgreSQL
~12 ms at offset 90,000 on the users primary key). A client paging through a collection
asks for offset n right after receiving the page that ends at row n-1, so the gateway
remembers, per (window statement, ``hub_state.change_version``, offset), the ``sourcedId``
of the row just before that offset. The next request for that offset reads
``sourced_id > anchor ORDER BY sourced_id LIMIT n`` instead: an index range scan. Only
reads ordered by ``sourced_id`` alone (the default sort) are anchored.

The anchored statement also requires the change version to still be the one the anchor
was recorded at, in the same statement (so in one snapshot, also under PostgreSQL's READ
COMMITTED); if it moved, the statement returns no rows and the gateway runs the plain
``OFFSET`` query. The same invariant as ``counts.py`` applies: every transaction that
changes canonical rows bumps the change version.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from interop_hub.sharing.counts import HUB_VERSION, read_version, statement_key

__all__ = ["Anchor", "PageAnchors", "sorted_by_key"]

_DESC: Final = operators.desc_op


@dataclass(frozen=True)
class Anchor:
    """Where a window starts: the statement key, the data version and, if known, the key of
    the row before ``offset`` (``after``)."""

    key: Hashable
    version: int
    offset: int
    descending: bool
    after: str | None


def sorted_by_key(order_by: Any, key: ColumnElement[Any]) -> bool | None:
    """``False``/``True`` when ``order_by`` is exactly ``key ASC``/``key DESC``, else None."""
    if len(order_by) != 1:
        return None
    order = order_by[0]
    if order is key:
        return False
    if isinstance(order, UnaryExpression) and order.element is key:
        if order.modifier is operators.asc_op:
            return False
        if order.modifier is _DESC:
            return True
    return None


class PageAnchors:
    """Bounded, thread-safe map of page starts, shared by the requests of one app."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._max = max_entries
        self._anchors: dict[tuple[Hashable, int, int], str] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._anchors)

    def find(
        self,
        session: Session,
        window: Select[Any],
        offset: int,
        descending: bool,
        version: int | None = None,
    ) -> Anchor | None:
        """The anchor for ``window`` (keys ordered, without limit/offset) at ``offset``;
        ``version``: the change version the caller just read (else it is read here)."""
        key = statement_key(session, window)
        if key is None:
            return None
        if version is None:
            version = read_version(session)
        if version is None:
            return None
        after = self._anchors.get((key, int(version), offset)) if offset else None
        return Anchor(key, int(version), offset, descending, after)

    def remember(self, anchor: Anchor, count: int, last_key: str) -> None:
        """``count`` rows were read at ``anchor.offset``; the last one has ``last_key``."""
        with self._lock:
            if len(self._anchors) >= self._max:
                self._anchors.clear()
            self._anchors[(anchor.key, anchor.version, anchor.offset + count)] = last_key

    @staticmethod
    def still_current(anchor: Anchor) -> ColumnElement[bool]:
        """True only while the change version is the anchor's (checked in the statement)."""
        return HUB_VERSION.scalar_subquery() == anchor.version
