"""Authorization by education organization (relationship-based, as the ODS/API does it).

A client may be granted education organization ids (``interop-hub clients create --edorg``);
the grant travels in its access token (``edorgs`` claim, ``AuthSubject.edorgs``). A client
without grants is unrestricted (``access_for(None)`` is None and nothing here costs
anything). A restricted client reaches its granted ed-orgs and everything below them in the
stored hierarchy (an LEA's schools: ``edorgs.descendants``, computed once per request).

* **Reads** (``reader.py``): ``document_filter`` is an ``EXISTS`` on the relationship index
  (``edorgs.py``) with the reached ed-orgs, added to collections and change queries (so
  ``Total-Count`` counts only what the client may see); a GET by id of an item outside the
  grant is 403 ``urn:ed-fi:api:security:authorization`` with the ODS hint ("create a
  corresponding 'StudentSchoolAssociation' item"), as the ODS answers it. Resources not tied
  to an ed-org (descriptors, schoolYearTypes, assessments...) are readable by every client.
* **Writes** (``service.py``): every ed-org id in the item's natural key must be reached (an
  ed-org itself may also be written when its parent is reached, so an LEA's client can add a
  school); a new student, staff or contact may be POSTed (as in the ODS it cannot be read or
  updated until an association ties it to one of the client's ed-orgs), an existing one only
  when it is related; a person-keyed item without an ed-org (studentContactAssociations,
  studentAssessments...) needs its person related; PUT and DELETE also need the stored item
  to be reachable. Items not tied to an ed-org may be written by any client with the scope.

Tokens carry the grant as issued: a changed grant applies from the client's next token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sqlalchemy import ColumnElement, exists, or_
from sqlalchemy.orm import Session

from interop_hub.edfi import edorgs
from interop_hub.edfi.documents import DOCUMENTS, TOMBSTONES
from interop_hub.edfi.errors import AuthorizationDenied
from interop_hub.edfi.registry import ResourceSpec

__all__ = [
    "EdorgAccess",
    "access_for",
    "check_delete",
    "check_write",
    "deny_read",
    "document_filter",
    "tombstone_filter",
]

_DENIED = "Access to the resource item could not be authorized"


@dataclass
class EdorgAccess:
    """A restricted client's grant; ``reach`` adds the ed-orgs below it (once per request)."""

    grants: frozenset[int]
    _reach: frozenset[int] | None = field(default=None, repr=False)

    def reach(self, session: Session) -> frozenset[int]:
        if self._reach is None:
            self._reach = edorgs.descendants(session, self.grants)
        return self._reach


def access_for(granted: frozenset[int] | None) -> EdorgAccess | None:
    """The access of a token's ``edorgs`` claim (None: the client is unrestricted)."""
    return None if granted is None else EdorgAccess(frozenset(granted))


def document_filter(
    session: Session, access: EdorgAccess | None, resource: ResourceSpec
) -> ColumnElement[bool] | None:
    """The condition on ``edfi_documents`` restricting a read of ``resource`` (None: all)."""
    if access is None or edorgs.rules(resource.name).kind == "open":
        return None
    index = edorgs.DOCUMENT_EDORGS
    return exists().where(
        index.c.document_seq == DOCUMENTS.c.seq,
        edorgs.DOCUMENTS_EDORG_ID.in_(sorted(access.reach(session))),
    )


def tombstone_filter(
    session: Session, access: EdorgAccess | None, resource: ResourceSpec
) -> ColumnElement[bool] | None:
    """The condition on ``edfi_tombstones`` for ``/deletes`` and ``/keyChanges``: the item
    related (when deleted, or still does) to a reached ed-org."""
    if access is None or edorgs.rules(resource.name).kind == "open":
        return None
    reach = sorted(access.reach(session))
    deleted, index = edorgs.DELETED_EDORGS, edorgs.DOCUMENT_EDORGS
    was = exists().where(
        deleted.c.document_id == TOMBSTONES.c.document_id,
        deleted.c.education_organization_id.in_(reach),
    )
    still = exists().where(
        DOCUMENTS.c.id == TOMBSTONES.c.document_id,
        index.c.document_seq == DOCUMENTS.c.seq,
        edorgs.DOCUMENTS_EDORG_ID.in_(reach),
    )
    return or_(was, still)


def _hint(resource: str) -> str:
    rule = edorgs.rules(resource)
    if rule.person is not None:
        hint = edorgs.HINTS[rule.person]
        return f"{_DENIED}. Hint: You may need to create a corresponding {hint} item."
    return f"{_DENIED}: it is not related to an education organization granted to the client."


def deny_read(resource: ResourceSpec) -> NoReturn:
    """The 403 of a GET by id of an item the client may not see."""
    raise AuthorizationDenied(_hint(resource.name))


def _outside(reach: frozenset[int], resource: str, ids: set[int]) -> NoReturn:
    names = ", ".join(f"'{n}'" for n in edorgs.rules(resource).edorg_fields)
    raise AuthorizationDenied(
        f"{_DENIED}: the education organization(s) {sorted(ids - reach)} ({names}) are not "
        "granted to the client."
    )


def _related(session: Session, reach: frozenset[int], seq: int) -> bool:
    return bool(edorgs.document_edorgs(session, seq) & reach)


def check_write(
    session: Session,
    access: EdorgAccess | None,
    resource: ResourceSpec,
    key: Mapping[str, Any],
    document: Any,
    existing_seq: int | None,
) -> None:
    """Raise 403 unless the client may store this item (``existing_seq``: the stored item it
    replaces, None for a new one)."""
    if access is None:
        return
    rule = edorgs.rules(resource.name)
    if rule.kind == "open":
        return
    reach = access.reach(session)
    if existing_seq is not None and not _stored_reachable(session, reach, rule, existing_seq):
        raise AuthorizationDenied(_hint(resource.name))
    if rule.kind == "edorg":
        ids = edorgs.key_edorgs(resource.name, key)
        if ids <= reach:
            return
        if rule.parents and isinstance(document, Mapping):
            if edorgs.parent_edorgs(resource.name, document) & reach:
                return  # a new ed-org under a granted one
        _outside(reach, resource.name, ids)
    elif rule.kind == "derived":
        assert rule.person is not None
        person = edorgs.person_seq(session, rule.person, key)
        # an unknown person is left to reference resolution (409)
        if person is not None and not _related(session, reach, person):
            raise AuthorizationDenied(_hint(resource.name))
    # kind "person": a new one is allowed, an existing one was checked above


def _stored_reachable(
    session: Session, reach: frozenset[int], rule: edorgs.Rules, seq: int
) -> bool:
    stored = edorgs.document_edorgs(session, seq)
    if rule.kind == "edorg":
        return bool(stored) and stored <= reach
    return bool(stored & reach)


def check_delete(
    session: Session, access: EdorgAccess | None, resource: ResourceSpec, seq: int
) -> None:
    """Raise 403 unless the client may delete the stored item ``seq``."""
    if access is None:
        return
    rule = edorgs.rules(resource.name)
    if rule.kind != "open" and not _stored_reachable(session, access.reach(session), rule, seq):
        raise AuthorizationDenied(_hint(resource.name))
