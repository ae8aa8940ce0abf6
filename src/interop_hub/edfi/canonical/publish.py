"""Publish canonical data from other sources as Ed-Fi documents (``documents_from``).

A run takes the hub's change-version lock, builds the documents of every canonical row
changed since the previous run (its watermark is the ``through_version`` of the last
applied ``edfi-publish`` sync run), and stores them with one new change version: new
documents are inserted, changed ones updated, unchanged ones left alone, records that are
gone deleted (with a ``/deletes`` tombstone) unless an Ed-Fi client's item still
references them. Every document is validated against the DS 5.0 schema and its references
resolved like a client's write. ``interop-hub import`` runs it after each import;
``interop-hub edfi publish`` runs it on demand.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import desc, insert, select, update
from sqlalchemy.orm import Session

from interop_hub.core.clock import utcnow
from interop_hub.core.errors import HubError
from interop_hub.edfi import documents as store
from interop_hub.edfi.canonical.documents_from import build_documents
from interop_hub.edfi.registry import get_registry
from interop_hub.edfi.service import prepare, resolve_targets
from interop_hub.models import SyncRun

__all__ = ["PublishResult", "descriptors_loaded", "publish", "summary"]

KIND: Final = "edfi-publish"


@dataclass
class PublishResult:
    through_version: int
    change_version: int | None
    written: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    seconds: float = 0.0


def descriptors_loaded(session: Session) -> bool:
    """Whether ``interop-hub edfi seed`` has run: published documents need descriptors."""
    stmt = select(store.DOCUMENTS.c.seq).where(
        store.DOCUMENTS.c.resource == "gradeLevelDescriptors"
    )
    return session.execute(stmt.limit(1)).first() is not None


def summary(result: PublishResult) -> str:
    total = sum(result.written.values())
    line = (
        f"Ed-Fi: published {total:,} document(s), deleted {sum(result.deleted.values()):,}, "
        f"{result.unchanged:,} unchanged, in {result.seconds:.1f} s"
    )
    if result.skipped:
        line += "; left out (data Ed-Fi requires is missing): " + ", ".join(
            f"{k} {v:,}" for k, v in sorted(result.skipped.items())
        )
    if result.rejected:
        line += f"; {len(result.rejected)} rejected, first: {result.rejected[0]}"
    return line


def _watermark(session: Session) -> int:
    stmt = (
        select(SyncRun.stats)
        .where(SyncRun.kind == KIND, SyncRun.state == "applied")
        .order_by(desc(SyncRun.id))
        .limit(1)
    )
    stats = session.execute(stmt).scalar_one_or_none() or {}
    return int(stats.get("through_version", 0))


def publish(session: Session) -> PublishResult:
    """One publishing run in the caller's transaction (the caller commits)."""
    started = time.perf_counter()
    store.lock_writes(session)
    since = _watermark(session)
    through = store.current_change_version(session)
    built = build_documents(session, since)
    result = PublishResult(
        through_version=through, change_version=None, skipped=dict(built.skipped)
    )
    version: int | None = None

    def stamp() -> int:
        nonlocal version
        if version is None:
            version = store.next_change_version(session)
        return version

    registry = get_registry()
    for resource, doc in built.documents:
        spec = registry.get(resource)
        assert spec is not None, resource
        try:
            prepared = prepare(spec, doc)
            targets = resolve_targets(session, prepared)
        except HubError as exc:
            result.rejected.append(f"{resource}: {exc.message}")
            continue
        existing = store.load_by_hash(session, prepared.key_hash)
        if existing is not None and existing.body == prepared.body:
            result.unchanged += 1
            continue
        values: dict[str, Any] = {
            "body": prepared.body,
            "change_version": stamp(),
            "last_modified": utcnow(),
        }
        if existing is None:
            seq = store.insert_document(
                session,
                {
                    "id": uuid.uuid4().hex,
                    "resource": resource,
                    "key_hash": prepared.key_hash,
                    "natural_key": prepared.key_json,
                    **values,
                },
            )
            store.replace_references(session, seq, targets, new=True)
        else:
            store.update_document(session, existing.seq, values)
            store.replace_references(session, existing.seq, targets)
        result.written[resource] += 1
    for resource, doc in reversed(built.deleted):
        spec = registry.get(resource)
        assert spec is not None, resource
        try:
            prepared = prepare(spec, doc)
        except HubError:
            continue
        existing = store.load_by_hash(session, prepared.key_hash)
        if existing is None or store.is_referenced(session, existing.seq):
            continue
        store.delete_document(session, existing.seq)
        store.add_tombstone(
            session,
            [
                {
                    "kind": "delete",
                    "resource": resource,
                    "document_id": existing.id,
                    "old_key": existing.natural_key,
                    "new_key": None,
                    "change_version": stamp(),
                    "at": utcnow(),
                }
            ],
        )
        result.deleted[resource] += 1
    result.change_version = version
    result.seconds = time.perf_counter() - started
    _record(session, result)
    return result


def _record(session: Session, result: PublishResult) -> None:
    now = utcnow()
    run_id = session.execute(
        insert(SyncRun)
        .values(source="edfi", kind=KIND, state="running", started_at=now, stats={})
        .returning(SyncRun.id)
    ).scalar_one()
    session.execute(
        update(SyncRun)
        .where(SyncRun.id == run_id)
        .values(
            state="applied",
            finished_at=now,
            change_version=result.change_version,
            stats={
                "through_version": result.through_version,
                "written": dict(result.written),
                "deleted": dict(result.deleted),
                "unchanged": result.unchanged,
                "skipped": result.skipped,
                "rejected": result.rejected[:100],
                "seconds": round(result.seconds, 2),
            },
        )
    )
