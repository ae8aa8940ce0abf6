"""POST (upsert by natural key), PUT, DELETE of Ed-Fi documents. Never commits.

Each write first does the pure work (prune unknown properties, validate against the schema,
check descriptor URIs and key unification, compute the natural key), then touches the
database under the hub's change-version lock: descriptor values and references must resolve
to stored documents (400 and 409), the key decides insert or update, and the write is
stamped with a new global change version. Any error raises before anything is written, and
the request's transaction is rolled back as a whole, so nothing partial is ever stored. An
upsert that changes nothing keeps the document's version (200, same ETag) and gives back the
global version it took (``documents.release_version``).

**The POST path** (``upsert``, the bulk loaders' path) is kept short where writers queue:
one statement reads the stored item, every reference and descriptor, and the current
change version (``documents.lookup``) *before* the lock; one statement then takes the lock
and the write's version (``documents.begin_write``); if that version is not the one read
plus one, some write committed in between and the lookup is repeated under the lock. Every
writer of documents bumps the version under the lock in the transaction that writes, so
"version + 1" proves the early read is what a read under the lock would see. The
authorization check (``check_write``) reads the ed-org index under the lock. The lock is held
to the commit, so versions are committed in the order they are handed out (see
``documents``). PUT and DELETE (less frequent, and PUT may cascade) take the lock first.

Core resources (``edfi.canonical.CORE_RESOURCES``: education organizations, sessions,
courses, sections, people and their associations) are also projected onto the canonical
store in the same transaction, with the same change version, so OneRoster serves them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, NoReturn

import orjson
from sqlalchemy.orm import Session

from interop_hub.core.clock import utcnow
from interop_hub.edfi import documents as store
from interop_hub.edfi import edorgs
from interop_hub.edfi.authorization import access_for, check_delete, check_write
from interop_hub.edfi.canonical import (
    CORE_RESOURCES,
    prefetch_users,
    project_delete,
    project_write,
)
from interop_hub.edfi.cascade import KeyChange, cascade_key_change
from interop_hub.edfi.descriptors import descriptor_key, type_for_resource
from interop_hub.edfi.errors import (
    DataValidationFailed,
    DependentItemExists,
    EdfiNotFound,
    KeyChangeNotSupported,
    NonUniqueIdentity,
    OptimisticLockFailed,
    UnresolvedReference,
)
from interop_hub.edfi.extract import (
    Collected,
    KeyUnificationError,
    canonical_key,
    check_unified,
    key_hash,
    natural_key,
    walk,
)
from interop_hub.edfi.registry import Reference, ResourceSpec
from interop_hub.edfi.render import etag_for
from interop_hub.edfi.validation import ValidationProblem, validate_document

__all__ = [
    "Prepared",
    "WriteResult",
    "delete",
    "not_found",
    "prepare",
    "put",
    "upsert",
]


@dataclass(frozen=True)
class WriteResult:
    id: str
    created: bool
    change_version: int


@dataclass
class Prepared:
    """A validated document, ready to store."""

    resource: ResourceSpec
    body: str
    key: dict[str, Any]
    key_json: str
    key_hash: str
    collected: Collected = field(repr=False)


def prepare(resource: ResourceSpec, document: Any, *, allow_id: bool = False) -> Prepared:
    """Everything that needs no database: raises ``DataValidationFailed``."""
    if not isinstance(document, dict):
        raise DataValidationFailed({"$": ["The request body must be a JSON object."]})
    if not allow_id and "id" in document:
        raise DataValidationFailed(
            {"$.id": ["Resource identifiers cannot be assigned by the client."]}
        )
    collected = Collected()
    walk(resource.plan, document, "$", collected)
    try:
        validate_document(resource, document)
    except ValidationProblem as problem:
        raise DataValidationFailed(problem.errors) from None
    bad = {
        path: [f"{uri!r} is not a descriptor URI of the form 'namespace#codeValue'."]
        for path, _, uri in collected.descriptors
        if not isinstance(uri, str) or descriptor_key(uri) is None
    }
    if bad:
        raise DataValidationFailed(bad)
    try:
        key = natural_key(resource, document)
        check_unified(resource, document)
    except KeyUnificationError as exc:
        paths = {"$." + ".".join(p): [str(exc)] for p in exc.paths}
        raise DataValidationFailed(paths, str(exc)) from None
    return Prepared(
        resource=resource,
        body=orjson.dumps(document).decode(),
        key=key,
        key_json=canonical_key(key),
        key_hash=key_hash(resource.name, key),
        collected=collected,
    )


def _reference_hashes(ref: Reference, values: dict[str, Any]) -> list[str]:
    hashes = []
    for target, renames in ref.targets:
        key = {to: values.get(frm) for frm, to in renames}
        hashes.append(key_hash(target, key))
    return hashes


def _target_label(ref: Reference) -> str:
    base = ref.schema.removeprefix("edFi_").removesuffix("Reference")
    return base[:1].upper() + base[1:]


def _wanted(prepared: Prepared) -> tuple[list[str], list[list[str]]]:
    """The key hashes of the descriptor values and of each reference's candidate targets."""
    collected = prepared.collected
    descriptor_hashes = []
    for _, resource, uri in collected.descriptors:
        key = descriptor_key(uri)
        descriptor_hashes.append(key_hash(resource, key) if key else "")
    reference_hashes = [_reference_hashes(ref, values) for _, ref, values in collected.references]
    return descriptor_hashes, reference_hashes


def _resolve(
    session: Session,
    prepared: Prepared,
    wanted: tuple[list[str], list[list[str]]] | None = None,
    found: dict[str, int] | None = None,
) -> list[int]:
    """The seqs of every document referenced (descriptors included); raise 400 for unknown
    descriptor values and 409 for unresolved references. ``wanted``/``found``: the hashes
    and what ``store.lookup`` found of them, when the caller looked them up already."""
    collected = prepared.collected
    descriptor_hashes, reference_hashes = wanted or _wanted(prepared)
    if found is None:
        found = store.find_by_hashes(
            session, [*descriptor_hashes, *(h for hs in reference_hashes for h in hs)]
        )
    missing_descriptors = {
        path: [f"{type_for_resource(resource)} value '{uri}' does not exist."]
        for (path, resource, uri), h in zip(collected.descriptors, descriptor_hashes, strict=True)
        if h not in found
    }
    if missing_descriptors:
        raise DataValidationFailed(missing_descriptors)
    targets = [found[h] for h in descriptor_hashes]
    unresolved: list[tuple[str, Reference]] = []
    for (path, ref, _), hashes in zip(collected.references, reference_hashes, strict=True):
        seq = next((found[h] for h in hashes if h in found), None)
        if seq is None:
            unresolved.append((path, ref))
        else:
            targets.append(seq)
    if unresolved:
        labels = sorted({_target_label(ref) for _, ref in unresolved})
        names = ", ".join(f"'{label}'" for label in labels)
        raise UnresolvedReference(
            f"The referenced {names} item(s) do not exist.",
            errors=[
                f"{path}: the referenced {_target_label(ref)} does not exist."
                for path, ref in unresolved
            ],
        )
    return targets


def _check_writer(
    session: Session,
    granted: frozenset[int] | None,
    prepared: Prepared,
    document: Any,
    existing: store.StoredDocument | None,
) -> None:
    """403 unless the client's ed-org grant covers the item (``authorization``)."""
    seq = None if existing is None else existing.seq
    check_write(session, access_for(granted), prepared.resource, prepared.key, document, seq)


def _check_if_match(if_match: str | None, existing: store.StoredDocument) -> None:
    if if_match is None:
        return
    wanted = {t.strip().removeprefix("W/").strip('"') for t in if_match.split(",")}
    if "*" not in wanted and etag_for(existing.change_version) not in wanted:
        raise OptimisticLockFailed(
            "The item has been modified by another user; the supplied If-Match ETag does not "
            "match the current one."
        )


def upsert(
    session: Session,
    resource: ResourceSpec,
    document: Any,
    client_id: str,
    *,
    edorgs_granted: frozenset[int] | None = None,
) -> WriteResult:
    """POST: create the item, or update the one with the same natural key.
    ``edorgs_granted``: the client's ed-org grant (None: unrestricted)."""
    prepared = prepare(resource, document)
    # One statement reads the stored item and every reference, *before* the change-version
    # lock, so the serialised part of the write is shorter; one more takes the lock and this
    # write's version. If any write committed in between, read again under the lock
    # (``documents.lookup``): a write never acts on a state older than its lock.
    wanted = _wanted(prepared)
    hashes = [*wanted[0], *(h for hs in wanted[1] for h in hs)]
    seen = store.lookup(session, prepared.key_hash, hashes)
    # the people it names, for the projection (a mapping never changes once made)
    known = prefetch_users(session, resource.name, document)
    version = store.begin_write(session)
    if version != seen.version + 1:
        seen = store.lookup(session, prepared.key_hash, hashes)
    existing = seen.existing
    _check_writer(session, edorgs_granted, prepared, document, existing)
    targets = _resolve(session, prepared, wanted, seen.found)
    if existing is not None:
        if existing.body == prepared.body:
            store.release_version(session)
            return WriteResult(existing.id, False, existing.change_version)
        store.update_document(
            session,
            existing.seq,
            {"body": prepared.body, "change_version": version, "last_modified": utcnow()},
        )
        store.replace_references(session, existing.seq, targets)
        edorgs.after_update(session, resource.name, existing.seq, prepared.key, document)
        _project(session, prepared, version, known)
        return WriteResult(existing.id, False, version)
    document_id = uuid.uuid4().hex
    seq = store.insert_document(
        session,
        {
            "id": document_id,
            "resource": resource.name,
            "key_hash": prepared.key_hash,
            "natural_key": prepared.key_json,
            "body": prepared.body,
            "change_version": version,
            "last_modified": utcnow(),
        },
    )
    store.replace_references(session, seq, targets, new=True)
    edorgs.after_insert(session, resource.name, seq, prepared.key, document)
    _project(session, prepared, version, known)
    return WriteResult(document_id, True, version)


def _existing(session: Session, resource: ResourceSpec, document_id: str) -> store.StoredDocument:
    existing = store.load_by_id(session, resource.name, document_id)
    if existing is None:
        not_found(resource, document_id)
    return existing


def put(
    session: Session,
    resource: ResourceSpec,
    document_id: str,
    document: Any,
    client_id: str,
    if_match: str | None = None,
    *,
    edorgs_granted: frozenset[int] | None = None,
) -> WriteResult:
    """PUT: replace the item ``document_id`` (never creates). A natural-key change is allowed
    only where the spec allows it; it cascades into the items referencing this one
    (``cascade``)."""
    if isinstance(document, dict):
        document.pop("id", None)  # "If the resource identifier is provided in the body, it
        # will be ignored" (DS 5.0 OpenAPI)
    prepared = prepare(resource, document)
    store.lock_writes(session)
    existing = _existing(session, resource, document_id)
    _check_writer(session, edorgs_granted, prepared, document, existing)
    _check_if_match(if_match, existing)
    key_changed = prepared.key_hash != existing.key_hash
    if key_changed:
        if not resource.key_changes:
            raise KeyChangeNotSupported(
                f"Natural key values of {resource.name} cannot be changed; delete and "
                "recreate the item instead.",
                validation_errors={
                    "$": [f"Changing the natural key of {resource.name} is not supported."]
                },
            )
        if store.load_by_hash(session, prepared.key_hash) is not None:
            raise NonUniqueIdentity(
                "Another item already has the natural key values this update would give."
            )
    targets = _resolve(session, prepared)
    if not key_changed and existing.body == prepared.body:
        return WriteResult(existing.id, False, existing.change_version)
    version = store.next_change_version(session)
    now = utcnow()
    values: dict[str, Any] = {
        "body": prepared.body,
        "change_version": version,
        "last_modified": now,
    }
    if key_changed:
        values |= {"key_hash": prepared.key_hash, "natural_key": prepared.key_json}
        store.add_tombstone(
            session,
            [
                {
                    "kind": "key_change",
                    "resource": resource.name,
                    "document_id": existing.id,
                    "old_key": existing.natural_key,
                    "new_key": prepared.key_json,
                    "change_version": version,
                    "at": now,
                }
            ],
        )
    store.update_document(session, existing.seq, values)
    store.replace_references(session, existing.seq, targets)
    old_key = orjson.loads(existing.natural_key) if key_changed else None
    edorgs.after_update(session, resource.name, existing.seq, prepared.key, document, old_key)
    if key_changed and resource.name in CORE_RESOURCES:
        project_delete(session, resource.name, orjson.loads(existing.body), version)
    _project(session, prepared, version)
    if key_changed:
        assert old_key is not None
        change = KeyChange(resource.name, existing.seq, old_key, prepared.key)
        cascade_key_change(session, change, version, now, prepare)
    return WriteResult(existing.id, False, version)


def delete(
    session: Session,
    resource: ResourceSpec,
    document_id: str,
    client_id: str,
    if_match: str | None = None,
    *,
    edorgs_granted: frozenset[int] | None = None,
) -> int:
    """DELETE: remove the item unless other items reference it (409); return the version."""
    store.lock_writes(session)
    existing = _existing(session, resource, document_id)
    check_delete(session, access_for(edorgs_granted), resource, existing.seq)
    _check_if_match(if_match, existing)
    if store.is_referenced(session, existing.seq):
        raise DependentItemExists(
            f"The {resource.name} item cannot be deleted because other items reference it."
        )
    version = store.next_change_version(session)
    key = orjson.loads(existing.natural_key)
    edorgs.before_delete(session, resource.name, existing.seq, existing.id, key)
    store.delete_document(session, existing.seq)
    if resource.name in CORE_RESOURCES:
        project_delete(session, resource.name, orjson.loads(existing.body), version)
    store.add_tombstone(
        session,
        [
            {
                "kind": "delete",
                "resource": resource.name,
                "document_id": existing.id,
                "old_key": existing.natural_key,
                "new_key": None,
                "change_version": version,
                "at": utcnow(),
            }
        ],
    )
    return version


def _project(
    session: Session,
    prepared: Prepared,
    version: int,
    known: dict[tuple[str, str], str] | None = None,
) -> None:
    """Core resources also live in the canonical store (``edfi.canonical``)."""
    if prepared.resource.name in CORE_RESOURCES:
        body = orjson.loads(prepared.body)
        project_write(session, prepared.resource.name, body, version, known)


def not_found(resource: ResourceSpec, document_id: str) -> NoReturn:
    raise EdfiNotFound(f"The {resource.name} item with id '{document_id}' was not found.")
