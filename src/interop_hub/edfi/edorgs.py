"""The relationship index: which education organizations each Ed-Fi document relates to.

Authorization (``authorization.py``) filters reads with ``edfi_document_edorgs`` and checks
writes against it; this module classifies resources and keeps the index current at write
time (``service.py`` calls the three hooks; bulk writers such as ``canonical.publish`` must
call them too, or run ``rebuild``).

Every resource falls in one class (``rules``), derived from the DS 5.0 registry:

* **edorg**: its natural key holds ed-org ids (``schoolId``, ``educationOrganizationId``,
  ``localEducationAgencyId``... also inside key references, e.g. a section's school). It
  relates to exactly those ids. Education organizations themselves are in this class (keyed by
  their own id) and also record their parent ed-orgs in ``edfi_edorg_parents``.
* **person**: ``students``, ``staffs``, ``contacts``. A person relates to the ed-orgs of the
  associations that tie it to them, as in the ODS: students through studentSchoolAssociations
  and studentEducationOrganizationAssociations; staff through staffEducationOrganization
  Assignment/EmploymentAssociations and staffSchoolAssociations; contacts through their
  studentContactAssociations (so through their students). A new person relates to nothing.
* **derived**: keyed by a person but by no ed-org (studentContactAssociations,
  studentAssessments, staffLeaves...): relates to that person's ed-orgs (student before staff
  before contact when the key names several).
* **open**: anything else (descriptors, schoolYearTypes, assessments, surveys...): not tied to
  an ed-org, no index rows, readable by every Ed-Fi client.

When an association is written, re-keyed or deleted, its person's rows are recomputed from
the associations that reference it (``edfi_references``) and, if they changed, copied to the
person's derived documents, and onwards (a student's contacts, through their
studentContactAssociations).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal, cast

import orjson
from sqlalchemy import Table, delete, func, insert, literal, select, true
from sqlalchemy.orm import Session

from interop_hub.edfi.documents import DOCUMENTS, REFERENCES
from interop_hub.edfi.extract import key_hash
from interop_hub.edfi.registry import Registry, ResourceSpec, get_registry
from interop_hub.models import EdfiDeletedDocumentEdorg, EdfiDocumentEdorg, EdfiEdorgParent

__all__ = [
    "DELETED_EDORGS",
    "DOCUMENT_EDORGS",
    "EDORG_PARENTS",
    "HINTS",
    "PERSONS",
    "Rules",
    "after_insert",
    "after_update",
    "before_delete",
    "descendants",
    "document_edorgs",
    "key_edorgs",
    "parent_edorgs",
    "person_seq",
    "rebuild",
    "rules",
]

DOCUMENT_EDORGS = cast(Table, EdfiDocumentEdorg.__table__)
DELETED_EDORGS = cast(Table, EdfiDeletedDocumentEdorg.__table__)
EDORG_PARENTS = cast(Table, EdfiEdorgParent.__table__)
DOCUMENTS_EDORG_ID = DOCUMENT_EDORGS.c.education_organization_id

Kind = Literal["open", "edorg", "person", "derived"]

# person resource → its key name; the order is the precedence for derived documents.
PERSONS: Final = {
    "students": "studentUniqueId",
    "staffs": "staffUniqueId",
    "contacts": "contactUniqueId",
}
# The associations that give a person its ed-orgs (ODS relationship-based authorization).
ASSOCIATIONS: Final = {
    "students": ("studentSchoolAssociations", "studentEducationOrganizationAssociations"),
    "staffs": (
        "staffEducationOrganizationAssignmentAssociations",
        "staffEducationOrganizationEmploymentAssociations",
        "staffSchoolAssociations",
    ),
    "contacts": ("studentContactAssociations",),
}
# What the 403 of a person-related item suggests creating.
HINTS: Final = {
    "students": "'StudentSchoolAssociation'",
    "staffs": "'StaffEducationOrganizationAssignmentAssociation' or "
    "'StaffEducationOrganizationEmploymentAssociation'",
    "contacts": "'StudentContactAssociation'",
}
_EDORG_REFERENCE = "edFi_educationOrganizationReference"


@dataclass(frozen=True)
class Rules:
    """How one resource relates to education organizations."""

    kind: Kind
    edorg_fields: tuple[str, ...] = ()  # key names holding ed-org ids (kind "edorg")
    person: str | None = None  # the person resource (kinds "person" and "derived")
    contributes_to: str | None = None  # the person resource whose ed-orgs it gives
    parents: tuple[tuple[str, str], ...] = ()  # ed-orgs: (reference, id field) of parents


@cache
def _edorg_resources() -> frozenset[str]:
    """The concrete education organization resources (schools, LEAs, SEAs, ESCs...)."""
    for spec in get_registry():
        for _, ref in spec.plan.references:
            if ref.schema == _EDORG_REFERENCE:
                return frozenset(target for target, _ in ref.targets)
    return frozenset()


def _edorg_field_names(registry: Registry) -> frozenset[str]:
    names = {"educationOrganizationId"}
    for name in _edorg_resources():
        spec = registry.get(name)
        if spec is not None:
            names.update(f.name for f in spec.identity)
    return frozenset(names)


def _parents(spec: ResourceSpec) -> tuple[tuple[str, str], ...]:
    found = []
    for prop, ref in spec.plan.references:
        if len(ref.fields) == 1 and any(t in _edorg_resources() for t, _ in ref.targets):
            found.append((prop, ref.fields[0]))
    return tuple(found)


@cache
def rules(resource: str) -> Rules:
    """The classification of ``resource`` (see the module docstring)."""
    registry = get_registry()
    spec = registry.get(resource)
    if spec is None or spec.descriptor:
        return Rules("open")
    contributes = next((p for p, names in ASSOCIATIONS.items() if resource in names), None)
    fields = _edorg_field_names(registry)
    edorg_fields = tuple(f.name for f in spec.identity if f.paths[0][-1] in fields)
    if edorg_fields:
        parents = _parents(spec) if resource in _edorg_resources() else ()
        return Rules("edorg", edorg_fields, contributes_to=contributes, parents=parents)
    if resource in PERSONS:
        return Rules("person", person=resource)
    names = {f.name for f in spec.identity}
    person = next((p for p, key in PERSONS.items() if key in names), None)
    if person is not None:
        return Rules("derived", person=person, contributes_to=contributes)
    return Rules("open")


def _ids(values: Iterable[Any]) -> set[int]:
    found = set()
    for value in values:
        if isinstance(value, bool) or value is None:
            continue
        try:
            found.add(int(value))
        except (TypeError, ValueError):
            continue
    return found


def _key_edorgs(rule: Rules, key: Mapping[str, Any]) -> set[int]:
    return _ids(key.get(name) for name in rule.edorg_fields)


def key_edorgs(resource: str, key: Mapping[str, Any]) -> set[int]:
    """The ed-org ids in a natural key of ``resource``."""
    return _key_edorgs(rules(resource), key)


def parent_edorgs(resource: str, document: Mapping[str, Any]) -> set[int]:
    """The parent ed-org ids an education organization document names."""
    values = []
    for prop, name in rules(resource).parents:
        ref = document.get(prop)
        if isinstance(ref, Mapping):
            values.append(ref.get(name))
    return _ids(values)


def person_seq(session: Session, person: str, key: Mapping[str, Any]) -> int | None:
    """The seq of the ``person`` document a natural key names (None: not stored)."""
    value = key.get(PERSONS[person])
    if value is None:
        return None
    wanted = key_hash(person, {PERSONS[person]: value})
    stmt = select(DOCUMENTS.c.seq).where(DOCUMENTS.c.key_hash == wanted)
    seq = session.execute(stmt).scalar_one_or_none()
    return None if seq is None else int(seq)


def document_edorgs(session: Session, seq: int) -> set[int]:
    """The ed-orgs a stored document relates to."""
    stmt = select(DOCUMENTS_EDORG_ID).where(DOCUMENT_EDORGS.c.document_seq == seq)
    return {int(v) for v in session.execute(stmt).scalars()}


def _insert_rows(session: Session, seq: int, edorgs: Iterable[int]) -> None:
    rows = [{"document_seq": seq, "education_organization_id": e} for e in sorted(set(edorgs))]
    if rows:
        session.execute(insert(DOCUMENT_EDORGS), rows)


def _clear(session: Session, seq: int) -> None:
    session.execute(delete(DOCUMENT_EDORGS).where(DOCUMENT_EDORGS.c.document_seq == seq))


def _copy_from_person(session: Session, seq: int, rule: Rules, key: Mapping[str, Any]) -> None:
    assert rule.person is not None
    source = person_seq(session, rule.person, key)
    if source is not None:
        _insert_rows(session, seq, document_edorgs(session, source))


def _index(session: Session, rule: Rules, seq: int, key: Mapping[str, Any]) -> None:
    if rule.kind == "edorg":
        _insert_rows(session, seq, _key_edorgs(rule, key))
    elif rule.kind == "derived":
        _copy_from_person(session, seq, rule, key)


def _set_parents(
    session: Session, resource: str, seq: int, key: Mapping[str, Any], doc: Any
) -> None:
    rule = rules(resource)
    session.execute(delete(EDORG_PARENTS).where(EDORG_PARENTS.c.document_seq == seq))
    own = _key_edorgs(rule, key)
    if len(own) != 1 or not isinstance(doc, Mapping):
        return
    (edorg,) = own
    rows = [
        {"document_seq": seq, "education_organization_id": edorg, "parent_id": parent}
        for parent in sorted(parent_edorgs(resource, doc) - {edorg})
    ]
    if rows:
        session.execute(insert(EDORG_PARENTS), rows)


def after_insert(
    session: Session, resource: str, seq: int, key: Mapping[str, Any], document: Any
) -> None:
    """Index a document just inserted (its references are stored already)."""
    rule = rules(resource)
    if rule.kind == "open":
        return
    _index(session, rule, seq, key)
    if rule.parents:
        _set_parents(session, resource, seq, key, document)
    if rule.contributes_to is not None:
        _refresh_person(session, rule.contributes_to, key)


def after_update(
    session: Session,
    resource: str,
    seq: int,
    key: Mapping[str, Any],
    document: Any,
    old_key: Mapping[str, Any] | None = None,
) -> None:
    """Re-index a document just updated; ``old_key`` when its natural key changed."""
    rule = rules(resource)
    if rule.kind == "open":
        return
    if rule.parents:
        _set_parents(session, resource, seq, key, document)
    if old_key is None or old_key == key:
        return  # the rows follow the key (and the person's rows, maintained separately)
    _clear(session, seq)
    _index(session, rule, seq, key)
    if rule.contributes_to is not None:
        _refresh_person(session, rule.contributes_to, key)
        _refresh_person(session, rule.contributes_to, old_key)


def before_delete(
    session: Session, resource: str, seq: int, document_id: str, key: Mapping[str, Any]
) -> None:
    """Keep the rows of a document about to be deleted for ``/deletes``, drop them, and
    update the person the document tied to ed-orgs."""
    rule = rules(resource)
    if rule.kind == "open":
        return
    session.execute(
        insert(DELETED_EDORGS).from_select(
            ["document_id", "education_organization_id"],
            select(literal(document_id), DOCUMENTS_EDORG_ID).where(
                DOCUMENT_EDORGS.c.document_seq == seq
            ),
        )
    )
    _clear(session, seq)
    session.execute(delete(EDORG_PARENTS).where(EDORG_PARENTS.c.document_seq == seq))
    if rule.contributes_to is not None:
        _refresh_person(session, rule.contributes_to, key, exclude=seq)


def _refresh_person(
    session: Session, person: str, key: Mapping[str, Any], *, exclude: int | None = None
) -> None:
    seq = person_seq(session, person, key)
    if seq is not None:
        _recompute_person(session, person, seq, exclude)


def _linked(target: int, resources: Iterable[str], exclude: int | None = None) -> Any:
    """Documents of ``resources`` that reference document ``target`` (a subquery)."""
    stmt = (
        select(REFERENCES.c.document_seq)
        .join(DOCUMENTS, DOCUMENTS.c.seq == REFERENCES.c.document_seq)
        .where(REFERENCES.c.target_seq == target, DOCUMENTS.c.resource.in_(sorted(resources)))
    )
    if exclude is not None:
        stmt = stmt.where(REFERENCES.c.document_seq != exclude)
    return stmt


def _recompute_person(session: Session, person: str, seq: int, exclude: int | None) -> None:
    """Set a person's rows from its associations; if they changed, pass them on to the
    documents derived from the person (and onwards to the persons those tie to ed-orgs)."""
    linked = _linked(seq, ASSOCIATIONS[person], exclude).subquery()
    stmt = (
        select(DOCUMENTS_EDORG_ID)
        .distinct()
        .join(linked, linked.c.document_seq == DOCUMENT_EDORGS.c.document_seq)
    )
    wanted = {int(v) for v in session.execute(stmt).scalars()}
    current = document_edorgs(session, seq)
    if wanted == current:
        return
    gone = current - wanted
    if gone:
        session.execute(
            delete(DOCUMENT_EDORGS).where(
                DOCUMENT_EDORGS.c.document_seq == seq, DOCUMENTS_EDORG_ID.in_(sorted(gone))
            )
        )
    _insert_rows(session, seq, wanted - current)
    _propagate(session, person, seq, exclude)


def _derived_resources(person: str) -> frozenset[str]:
    return _derived_map().get(person, frozenset())


@cache
def _derived_map() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for spec in get_registry():
        rule = rules(spec.name)
        if rule.kind == "derived" and rule.person is not None:
            found.setdefault(rule.person, set()).add(spec.name)
    return {k: frozenset(v) for k, v in found.items()}


def _propagate(session: Session, person: str, seq: int, exclude: int | None) -> None:
    """Copy a person's rows to every document derived from it."""
    derived = _derived_resources(person)
    if not derived:
        return
    linked = _linked(seq, derived, exclude)
    session.execute(delete(DOCUMENT_EDORGS).where(DOCUMENT_EDORGS.c.document_seq.in_(linked)))
    derived_docs = linked.subquery()
    rows = (
        select(derived_docs.c.document_seq, DOCUMENTS_EDORG_ID)
        .select_from(derived_docs.join(DOCUMENT_EDORGS, true()))
        .where(DOCUMENT_EDORGS.c.document_seq == seq)
    )
    session.execute(
        insert(DOCUMENT_EDORGS).from_select(["document_seq", "education_organization_id"], rows)
    )
    # derived documents that are themselves associations of another person (a student's
    # studentContactAssociations → the contacts)
    for resource in sorted(derived):
        onward = rules(resource).contributes_to
        if onward is None:
            continue
        stmt = (
            select(REFERENCES.c.target_seq)
            .distinct()
            .join(DOCUMENTS, DOCUMENTS.c.seq == REFERENCES.c.target_seq)
            .where(
                REFERENCES.c.document_seq.in_(_linked(seq, [resource], exclude)),
                DOCUMENTS.c.resource == onward,
            )
        )
        for target in session.execute(stmt).scalars().all():
            _recompute_person(session, onward, int(target), exclude)


def descendants(session: Session, grants: Iterable[int]) -> frozenset[int]:
    """``grants`` and every ed-org below them in the stored hierarchy (school → LEA → ...)."""
    granted = sorted(set(grants))
    if not granted:
        return frozenset()
    parents = EDORG_PARENTS
    tree = (
        select(parents.c.education_organization_id.label("id"))
        .where(parents.c.parent_id.in_(granted))
        .cte("edorg_tree", recursive=True)
    )
    tree = tree.union(
        select(parents.c.education_organization_id).join(tree, parents.c.parent_id == tree.c.id)
    )
    found = {int(v) for v in session.execute(select(tree.c.id)).scalars()}
    return frozenset(found | set(granted))


def rebuild(session: Session) -> int:
    """Recompute the whole index from the stored documents, set-based (after an upgrade
    from a version without it, or a bulk load such as ``canonical.publish``); return the
    rows written. The same relationships the write hooks maintain, in dependency order:
    ed-org-keyed documents (from their keys), students and staff (their associations'
    rows), documents derived from them, contacts (their studentContactAssociations'
    rows), documents derived from contacts."""
    session.execute(delete(DOCUMENT_EDORGS))
    session.execute(delete(EDORG_PARENTS))
    registry = get_registry()
    by_kind: dict[str, list[str]] = {}
    for spec in registry:
        by_kind.setdefault(rules(spec.name).kind, []).append(spec.name)
    _rebuild_keyed(session, by_kind.get("edorg", []))
    derived = by_kind.get("derived", [])
    for person in ("students", "staffs", "contacts"):
        _rebuild_person(session, person)
        _rebuild_derived(session, person, [r for r in derived if rules(r).person == person])
    count = select(func.count()).select_from(DOCUMENT_EDORGS)
    return int(session.execute(count).scalar_one())


def _rebuild_keyed(session: Session, resources: list[str]) -> None:
    stmt = select(
        DOCUMENTS.c.seq, DOCUMENTS.c.resource, DOCUMENTS.c.natural_key, DOCUMENTS.c.body
    ).where(DOCUMENTS.c.resource.in_(sorted(resources)))
    rows: list[dict[str, int]] = []
    parents: list[dict[str, int]] = []
    for seq, resource, natural_key, body in session.execute(stmt):
        rule = rules(resource)
        own = _key_edorgs(rule, orjson.loads(natural_key))
        rows += [{"document_seq": int(seq), "education_organization_id": e} for e in sorted(own)]
        if rule.parents and len(own) == 1:
            (edorg,) = own
            parents += [
                {"document_seq": int(seq), "education_organization_id": edorg, "parent_id": p}
                for p in sorted(parent_edorgs(resource, orjson.loads(body)) - {edorg})
            ]
        if len(rows) >= 10_000:
            session.execute(insert(DOCUMENT_EDORGS), rows)
            rows = []
    if rows:
        session.execute(insert(DOCUMENT_EDORGS), rows)
    if parents:
        session.execute(insert(EDORG_PARENTS), parents)


def _rebuild_person(session: Session, person: str) -> None:
    """A person's rows: the union of the rows of the associations referencing it."""
    assoc, target = DOCUMENTS.alias("assoc"), DOCUMENTS.alias("person")
    rows = (
        select(REFERENCES.c.target_seq, DOCUMENTS_EDORG_ID)
        .distinct()
        .join(assoc, assoc.c.seq == REFERENCES.c.document_seq)
        .join(target, target.c.seq == REFERENCES.c.target_seq)
        .join(DOCUMENT_EDORGS, DOCUMENT_EDORGS.c.document_seq == assoc.c.seq)
        .where(assoc.c.resource.in_(ASSOCIATIONS[person]), target.c.resource == person)
    )
    session.execute(
        insert(DOCUMENT_EDORGS).from_select(["document_seq", "education_organization_id"], rows)
    )


def _rebuild_derived(session: Session, person: str, resources: list[str]) -> None:
    """Documents derived from a person copy the person's rows."""
    if not resources:
        return
    doc, target = DOCUMENTS.alias("derived"), DOCUMENTS.alias("person")
    rows = (
        select(doc.c.seq, DOCUMENTS_EDORG_ID)
        .distinct()
        .join(REFERENCES, REFERENCES.c.document_seq == doc.c.seq)
        .join(target, target.c.seq == REFERENCES.c.target_seq)
        .join(DOCUMENT_EDORGS, DOCUMENT_EDORGS.c.document_seq == target.c.seq)
        .where(doc.c.resource.in_(sorted(resources)), target.c.resource == person)
    )
    session.execute(
        insert(DOCUMENT_EDORGS).from_select(["document_seq", "education_organization_id"], rows)
    )
