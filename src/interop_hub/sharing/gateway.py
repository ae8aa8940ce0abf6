"""The read gateway: the one path by which canonical data leaves the store.

Repositories describe *what* to read as a ``Read`` (a table, columns, conditions, order,
window); the gateway builds the statement itself, adds the caller's sharing-policy clause
for that table, runs it, and, for primary reads, records a disclosure. Nothing else in the
serving code holds a database session, so there is no path to data that skips the policy
or the disclosure log.

* ``fetch``: the records a response is made of; records a disclosure.
* ``fetch_related``: sub-rows embedded in already-disclosed records (roles, agents, profiles,
  class terms, child refs); only from the tables in ``RELATED_TABLES``.
* ``count`` / ``exists``: totals and parent checks; return no row data. With a
  ``CountCache`` (the serving dependency passes the app's), totals are reused while the
  hub's change version is unchanged (see ``counts.py`` for the invariant).

With ``PageAnchors``, a page ordered by ``sourced_id`` whose start is known from the previous
page is read as a keyset range instead of ``OFFSET`` (``keyset.py``).

``fetch`` and ``fetch_related`` return the driver's own row tuples (no SQLAlchemy ``Row``
objects, no result-type processing): the serving code selects text or raw columns and
converts values itself, so the only visible difference is that SQLite booleans arrive as
``0``/``1``. This halves the Python cost of a 1000-row page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, cast

from sqlalchemy import ColumnElement, CursorResult, Table, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression

from interop_hub.audit.disclosures import DisclosureEvent, record_disclosure
from interop_hub.models import AcademicSession, ClassTerm, Org, UserAgent, UserProfile, UserRole
from interop_hub.sharing.counts import CountCache
from interop_hub.sharing.keyset import Anchor, PageAnchors, sorted_by_key
from interop_hub.sharing.policy import SharingPolicy

__all__ = ["RELATED_TABLES", "Disclose", "Read", "ReadGateway", "RequestInfo"]

RELATED_TABLES: Final = frozenset(
    {
        UserRole.__tablename__,
        UserAgent.__tablename__,
        UserProfile.__tablename__,
        ClassTerm.__tablename__,
        Org.__tablename__,
        AcademicSession.__tablename__,
    }
)


@dataclass(frozen=True)
class Read:
    """A read of ``table``: the gateway adds the sharing clause for ``table`` itself."""

    table: Table
    columns: Sequence[ColumnElement[Any]]
    where: Sequence[ColumnElement[bool]] = ()
    order_by: Sequence[ColumnElement[Any] | UnaryExpression[Any]] = ()
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class Disclose:
    """What a primary read discloses: entity type, the fields sent, where the person id is.

    ``person_column`` is the index in each row of the person's sourcedId (users,
    demographics: the record id; enrollments: the user id), ``None`` for non-person data.
    """

    entity_type: str
    fields: Sequence[str]
    person_column: int | None = None


@dataclass(frozen=True)
class RequestInfo:
    client_id: str
    endpoint: str
    query: str | None = None


@dataclass
class ReadGateway:
    """Policy-applying, disclosure-recording reads for one request of one client."""

    _session: Session
    policy: SharingPolicy
    request: RequestInfo
    counts: CountCache | None = None
    anchors: PageAnchors | None = None
    disclosures: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if not isinstance(self._session, Session):
            raise TypeError("ReadGateway needs a SQLAlchemy Session")
        if self.policy.client_id != self.request.client_id:
            raise ValueError("the sharing policy belongs to another client")

    @property
    def dialect_name(self) -> str:
        return self._session.get_bind().dialect.name

    def _conditions(self, read: Read) -> list[ColumnElement[bool]]:
        conditions = list(read.where)
        clause = self.policy.clause_for(read.table)
        if clause is not None:
            conditions.append(clause)
        return conditions

    def _select(self, read: Read) -> Any:
        stmt = select(*read.columns).select_from(read.table).where(*self._conditions(read))
        if read.order_by:
            stmt = stmt.order_by(*read.order_by)
        if read.limit is not None:
            stmt = stmt.limit(read.limit)
        if read.offset:
            stmt = stmt.offset(read.offset)
        return stmt

    def _page_select(self, read: Read) -> Any:
        """A deep page as a deferred join: the window is found on the primary key index
        alone (``sourced_id IN (SELECT sourced_id ... LIMIT/OFFSET)``) so skipped rows
        are never read in full; the policy clause stays inside the window query."""
        if not read.offset or read.limit is None:
            return self._select(read)
        key = read.table.c.sourced_id
        window = self._select(
            Read(read.table, [key], read.where, read.order_by, read.limit, read.offset)
        )
        stmt = select(*read.columns).select_from(read.table).where(key.in_(window))
        return stmt.order_by(*read.order_by)

    def _rows(self, stmt: Any) -> list[tuple[Any, ...]]:
        result = cast(CursorResult[Any], self._session.connection().execute(stmt))
        try:
            rows = cast(list[tuple[Any, ...]], result.cursor.fetchall())
        finally:
            result.close()
        return rows

    def _anchor(self, read: Read) -> Anchor | None:
        """The keyset anchor for a page ordered by ``sourced_id`` alone (see ``keyset.py``);
        None when anchors are off or do not apply to this read."""
        if self.anchors is None or read.limit is None or not read.columns:
            return None
        key = read.table.c.get("sourced_id")
        if key is None:
            return None
        descending = sorted_by_key(read.order_by, key)
        if descending is None or read.columns[0] is not key:
            return None
        window = select(key).select_from(read.table).where(*self._conditions(read))
        return self.anchors.find(
            self._session, window.order_by(*read.order_by), read.offset, descending
        )

    def _anchored_rows(self, read: Read, anchor: Anchor) -> list[tuple[Any, ...]]:
        key = read.table.c.sourced_id
        after = key < anchor.after if anchor.descending else key > anchor.after
        stmt = (
            select(*read.columns)
            .select_from(read.table)
            .where(*self._conditions(read), after, PageAnchors.still_current(anchor))
            .order_by(*read.order_by)
            .limit(read.limit)
        )
        return self._rows(stmt)

    def _page(self, read: Read) -> list[tuple[Any, ...]]:
        anchor = self._anchor(read)
        rows: list[tuple[Any, ...]] = []
        if anchor is not None and anchor.after is not None:
            rows = self._anchored_rows(read, anchor)
        if not rows:  # no anchor, the version moved, or really past the end
            rows = self._rows(self._page_select(read))
        if anchor is not None and self.anchors is not None and rows:
            self.anchors.remember(anchor, len(rows), rows[-1][0])
        return rows

    def fetch(self, read: Read, *, disclose: Disclose) -> list[tuple[Any, ...]]:
        rows = self._page(read)
        index = disclose.person_column
        persons = None if index is None else list(dict.fromkeys(row[index] for row in rows))
        record_disclosure(
            self._session,
            DisclosureEvent(
                client_id=self.request.client_id,
                endpoint=self.request.endpoint,
                query=self.request.query,
                entity_type=disclose.entity_type,
                record_count=len(rows),
                person_ids=persons,
                fields=disclose.fields,
            ),
        )
        self.disclosures += 1
        return rows

    def fetch_related(self, read: Read) -> list[tuple[Any, ...]]:
        if read.table.name not in RELATED_TABLES:
            raise PermissionError(
                f"{read.table.name!r} holds primary records: read it with fetch() so the "
                "disclosure is recorded"
            )
        return self._rows(self._select(read))

    def count(self, read: Read) -> int:
        stmt = select(func.count()).select_from(read.table).where(*self._conditions(read))
        if self.counts is not None:
            return self.counts.total(self._session, stmt)
        return int(self._session.execute(stmt).scalar_one())

    def exists(self, read: Read) -> bool:
        probe = Read(read.table, read.columns, read.where, limit=1)
        return self._session.execute(self._select(probe)).first() is not None
