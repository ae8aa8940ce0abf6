"""Writes of one Ed-Fi request onto the canonical tables, stamped with its change version.

Only rows whose values change are written (a restated document changes nothing); every
changed row gets the request's change version and time, ``source='edfi'``, and is active.
Nothing is hard-deleted: a removed entity becomes ``tobedeleted``. Child rows (roles,
agents, class terms) carry no status; changing them stamps their parent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, cast

import orjson
from sqlalchemy import Table, bindparam, delete, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from interop_hub.edfi import documents
from interop_hub.edfi.extract import key_hash
from interop_hub.models import Crosswalk
from interop_hub.models.base import EntityMixin

__all__ = ["SOURCE", "Writer"]

SOURCE: Final = "edfi"
_CROSSWALK = cast(Table, Crosswalk.__table__)
_HUB_ID = select(_CROSSWALK.c.hub_id).where(
    _CROSSWALK.c.source == SOURCE,
    _CROSSWALK.c.entity_type == bindparam("entity"),
    _CROSSWALK.c.source_key == bindparam("key"),
)
_HUB_IDS = select(_CROSSWALK.c.source_key, _CROSSWALK.c.hub_id).where(
    _CROSSWALK.c.source == SOURCE,
    _CROSSWALK.c.entity_type == bindparam("entity"),
    _CROSSWALK.c.source_key.in_(bindparam("keys", expanding=True)),
)
_STAMP: Final = ("change_version", "date_last_modified", "source", "source_seen_at")
_INSERTS: Final = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_upserts: dict[tuple[str, str, tuple[str, ...], bool], Any] = {}


def _link_statement(insert: Any) -> Any:
    ins = insert(_CROSSWALK)
    return ins.on_conflict_do_update(
        index_elements=[_CROSSWALK.c.source, _CROSSWALK.c.entity_type, _CROSSWALK.c.source_key],
        set_={"last_seen_at": ins.excluded.last_seen_at},
    )


_LINKS: Final = {dialect: _link_statement(insert) for dialect, insert in _INSERTS.items()}


def _upsert_statement(dialect: str, table: Table, names: tuple[str, ...], revive: bool) -> Any:
    """``INSERT ... ON CONFLICT (sourced_id) DO UPDATE ... WHERE <something differs>``, built
    once per (dialect, table, columns, revive) with bound parameters: compiled once."""
    cache_key = (dialect, table.name, names, revive)
    stmt = _upserts.get(cache_key)
    if stmt is None:
        columns = ("sourced_id", "status", *_STAMP, *names)
        ins: Any = _INSERTS[dialect](table).values(
            {c: literal("active") if c == "status" else bindparam(c) for c in columns}
        )
        differs = [table.c[n].is_distinct_from(ins.excluded[n]) for n in names]
        changed = or_(table.c.status != "active", *differs) if revive else or_(*differs)
        stmt = _upserts[cache_key] = ins.on_conflict_do_update(
            index_elements=[table.c.sourced_id],
            set_={c: ins.excluded[c] for c in columns if c != "sourced_id"},
            where=changed,
        )
    return stmt


@dataclass
class Writer:
    session: Session
    version: int
    now: datetime
    # Crosswalk mappings read before the change-version lock (``prefetch_users``): a
    # mapping is never removed and its hub id never changes, so one that existed then
    # still holds; keys not found then are looked up again under the lock.
    known: dict[tuple[str, str], str] = field(default_factory=dict)

    def upsert(self, model: type[EntityMixin], sourced_id: str, values: dict[str, Any]) -> None:
        row = self.session.get(model, sourced_id)
        if row is None:
            self.session.add(
                model(  # type: ignore[call-arg]
                    sourced_id=sourced_id,
                    status="active",
                    **self._stamp(),
                    **values,
                )
            )
            return
        if row.status == "active" and all(getattr(row, k) == v for k, v in values.items()):
            return
        for name, value in {"status": "active", **self._stamp(), **values}.items():
            setattr(row, name, value)

    def upsert_row(
        self,
        model: type[EntityMixin],
        sourced_id: str,
        values: dict[str, Any],
        *,
        revive: bool = True,
    ) -> None:
        """``upsert`` in one SQL statement, without the ORM: the row is inserted, or updated
        (and stamped) only where a value differs or it was not active, exactly as
        ``upsert`` decides. For rows this request does not otherwise hold as ORM objects
        (an ORM copy loaded earlier in the session would not see this write): enrollments,
        and a person's user and demographics when the person is new to the crosswalk.
        Values must be plain column values (names = column keys). ``revive=False``: a row
        that is not active but holds these values is left alone."""
        table = cast(Table, model.__table__)  # type: ignore[attr-defined]
        dialect = self.session.get_bind().dialect.name
        stmt = _upsert_statement(dialect, table, tuple(values), revive)
        params = {"sourced_id": sourced_id, **self._stamp(), **values}
        self.session.connection().execute(stmt, params)

    def tombstone(self, model: type[EntityMixin], sourced_id: str) -> None:
        row = self.session.get(model, sourced_id)
        if row is not None and row.status != "tobedeleted":
            row.status = "tobedeleted"
            for name, value in self._stamp().items():
                setattr(row, name, value)

    def touch(self, model: type[EntityMixin], sourced_id: str) -> None:
        """Stamp a parent whose child rows changed."""
        row = self.session.get(model, sourced_id)
        if row is not None:
            row.change_version = self.version
            row.date_last_modified = self.now

    def replace_children(
        self, model: type[Any], where: dict[str, Any], rows: list[dict[str, Any]]
    ) -> bool:
        """Make the rows of ``model`` matching ``where`` equal ``rows``; True if they changed."""
        cond = [getattr(model, k) == v for k, v in where.items()]
        current = list(self.session.scalars(select(model).where(*cond)))
        names = sorted({k for r in rows for k in r} | set(where))
        have = sorted(tuple(getattr(c, n) for n in names) for c in current)
        want = sorted(tuple({**where, **r}.get(n) for n in names) for r in rows)
        if have == want:
            return False
        self.session.execute(delete(model).where(*cond))
        self.session.add_all(model(**where, **r) for r in rows)
        self.session.flush()
        return True

    def crosswalk(self, entity: str, key: str) -> str | None:
        """The hub id ``key`` maps to (one indexed SELECT; a crosswalk row never changes its
        hub id, so there is no ORM copy to keep in step)."""
        known = self.known.get((entity, key))
        if known is not None:
            return known
        found = self.session.connection().execute(_HUB_ID, {"entity": entity, "key": key})
        hub_id = found.scalar_one_or_none()
        return None if hub_id is None else str(hub_id)

    def link(self, entity: str, key: str, hub_id: str) -> None:
        """Map ``key`` to ``hub_id`` (or mark an existing mapping seen): one statement."""
        row = {
            "source": SOURCE,
            "entity_type": entity,
            "source_key": key,
            "hub_id": hub_id,
            "first_seen_at": self.now,
            "last_seen_at": self.now,
        }
        stmt = _LINKS[self.session.get_bind().dialect.name]
        self.session.connection().execute(stmt, row)

    @staticmethod
    def prefetch(session: Session, entity: str, keys: list[str]) -> dict[tuple[str, str], str]:
        """The existing crosswalk mappings of ``keys`` (one statement), for ``known``."""
        if not keys:
            return {}
        rows = session.connection().execute(_HUB_IDS, {"entity": entity, "keys": keys})
        return {(entity, str(key)): str(hub) for key, hub in rows}

    def document(self, resource: str, key: dict[str, Any]) -> dict[str, Any] | None:
        """The stored Ed-Fi document of ``resource`` with natural key ``key``."""
        stored = documents.load_by_hash(self.session, key_hash(resource, key))
        if stored is None:
            return None
        body: dict[str, Any] = orjson.loads(stored.body)
        return body

    def referencing(
        self, resource: str, key: dict[str, Any], resources: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        """The stored documents of ``resources`` that reference the ``resource`` item with
        natural key ``key``, oldest first."""
        target = documents.load_by_hash(self.session, key_hash(resource, key))
        if target is None:
            return []
        stmt = (
            select(documents.DOCUMENTS.c.body)
            .join(
                documents.REFERENCES,
                documents.REFERENCES.c.document_seq == documents.DOCUMENTS.c.seq,
            )
            .where(
                documents.REFERENCES.c.target_seq == target.seq,
                documents.DOCUMENTS.c.resource.in_(resources),
            )
            .order_by(documents.DOCUMENTS.c.seq)
        )
        return [orjson.loads(body) for body in self.session.scalars(stmt)]

    def _stamp(self) -> dict[str, Any]:
        return {
            "change_version": self.version,
            "date_last_modified": self.now,
            "source": SOURCE,
            "source_seen_at": self.now,
        }
