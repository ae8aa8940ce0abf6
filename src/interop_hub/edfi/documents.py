"""SQL of the document store's write path (``models/edfi.py``). Reads of document data that
leave the hub go through ``reader.py`` instead, which records the disclosure.

Every write runs under the hub's global change-version lock, taken as the transaction's
first statement, and stamps the version it was given. The request path does both in one
statement, ``begin_write`` (``UPDATE hub_state SET change_version = change_version + 1 ...
RETURNING``: on PostgreSQL the row lock, on SQLite the database write lock, after the
process/worker queue of ``core.write_gate``); bulk writers use ``lock_writes`` then
``next_change_version``. The lock is held until the transaction ends, so the transaction
that got version *n* commits before any transaction can even obtain *n + 1*: versions are
handed out in commit order, and a reader that has seen version *n* can never later see a
row stamped lower (change queries and OneRoster delta never skip a row). A write that turns
out to change nothing gives its version back (``release_version``) before it commits, while
it still holds the lock, so nobody can have seen it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, delete, exists, insert, select, text, update
from sqlalchemy.orm import Session

from interop_hub.core import write_gate
from interop_hub.models import EdfiDocument, EdfiReference, EdfiTombstone, HubState

__all__ = [
    "DOCUMENTS",
    "REFERENCES",
    "TOMBSTONES",
    "Lookup",
    "StoredDocument",
    "add_tombstone",
    "begin_write",
    "bodies_by_hashes",
    "current_change_version",
    "delete_document",
    "find_by_hashes",
    "insert_document",
    "insert_many",
    "insert_references",
    "is_referenced",
    "load_by_hash",
    "load_by_id",
    "load_by_seq",
    "lock_writes",
    "lookup",
    "next_change_version",
    "release_version",
    "replace_references",
    "update_document",
]

DOCUMENTS = cast(Table, EdfiDocument.__table__)
REFERENCES = cast(Table, EdfiReference.__table__)
TOMBSTONES = cast(Table, EdfiTombstone.__table__)
_HUB_STATE = cast(Table, HubState.__table__)


@dataclass(frozen=True)
class StoredDocument:
    seq: int
    id: str
    resource: str
    key_hash: str
    natural_key: str
    body: str
    change_version: int
    last_modified: datetime


_COLUMNS = (
    DOCUMENTS.c.seq,
    DOCUMENTS.c.id,
    DOCUMENTS.c.resource,
    DOCUMENTS.c.key_hash,
    DOCUMENTS.c.natural_key,
    DOCUMENTS.c.body,
    DOCUMENTS.c.change_version,
    DOCUMENTS.c.last_modified,
)


_BUMP = (
    update(_HUB_STATE)
    .where(_HUB_STATE.c.id == 1)
    .values(change_version=_HUB_STATE.c.change_version + 1)
    .returning(_HUB_STATE.c.change_version)
)
_UNBUMP = (
    update(_HUB_STATE)
    .where(_HUB_STATE.c.id == 1)
    .values(change_version=_HUB_STATE.c.change_version - 1)
)


def begin_write(session: Session) -> int:
    """Take the change-version lock and this write's version in one statement (the
    transaction's first write); see the module docstring."""
    write_gate.enter(session)
    version = session.connection().execute(_BUMP).scalar_one_or_none()
    if version is None:
        raise RuntimeError("hub_state row 1 is missing; run `interop-hub db upgrade`")
    return int(version)


def release_version(session: Session) -> None:
    """Give back the version of ``begin_write`` when the write changed nothing. Only the
    lock holder can have bumped it and nobody else can have read it, so this is exact."""
    session.connection().execute(_UNBUMP)


def lock_writes(session: Session) -> None:
    write_gate.enter(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT change_version FROM hub_state WHERE id = 1 FOR UPDATE"))
    else:
        session.execute(text("UPDATE hub_state SET change_version = change_version WHERE id = 1"))


def next_change_version(session: Session) -> int:
    """Bump the hub's global change version (after ``lock_writes``); return the new value."""
    stmt = (
        update(_HUB_STATE)
        .where(_HUB_STATE.c.id == 1)
        .values(change_version=_HUB_STATE.c.change_version + 1)
        .returning(_HUB_STATE.c.change_version)
    )
    version = session.execute(stmt).scalar_one_or_none()
    if version is None:
        raise RuntimeError("hub_state row 1 is missing; run `interop-hub db upgrade`")
    return int(version)


def current_change_version(session: Session) -> int:
    stmt = select(_HUB_STATE.c.change_version).where(_HUB_STATE.c.id == 1)
    return int(session.execute(stmt).scalar_one_or_none() or 0)


def find_by_hashes(session: Session, hashes: Iterable[str]) -> dict[str, int]:
    """key hash → document seq, for the hashes that exist."""
    wanted = sorted(set(hashes))
    if not wanted:
        return {}
    stmt = select(DOCUMENTS.c.key_hash, DOCUMENTS.c.seq).where(DOCUMENTS.c.key_hash.in_(wanted))
    return {row[0]: int(row[1]) for row in session.execute(stmt)}


@dataclass(frozen=True)
class Lookup:
    """What one write needs to read: the stored item with its natural key (if any), the
    seqs of the referenced items that exist (key hash → seq), and the hub's change version
    as of the same snapshot (``version``)."""

    existing: StoredDocument | None
    found: dict[str, int]
    version: int


_OWN = DOCUMENTS.c.key_hash == bindparam("own")
_LOOKUP = (
    select(
        _HUB_STATE.c.change_version,
        DOCUMENTS.c.seq,
        DOCUMENTS.c.id,
        DOCUMENTS.c.resource,
        DOCUMENTS.c.key_hash,
        case((_OWN, DOCUMENTS.c.natural_key)),
        case((_OWN, DOCUMENTS.c.body)),  # only the item's own body, not its references'
        DOCUMENTS.c.change_version,
        DOCUMENTS.c.last_modified,
    )
    .select_from(
        _HUB_STATE.outerjoin(
            DOCUMENTS, DOCUMENTS.c.key_hash.in_(bindparam("hashes", expanding=True))
        )
    )
    .where(_HUB_STATE.c.id == 1)
)


def lookup(session: Session, own: str, references: Iterable[str]) -> Lookup:
    """One statement for ``load_by_hash(own)``, ``find_by_hashes(references)`` and
    ``current_change_version``, all from one snapshot.

    It may run *before* ``begin_write``: every writer of documents bumps the change version
    under the lock, in the transaction that writes, so if ``begin_write`` then returns
    ``lookup.version + 1``, no write committed between this snapshot and the lock, and what
    it read is exactly what a read under the lock would return. Otherwise read again."""
    wanted = sorted({own, *references})
    rows = session.connection().execute(_LOOKUP, {"own": own, "hashes": wanted}).all()
    if not rows:
        raise RuntimeError("hub_state row 1 is missing; run `interop-hub db upgrade`")
    existing = None
    found: dict[str, int] = {}
    for row in rows:
        if row[1] is None:
            continue
        found[row[4]] = int(row[1])
        if row[4] == own:
            existing = StoredDocument(*row[1:])
    if existing is not None and own not in set(references):
        del found[own]
    return Lookup(existing, found, int(rows[0][0]))


def _one(session: Session, *where: Any) -> StoredDocument | None:
    row = session.execute(select(*_COLUMNS).where(*where)).first()
    return None if row is None else StoredDocument(*row)


def load_by_id(session: Session, resource: str, document_id: str) -> StoredDocument | None:
    return _one(session, DOCUMENTS.c.id == document_id, DOCUMENTS.c.resource == resource)


def load_by_hash(session: Session, key_hash: str) -> StoredDocument | None:
    return _one(session, DOCUMENTS.c.key_hash == key_hash)


_INSERT_DOCUMENT = insert(DOCUMENTS).returning(DOCUMENTS.c.seq)
_INSERT_REFERENCES = insert(REFERENCES)


def insert_document(session: Session, values: dict[str, Any]) -> int:
    return int(session.connection().execute(_INSERT_DOCUMENT, values).scalar_one())


def update_document(session: Session, seq: int, values: dict[str, Any]) -> None:
    session.execute(update(DOCUMENTS).where(DOCUMENTS.c.seq == seq).values(**values))


def replace_references(
    session: Session, seq: int, targets: Iterable[int], *, new: bool = False
) -> None:
    if not new:
        session.execute(delete(REFERENCES).where(REFERENCES.c.document_seq == seq))
    rows = [{"document_seq": seq, "target_seq": t} for t in sorted(set(targets))]
    if rows:
        session.connection().execute(_INSERT_REFERENCES, rows)


def is_referenced(session: Session, seq: int) -> bool:
    probe = exists().where(REFERENCES.c.target_seq == seq)
    return bool(session.execute(select(probe)).scalar())


def delete_document(session: Session, seq: int) -> None:
    session.execute(delete(REFERENCES).where(REFERENCES.c.document_seq == seq))
    session.execute(delete(DOCUMENTS).where(DOCUMENTS.c.seq == seq))


def add_tombstone(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(TOMBSTONES), list(rows))


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(DOCUMENTS), list(rows))


def bodies_by_hashes(session: Session, hashes: Iterable[str]) -> dict[str, str]:
    """key hash → stored body, for the hashes that exist (bulk writers compare bodies)."""
    wanted = sorted(set(hashes))
    if not wanted:
        return {}
    stmt = select(DOCUMENTS.c.key_hash, DOCUMENTS.c.body).where(DOCUMENTS.c.key_hash.in_(wanted))
    return {row[0]: row[1] for row in session.execute(stmt)}


def insert_references(session: Session, pairs: Sequence[tuple[int, int]]) -> None:
    """Bulk-insert ``(document seq, target seq)`` rows for newly inserted documents."""
    if pairs:
        rows = [{"document_seq": d, "target_seq": t} for d, t in sorted(set(pairs))]
        session.execute(insert(REFERENCES), rows)


def load_by_seq(session: Session, seq: int) -> StoredDocument | None:
    return _one(session, DOCUMENTS.c.seq == seq)
