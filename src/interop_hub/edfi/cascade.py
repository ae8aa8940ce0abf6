"""Natural-key changes cascade into the items that reference the changed item.

When a PUT changes the key of an item whose resource allows key changes (sections,
sessions, student school / section associations, grades, ...; ``ResourceSpec.key_changes``),
every stored item referencing it gets the new key values in that reference. If the
reference is part of the referencing item's own natural key (a studentSectionAssociation's
``sectionReference``), that item's key changes too: it is recorded as a key change for
``/keyChanges`` and the cascade goes on from it. Everything happens in the PUT's
transaction with its change version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from interop_hub.edfi import documents as store
from interop_hub.edfi import edorgs
from interop_hub.edfi.canonical import CORE_RESOURCES, project_delete, project_write
from interop_hub.edfi.errors import NonUniqueIdentity
from interop_hub.edfi.registry import get_registry

__all__ = ["KeyChange", "cascade_key_change"]


@dataclass(frozen=True)
class KeyChange:
    """Item ``seq`` of ``resource`` changed key from ``old`` to ``new`` (flat keys)."""

    resource: str
    seq: int
    old: dict[str, Any]
    new: dict[str, Any]


Prepare = Callable[..., Any]


def _referencing(session: Session, seq: int) -> list[store.StoredDocument]:
    stmt = select(store.REFERENCES.c.document_seq).where(store.REFERENCES.c.target_seq == seq)
    seqs = sorted({int(s) for s in session.scalars(stmt)})
    found = [store.load_by_seq(session, s) for s in seqs]
    return [d for d in found if d is not None]


def _rewrite(body: dict[str, Any], collected: Any, change: KeyChange) -> bool:
    """Point the references to ``change.old`` at ``change.new`` (in place); True if any."""
    changed = False
    for _, ref, values in collected.references:
        for target, renames in ref.targets:
            if target != change.resource:
                continue
            if all(values.get(frm) == change.old.get(to) for frm, to in renames):
                for frm, to in renames:
                    values[frm] = change.new[to]
                changed = True
    return changed


def cascade_key_change(
    session: Session, change: KeyChange, version: int, now: datetime, prepare: Prepare
) -> int:
    """Apply ``change`` to every item referencing it, recursively; return how many items
    were rewritten. ``prepare`` is the write service's (validation and key extraction)."""
    registry = get_registry()
    pending = [change]
    rewritten = 0
    while pending:
        current = pending.pop()
        for doc in _referencing(session, current.seq):
            spec = registry.get(doc.resource)
            if spec is None:
                continue
            body = orjson.loads(doc.body)
            old_body = orjson.loads(doc.body)
            before = prepare(spec, body, allow_id=True)
            if not _rewrite(body, before.collected, current):
                continue
            after = prepare(spec, body, allow_id=True)
            values: dict[str, Any] = {
                "body": after.body,
                "change_version": version,
                "last_modified": now,
            }
            key_changed = after.key_hash != doc.key_hash
            if key_changed:
                # Defensive: the new target key is unused (the PUT checked), so no
                # referencing item can already hold the key it moves to.
                if store.load_by_hash(session, after.key_hash) is not None:
                    raise NonUniqueIdentity(
                        f"The key change would give a referencing {doc.resource} item the "
                        "natural key of another item."
                    )
                values |= {"key_hash": after.key_hash, "natural_key": after.key_json}
                store.add_tombstone(
                    session,
                    [
                        {
                            "kind": "key_change",
                            "resource": doc.resource,
                            "document_id": doc.id,
                            "old_key": doc.natural_key,
                            "new_key": after.key_json,
                            "change_version": version,
                            "at": now,
                        }
                    ],
                )
            store.update_document(session, doc.seq, values)
            old_key = orjson.loads(doc.natural_key) if key_changed else None
            edorgs.after_update(session, doc.resource, doc.seq, after.key, body, old_key)
            if doc.resource in CORE_RESOURCES:
                if key_changed:
                    project_delete(session, doc.resource, old_body, version)
                project_write(session, doc.resource, orjson.loads(after.body), version)
            rewritten += 1
            if key_changed:
                pending.append(
                    KeyChange(doc.resource, doc.seq, orjson.loads(doc.natural_key), after.key)
                )
    return rewritten
