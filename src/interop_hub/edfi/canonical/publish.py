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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from typing import Any, Final

import orjson
from sqlalchemy import desc, insert, select, update
from sqlalchemy.orm import Session

from interop_hub.core.clock import utcnow
from interop_hub.core.errors import HubError
from interop_hub.core.statistics import refresh_statistics
from interop_hub.edfi import documents as store
from interop_hub.edfi import edorgs
from interop_hub.edfi.canonical.documents_from import build_documents
from interop_hub.edfi.descriptors import descriptor_key
from interop_hub.edfi.extract import key_hash
from interop_hub.edfi.registry import ResourceSpec, get_registry
from interop_hub.edfi.service import Prepared, prepare
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
    # The ed-org authorization index (``edfi.edorgs``): small runs update it document by
    # document like a client's write; large ones rebuild it set-based at the end.
    indexed: list[Callable[[], None]] = []
    for resource, docs in _chunks(built.documents):
        spec = registry.get(resource)
        assert spec is not None, resource
        indexed += _store_chunk(session, spec, docs, result, stamp)
    if len(indexed) <= _HOOKS_UP_TO:
        for hook in indexed:
            hook()
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
        edorgs.before_delete(session, resource, existing.seq, existing.id, prepared.key)
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
    if len(indexed) > _HOOKS_UP_TO:
        edorgs.rebuild(session)
        refresh_statistics(session.connection(), _EDFI_TABLES)
    result.change_version = version
    result.seconds = time.perf_counter() - started
    _record(session, result)
    return result


_CHUNK: Final = 1000
_EDFI_TABLES: Final = ("edfi_documents", "edfi_references", "edfi_document_edorgs")
_HOOKS_UP_TO: Final = 2000
"""Up to this many written documents the authorization index is kept per document (about
0.7 ms each); above, one set-based rebuild (about 1 s per 180k index rows on SQLite)."""


def _chunks(
    documents: list[tuple[str, dict[str, Any]]],
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Runs of at most ``_CHUNK`` documents of one resource, in order. Documents only
    reference documents of earlier resources, so each chunk resolves against stored ones."""
    for resource, group in groupby(documents, key=lambda item: item[0]):
        docs = [doc for _, doc in group]
        for start in range(0, len(docs), _CHUNK):
            yield resource, docs[start : start + _CHUNK]


def _reference_hashes(prepared: Prepared) -> tuple[list[str], list[list[str]]]:
    """Key hashes of the descriptors and (per reference, any of the targets) of the
    documents ``prepared`` references."""
    descriptors = []
    for _, resource, uri in prepared.collected.descriptors:
        key = descriptor_key(uri)
        descriptors.append(key_hash(resource, key) if key else "")
    references = [
        [
            key_hash(target, {to: values.get(frm) for frm, to in renames})
            for target, renames in ref.targets
        ]
        for _, ref, values in prepared.collected.references
    ]
    return descriptors, references


def _store_chunk(
    session: Session,
    spec: ResourceSpec,
    docs: list[dict[str, Any]],
    result: PublishResult,
    stamp: Callable[[], int],
) -> list[Callable[[], None]]:
    """Validate, resolve and write one chunk with a handful of statements: one lookup of
    the documents and their references, one insert of the new documents, one of their
    references (changed documents are updated one by one; they are few). Returns the
    authorization-index updates the written documents need."""
    hooks: list[Callable[[], None]] = []
    prepared: list[tuple[Prepared, list[str], list[list[str]]]] = []
    for doc in docs:
        try:
            item = prepare(spec, doc)
        except HubError as exc:
            result.rejected.append(f"{spec.name}: {exc.message}")
            continue
        prepared.append((item, *_reference_hashes(item)))
    wanted = {h for p, ds, rs in prepared for h in (p.key_hash, *ds, *(x for r in rs for x in r))}
    found = store.find_by_hashes(session, wanted)
    bodies = store.bodies_by_hashes(session, [p.key_hash for p, _, _ in prepared])
    fresh: list[tuple[Prepared, list[int]]] = []
    for item, descriptors, references in prepared:
        targets = [found[h] for h in descriptors if h in found]
        resolved = [next((found[h] for h in hs if h in found), None) for hs in references]
        if len(targets) < len(descriptors) or None in resolved:
            result.rejected.append(f"{spec.name}: unresolved descriptor or reference in {item.key}")
            continue
        targets += [seq for seq in resolved if seq is not None]
        held = bodies.get(item.key_hash)
        if held == item.body:
            result.unchanged += 1
            continue
        if held is None:
            fresh.append((item, targets))
            continue
        seq = found[item.key_hash]
        values = {"body": item.body, "change_version": stamp(), "last_modified": utcnow()}
        store.update_document(session, seq, values)
        store.replace_references(session, seq, targets)
        hooks.append(partial(edorgs.after_update, session, spec.name, seq, item.key, _doc(item)))
        result.written[spec.name] += 1
    if not fresh:
        return hooks
    now, version = utcnow(), stamp()
    store.insert_many(
        session,
        [
            {
                "id": uuid.uuid4().hex,
                "resource": spec.name,
                "key_hash": item.key_hash,
                "natural_key": item.key_json,
                "body": item.body,
                "change_version": version,
                "last_modified": now,
            }
            for item, _ in fresh
        ],
    )
    seqs = store.find_by_hashes(session, [item.key_hash for item, _ in fresh])
    store.insert_references(
        session,
        [(seqs[item.key_hash], target) for item, targets in fresh for target in set(targets)],
    )
    hooks += [
        partial(edorgs.after_insert, session, spec.name, seqs[item.key_hash], item.key, _doc(item))
        for item, _ in fresh
    ]
    result.written[spec.name] += len(fresh)
    return hooks


def _doc(item: Prepared) -> dict[str, Any]:
    body: dict[str, Any] = orjson.loads(item.body)
    return body


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
