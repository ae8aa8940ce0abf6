"""The read gateway: the one path by which canonical data leaves the store.

Repositories describe *what* to read as a ``Read`` (a table, columns, conditions, order,
window); the gateway builds the statement itself, adds the caller's sharing-policy clause
for that table, runs it, and, for primary reads, records a disclosure. Nothing else in the
serving code holds a database session, so there is no path to data that skips the policy
or the disclosure log.

* ``fetch``: the records a response is made of; records a disclosure. A column may be an
  ``Embed``: the sub-rows of each record (roles, agents...) from a table in
  ``RELATED_TABLES``, aggregated in SQL into one JSON text per record, with that table's
  policy clause applied just as ``fetch_related`` applies it. Plain columns that read any
  other table are refused.
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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, cast

from sqlalchemy import (
    Column,
    ColumnElement,
    CursorResult,
    String,
    Table,
    Text,
    case,
    exists,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.selectable import Alias

from interop_hub.audit.disclosures import DisclosureEvent, record_disclosure
from interop_hub.models import AcademicSession, ClassTerm, Org, UserAgent, UserProfile, UserRole
from interop_hub.sharing.counts import CountCache, read_version
from interop_hub.sharing.keyset import Anchor, PageAnchors, sorted_by_key
from interop_hub.sharing.policy import SharingPolicy

__all__ = ["RELATED_TABLES", "Disclose", "Embed", "Read", "ReadGateway", "RequestInfo"]

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
class Embed:
    """Sub-rows of each primary record as one column: the rows of ``table`` (a related table)
    matching ``where`` (which links them to the primary row), in ``order_by``, each as a JSON
    array of ``items``, all in one JSON array text: ``'[]'`` (SQLite) or NULL (PostgreSQL)
    when there are none. The gateway adds ``table``'s policy clause. ``sparse``: most records
    have none, so SQLite probes for one before aggregating (NULL when there are none)."""

    table: Table
    items: Sequence[ColumnElement[Any]]
    where: Sequence[ColumnElement[bool]]
    order_by: Sequence[ColumnElement[Any]]
    sparse: bool = False


@dataclass(frozen=True)
class Read:
    """A read of ``table``: the gateway adds the sharing clause for ``table`` itself.
    ``Embed`` columns are allowed in primary reads (``fetch``) only."""

    table: Table
    columns: Sequence[ColumnElement[Any] | Embed]
    where: Sequence[ColumnElement[bool]] = ()
    order_by: Sequence[ColumnElement[Any] | UnaryExpression[Any]] = ()
    limit: int | None = None
    offset: int = 0


# Column expressions already checked by ``_check_tables``, by (expression id, table read);
# the value keeps the expression alive so its id cannot be reused. The first ``_VETTED_MAX``
# distinct expressions are remembered (the serving code's are module-level constants).
_VETTED: Final[dict[tuple[int, str], ColumnElement[Any]]] = {}
_VETTED_MAX: Final = 1024


def _check_tables(primary: Table, expressions: Iterable[ColumnElement[Any]]) -> None:
    """Refuse expressions that read any table but the related tables (and ``primary`` as
    the correlated outer row, never aliased): an embedded subquery must not disclose
    primary records without their policy clause and disclosure."""
    for expression in expressions:
        if isinstance(expression, Column) and expression.table is primary:
            continue
        key = (id(expression), primary.name)
        if key in _VETTED:
            continue
        for element in visitors.iterate(expression):
            table = element.element if isinstance(element, Alias) else element
            if not isinstance(table, Table) or table.name in RELATED_TABLES:
                continue
            if table is not primary or table is not element:
                raise PermissionError(
                    f"{table.name!r} holds primary records: it cannot be embedded in a "
                    f"read of {primary.name!r}"
                )
        if len(_VETTED) < _VETTED_MAX:
            _VETTED[key] = expression


# Built embed columns for unrestricted policies, by (Embed id, dialect); the value keeps the
# Embed alive (and is checked on lookup) so an id is never matched to another Embed.
_EMBEDDED: Final[dict[tuple[int, str], tuple[Embed, ColumnElement[Any]]]] = {}


def _plain(columns: Sequence[ColumnElement[Any] | Embed]) -> list[ColumnElement[Any]]:
    plain: list[ColumnElement[Any]] = []
    for column in columns:
        if isinstance(column, Embed):
            raise TypeError("Embed columns are only resolved by ReadGateway.fetch")
        plain.append(column)
    return plain


def _sqlite_embed(primary: Table, embed: Embed, where: list[ColumnElement[bool]]) -> Any:
    # The ordered rows in a derived table, aggregated outside it: SQLite aggregates in scan
    # order, and json_array() must run in the aggregating query for its items to stay JSON.
    rows = select(*embed.items).where(*where).order_by(*embed.order_by)
    sub = rows.correlate(primary).subquery()
    fields = [sub.c[i] for i in range(len(embed.items))]
    value = fields[0] if len(fields) == 1 else func.json_array(*fields)
    aggregate = select(func.json_group_array(value)).scalar_subquery()
    if not embed.sparse:
        return aggregate
    # an index probe per record is cheaper than an empty aggregate (sorter, co-routine)
    probe = exists(select(literal_column("1")).where(*where).correlate(primary))
    return case((probe, aggregate))


def _postgresql_embed(embed: Embed, where: list[ColumnElement[bool]]) -> Any:
    items = embed.items
    value = items[0] if len(items) == 1 else func.json_build_array(*items)
    aggregate = func.json_agg(aggregate_order_by(value, *embed.order_by))
    return select(sql_cast(aggregate, Text())).where(*where).scalar_subquery()


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
    _version: int | None = field(default=None, init=False, repr=False)
    _version_read: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self._session, Session):
            raise TypeError("ReadGateway needs a SQLAlchemy Session")
        if self.policy.client_id != self.request.client_id:
            raise ValueError("the sharing policy belongs to another client")

    @property
    def dialect_name(self) -> str:
        return self._session.get_bind().dialect.name

    def _data_version(self) -> int | None:
        """The hub's change version, read once per gateway (one request) and shared by the
        page anchor and the count cache."""
        if not self._version_read:
            self._version = read_version(self._session)
            self._version_read = True
        return self._version

    def _conditions(self, read: Read) -> list[ColumnElement[bool]]:
        conditions = list(read.where)
        clause = self.policy.clause_for(read.table)
        if clause is not None:
            conditions.append(clause)
        return conditions

    def _select(self, read: Read) -> Any:
        stmt = select(*_plain(read.columns)).select_from(read.table)
        stmt = stmt.where(*self._conditions(read))
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
        stmt = select(*_plain(read.columns)).select_from(read.table).where(key.in_(window))
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
            self._session,
            window.order_by(*read.order_by),
            read.offset,
            descending,
            self._data_version(),
        )

    def _anchored_rows(self, read: Read, anchor: Anchor) -> list[tuple[Any, ...]]:
        key = read.table.c.sourced_id
        after = key < anchor.after if anchor.descending else key > anchor.after
        stmt = (
            select(*_plain(read.columns))
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

    def _embedded(self, primary: Table, embed: Embed) -> ColumnElement[Any]:
        if embed.table.name not in RELATED_TABLES:
            raise PermissionError(f"{embed.table.name!r} holds primary records: not embeddable")
        _check_tables(primary, [*embed.items, *embed.where, *embed.order_by])
        clause = self.policy.clause_for(embed.table)
        cache_key = (id(embed), self.dialect_name)
        if clause is None:
            cached = _EMBEDDED.get(cache_key)
            if cached is not None and cached[0] is embed:
                return cached[1]
        where = [*embed.where] if clause is None else [*embed.where, clause]
        if self.dialect_name == "postgresql":
            aggregate = _postgresql_embed(embed, where)
        else:
            aggregate = _sqlite_embed(primary, embed, where)
        column: ColumnElement[Any] = type_coerce(aggregate, String())
        if clause is None and len(_EMBEDDED) < _VETTED_MAX:
            _EMBEDDED[cache_key] = (embed, column)  # the statement cache then matches it
        return column

    def _resolve(self, read: Read) -> Read:
        """``read`` with its ``Embed`` columns built (and every column checked)."""
        if not any(isinstance(column, Embed) for column in read.columns):
            _check_tables(read.table, _plain(read.columns))
            return read
        columns: list[ColumnElement[Any] | Embed] = []
        for column in read.columns:
            if isinstance(column, Embed):
                columns.append(self._embedded(read.table, column))
            else:
                _check_tables(read.table, [column])
                columns.append(column)
        return replace(read, columns=columns)

    def fetch(self, read: Read, *, disclose: Disclose) -> list[tuple[Any, ...]]:
        read = self._resolve(read)
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
            return self.counts.total(self._session, stmt, self._data_version())
        return int(self._session.execute(stmt).scalar_one())

    def exists(self, read: Read) -> bool:
        probe = Read(read.table, read.columns, read.where, limit=1)
        return self._session.execute(self._select(probe)).first() is not None
