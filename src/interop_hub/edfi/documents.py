"""SQL of the document store's write path (``models/edfi.py``). Reads of document data that
leave the hub go through ``reader.py`` instead, which records the disclosure.

Every write runs under the hub's global change-version lock, taken by ``lock_writes`` as the
transaction's first statement (PostgreSQL: ``SELECT ... FOR UPDATE`` on ``hub_state``; SQLite:
a no-op write that takes the database write lock, so no read snapshot can go stale), and
stamps the version ``next_change_version`` returns. Versions are therefore handed out in
commit order and change queries never skip a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, exists, insert, select, text, update
from sqlalchemy.orm import Session

from interop_hub.models import EdfiDocument, EdfiReference, EdfiTombstone, HubState

__all__ = [
    "DOCUMENTS",
    "REFERENCES",
    "TOMBSTONES",
    "StoredDocument",
    "add_tombstone",
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
    "next_change_version",
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


def lock_writes(session: Session) -> None:
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


def _one(session: Session, *where: Any) -> StoredDocument | None:
    row = session.execute(select(*_COLUMNS).where(*where)).first()
    return None if row is None else StoredDocument(*row)


def load_by_id(session: Session, resource: str, document_id: str) -> StoredDocument | None:
    return _one(session, DOCUMENTS.c.id == document_id, DOCUMENTS.c.resource == resource)


def load_by_hash(session: Session, key_hash: str) -> StoredDocument | None:
    return _one(session, DOCUMENTS.c.key_hash == key_hash)


def insert_document(session: Session, values: dict[str, Any]) -> int:
    stmt = insert(DOCUMENTS).values(**values).returning(DOCUMENTS.c.seq)
    return int(session.execute(stmt).scalar_one())


def update_document(session: Session, seq: int, values: dict[str, Any]) -> None:
    session.execute(update(DOCUMENTS).where(DOCUMENTS.c.seq == seq).values(**values))


def replace_references(
    session: Session, seq: int, targets: Iterable[int], *, new: bool = False
) -> None:
    if not new:
        session.execute(delete(REFERENCES).where(REFERENCES.c.document_seq == seq))
    rows = [{"document_seq": seq, "target_seq": t} for t in sorted(set(targets))]
    if rows:
        session.execute(insert(REFERENCES), rows)


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
