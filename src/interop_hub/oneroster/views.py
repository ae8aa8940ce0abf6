"""Collections as SQL views over the canonical tables: derived collections (``/schools``,
``/terms``, ``/students``...) and nested relations (``/schools/{id}/classes``...).

Membership semantics (documented for consumers):

* ``/students``, ``/teachers``: users holding that role in ``roles[]`` (any org);
* ``/schools/{s}/students|teachers``: users holding that role at org ``s``;
* class membership (``/classes/{c}/students``, ``/users/{u}/classes``...) comes from
  *active* enrollments; a ``tobedeleted`` enrollment no longer makes a user a member;
* ``/schools/{s}/terms``: terms owned by ``s`` or used by one of its classes;
* ``/schools/{s}/courses``: courses owned by ``s`` or taught in one of its classes;
* ``/terms/{t}/gradingPeriods``: grading periods whose parent is ``t``.

A parent id must be found through the parent's own view (``/terms/{id}/classes`` needs
``id`` to be a term), else the request is a 404 ``unknownobject``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, cast

from sqlalchemy import ColumnElement, Table, exists, literal, or_, select

from interop_hub.models import Class, ClassTerm, Enrollment, UserRole

__all__ = ["NESTED", "VIEWS", "Nested", "View"]

Where = list[ColumnElement[bool]]

_roles = cast(Table, UserRole.__table__)
_enrollments = cast(Table, Enrollment.__table__)
_classes = cast(Table, Class.__table__)
_class_terms = cast(Table, ClassTerm.__table__)


@dataclass(frozen=True)
class View:
    """A collection: an entity, its envelope keys, and the rows it contains."""

    entity: str
    plural: str
    singular: str
    label: str
    where: Callable[[Table], Where] = lambda t: []


def _has_role(role: str, org_id: str | None = None) -> Callable[[Table], Where]:
    def where(t: Table) -> Where:
        conds = [_roles.c.user_id == t.c.sourced_id, _roles.c.role == role]
        if org_id is not None:
            conds.append(_roles.c.org_id == org_id)
        return [exists(select(literal(1)).select_from(_roles).where(*conds))]

    return where


def _typed(type_: str) -> Callable[[Table], Where]:
    return lambda t: [t.c.type == type_]


VIEWS: Final[dict[str, View]] = {
    "orgs": View("org", "orgs", "org", "org"),
    "schools": View("org", "orgs", "org", "school", _typed("school")),
    "academicSessions": View(
        "academicSession", "academicSessions", "academicSession", "academic session"
    ),
    "terms": View("academicSession", "academicSessions", "academicSession", "term", _typed("term")),
    "gradingPeriods": View(
        "academicSession",
        "academicSessions",
        "academicSession",
        "grading period",
        _typed("gradingPeriod"),
    ),
    "courses": View("course", "courses", "course", "course"),
    "classes": View("class", "classes", "class", "class"),
    "enrollments": View("enrollment", "enrollments", "enrollment", "enrollment"),
    "users": View("user", "users", "user", "user"),
    "students": View("user", "users", "user", "student", _has_role("student")),
    "teachers": View("user", "users", "user", "teacher", _has_role("teacher")),
    "demographics": View("demographics", "demographics", "demographics", "demographics"),
}


@dataclass(frozen=True)
class Nested:
    """``view`` rows related to the path's parent ids.

    ``parents`` names the view each path id must exist in; ``parent_where`` adds
    conditions on a later parent given the earlier ids (a class must be in the school).
    """

    view: str
    parents: tuple[str, ...]
    where: Callable[[Table, Sequence[str]], Where]
    parent_where: Callable[[Table, Sequence[str]], Where] = lambda t, ids: []


def _active_enrollment(*conds: ColumnElement[bool]) -> ColumnElement[bool]:
    e = _enrollments
    return exists(select(literal(1)).select_from(e).where(e.c.status == "active", *conds))


def _classes_of_user(t: Table, ids: Sequence[str]) -> Where:
    e = _enrollments
    return [_active_enrollment(e.c.user_id == ids[0], e.c.class_id == t.c.sourced_id)]


def _members(role: str) -> Callable[[Table, Sequence[str]], Where]:
    def where(t: Table, ids: Sequence[str]) -> Where:
        e = _enrollments
        return [
            _active_enrollment(
                e.c.class_id == ids[-1], e.c.user_id == t.c.sourced_id, e.c.role == role
            )
        ]

    return where


def _in_school(t: Table, ids: Sequence[str]) -> Where:
    return [t.c.school_id == ids[0]]


def _classes_of_term(t: Table, ids: Sequence[str]) -> Where:
    ct = _class_terms
    return [
        exists(
            select(literal(1))
            .select_from(ct)
            .where(ct.c.class_id == t.c.sourced_id, ct.c.term_id == ids[0])
        )
    ]


def _courses_of_school(t: Table, ids: Sequence[str]) -> Where:
    c = _classes
    taught = exists(
        select(literal(1))
        .select_from(c)
        .where(c.c.course_id == t.c.sourced_id, c.c.school_id == ids[0])
    )
    return [or_(t.c.org_id == ids[0], taught)]


def _terms_of_school(t: Table, ids: Sequence[str]) -> Where:
    c, ct = _classes, _class_terms
    used = exists(
        select(literal(1))
        .select_from(ct.join(c, c.c.sourced_id == ct.c.class_id))
        .where(ct.c.term_id == t.c.sourced_id, c.c.school_id == ids[0])
    )
    return [or_(t.c.org_id == ids[0], used)]


def _role_at_school(role: str) -> Callable[[Table, Sequence[str]], Where]:
    return lambda t, ids: _has_role(role, ids[0])(t)


def _any(
    *conds: Callable[[Table, Sequence[str]], Where],
) -> Callable[[Table, Sequence[str]], Where]:
    return lambda t, ids: [c for cond in conds for c in cond(t, ids)]


def _column_is(name: str, position: int = 0) -> Callable[[Table, Sequence[str]], Where]:
    return lambda t, ids: [t.c[name] == ids[position]]


NESTED: Final[dict[str, Nested]] = {
    "GradingPeriodsForTerm": Nested("gradingPeriods", ("terms",), _column_is("parent_id")),
    "TermsForSchool": Nested("terms", ("schools",), _terms_of_school),
    "ClassesForCourse": Nested("classes", ("courses",), _column_is("course_id")),
    "ClassesForSchool": Nested("classes", ("schools",), _in_school),
    "ClassesForTerm": Nested("classes", ("terms",), _classes_of_term),
    "ClassesForStudent": Nested("classes", ("students",), _classes_of_user),
    "ClassesForTeacher": Nested("classes", ("teachers",), _classes_of_user),
    "ClassesForUser": Nested("classes", ("users",), _classes_of_user),
    "CoursesForSchool": Nested("courses", ("schools",), _courses_of_school),
    "EnrollmentsForSchool": Nested("enrollments", ("schools",), _column_is("school_id")),
    "EnrollmentsForClassInSchool": Nested(
        "enrollments",
        ("schools", "classes"),
        _any(_column_is("school_id", 0), _column_is("class_id", 1)),
        _in_school,
    ),
    "StudentsForSchool": Nested("users", ("schools",), _role_at_school("student")),
    "TeachersForSchool": Nested("users", ("schools",), _role_at_school("teacher")),
    "StudentsForClass": Nested("users", ("classes",), _members("student")),
    "TeachersForClass": Nested("users", ("classes",), _members("teacher")),
    "StudentsForClassInSchool": Nested(
        "users", ("schools", "classes"), _members("student"), _in_school
    ),
    "TeachersForClassInSchool": Nested(
        "users", ("schools", "classes"), _members("teacher"), _in_school
    ),
}
