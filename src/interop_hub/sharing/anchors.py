"""How each canonical table reaches an org, so an org-restricted policy can filter it in SQL.

Every table the read gateway serves must have an anchor here: a table without one cannot be
read (deny by default). With an unrestricted policy the anchors are never evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Final, cast

from sqlalchemy import ColumnElement, Table, exists, or_, select

from interop_hub.models import (
    AcademicSession,
    Class,
    ClassTerm,
    Course,
    Demographics,
    Enrollment,
    Org,
    User,
    UserAgent,
    UserProfile,
    UserRole,
)

__all__ = ["ORG_ANCHORS", "OrgAnchor"]

OrgAnchor = Callable[[Table, Collection[str]], ColumnElement[bool]]

_roles = cast(Table, UserRole.__table__)
_classes = cast(Table, Class.__table__)


def _person_at(person_id: ColumnElement[str], org_ids: Collection[str]) -> ColumnElement[bool]:
    """The person holds a role at one of ``org_ids``."""
    return exists(
        select(_roles.c.id).where(_roles.c.user_id == person_id, _roles.c.org_id.in_(org_ids))
    )


def _orgs(t: Table, ids: Collection[str]) -> ColumnElement[bool]:
    return t.c.sourced_id.in_(ids)


def _sessions(t: Table, ids: Collection[str]) -> ColumnElement[bool]:
    # Sessions without an owning org (e.g. district-wide school years) are shared.
    return or_(t.c.org_id.is_(None), t.c.org_id.in_(ids))


def _courses(t: Table, ids: Collection[str]) -> ColumnElement[bool]:
    taught_here = exists(
        select(_classes.c.sourced_id).where(
            _classes.c.course_id == t.c.sourced_id, _classes.c.school_id.in_(ids)
        )
    )
    return or_(t.c.org_id.in_(ids), taught_here)


def _by_school(t: Table, ids: Collection[str]) -> ColumnElement[bool]:
    return t.c.school_id.in_(ids)


def _users(t: Table, ids: Collection[str]) -> ColumnElement[bool]:
    return _person_at(t.c.sourced_id, ids)


def _by_user(t: Table, ids: Collection[str]) -> ColumnElement[bool]:
    return _person_at(t.c.user_id, ids)


def _agents(t: Table, ids: Collection[str]) -> ColumnElement[bool]:
    return _person_at(t.c.agent_id, ids)


def _roles_anchor(t: Table, ids: Collection[str]) -> ColumnElement[bool]:
    return t.c.org_id.in_(ids)


def _class_terms(t: Table, ids: Collection[str]) -> ColumnElement[bool]:
    return exists(
        select(_classes.c.sourced_id).where(
            _classes.c.sourced_id == t.c.class_id, _classes.c.school_id.in_(ids)
        )
    )


ORG_ANCHORS: Final[dict[str, OrgAnchor]] = {
    Org.__tablename__: _orgs,
    AcademicSession.__tablename__: _sessions,
    Course.__tablename__: _courses,
    Class.__tablename__: _by_school,
    Enrollment.__tablename__: _by_school,
    User.__tablename__: _users,
    Demographics.__tablename__: _users,
    UserRole.__tablename__: _roles_anchor,
    UserAgent.__tablename__: _agents,
    UserProfile.__tablename__: _by_user,
    ClassTerm.__tablename__: _class_terms,
}
