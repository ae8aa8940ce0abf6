"""The SQL side of each OneRoster entity: table, selectable columns, filterable/sortable paths.

Column keys are the model attribute names; serializers ask for columns by key. Filter
paths are the wire paths consumers send (``roles.org.sourcedId``); each maps to a
``Target`` that ``compile.py`` turns into SQL:

* ``Scalar``: a column (or expression) of the entity's own row;
* ``JsonArray``: any element of a JSON array column (``grades``, ``userIds.identifier``);
* ``Related``: any row of a child table linked to the entity (``roles.role``,
  ``terms.sourcedId``, ``agents.sourcedId``, ``children.sourcedId``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    FromClause,
    String,
    Table,
    Text,
    and_,
    case,
    select,
    type_coerce,
)
from sqlalchemy import cast as sql_cast

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
from interop_hub.oneroster.roles import V1P1_ROLE_OF

__all__ = ["ENTITIES", "EntitySql", "JsonArray", "Kind", "Related", "Scalar", "Target"]


class Kind(Enum):
    STRING = "string"
    DATETIME = "datetime"
    DATE = "date"
    BOOL = "boolean"


@dataclass(frozen=True)
class Scalar:
    expr: ColumnElement[Any]
    kind: Kind = Kind.STRING
    nullable: bool = True


@dataclass(frozen=True)
class JsonArray:
    column: ColumnElement[Any]
    key: str | None = None  # element key, for arrays of objects (userIds)


@dataclass(frozen=True)
class Related:
    table: FromClause
    link: ColumnElement[bool]
    expr: ColumnElement[Any]
    kind: Kind = Kind.STRING
    nullable: bool = False


Target = Scalar | JsonArray | Related


@dataclass(frozen=True)
class EntitySql:
    """``name`` is the OneRoster entity (``user``); ``person_key`` names the column holding
    the person whose record this is, for the disclosure log."""

    name: str
    table: Table
    columns: Mapping[str, ColumnElement[Any]]
    filters: Mapping[str, Target]
    person_key: str | None = None
    sorts: Mapping[str, ColumnElement[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sorts:
            sortable = {k: t.expr for k, t in self.filters.items() if isinstance(t, Scalar)}
            object.__setattr__(self, "sorts", sortable)


def _raw(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """Select without SQLAlchemy's per-row type processing; serializers convert the value
    (text on SQLite, native objects on PostgreSQL) faster than the generic processors."""
    return type_coerce(column, String())


def _json_text(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """A JSON column as its text: stored text on SQLite, ``jsonb::text`` on PostgreSQL (psycopg
    would otherwise parse it with the stdlib ``json`` only for the serializer to rebuild
    it); serializers embed text that already is the wire value without parsing it."""
    return type_coerce(sql_cast(column, Text()), String())


def _columns(table: Table, raw: tuple[str, ...] = ()) -> dict[str, ColumnElement[Any]]:
    skip = {"source", "source_seen_at", "row_hash", "change_version"}
    cols: dict[str, ColumnElement[Any]] = {}
    for col in table.columns:
        if col.key in skip:
            continue
        if isinstance(col.type, JSON):
            cols[col.key] = _json_text(col).label(col.key)
        elif col.key in raw or col.key == "date_last_modified":
            cols[col.key] = _raw(col).label(col.key)
        else:
            cols[col.key] = col
    return cols


def _base(table: Table) -> dict[str, Target]:
    return {
        "sourcedId": Scalar(table.c.sourced_id, nullable=False),
        "status": Scalar(table.c.status, nullable=False),
        "dateLastModified": Scalar(table.c.date_last_modified, Kind.DATETIME, nullable=False),
    }


_orgs = cast(Table, Org.__table__)
_sessions = cast(Table, AcademicSession.__table__)
_courses = cast(Table, Course.__table__)
_classes = cast(Table, Class.__table__)
_class_terms = cast(Table, ClassTerm.__table__)
_enrollments = cast(Table, Enrollment.__table__)
_users = cast(Table, User.__table__)
_roles = cast(Table, UserRole.__table__)
_agents = cast(Table, UserAgent.__table__)
_profiles = cast(Table, UserProfile.__table__)
_demographics = cast(Table, Demographics.__table__)


def _org() -> EntitySql:
    t = _orgs
    child = cast(Table, Org.__table__).alias("child_org")
    return EntitySql(
        "org",
        t,
        _columns(t),
        {
            **_base(t),
            "name": Scalar(t.c.name, nullable=False),
            "type": Scalar(t.c.type, nullable=False),
            "identifier": Scalar(t.c.identifier),
            "parent.sourcedId": Scalar(t.c.parent_id),
            "children.sourcedId": Related(
                child, child.c.parent_id == t.c.sourced_id, child.c.sourced_id
            ),
        },
    )


def _session() -> EntitySql:
    t = _sessions
    child = cast(Table, AcademicSession.__table__).alias("child_session")
    return EntitySql(
        "academicSession",
        t,
        _columns(t, raw=("start_date", "end_date")),
        {
            **_base(t),
            "title": Scalar(t.c.title, nullable=False),
            "type": Scalar(t.c.type, nullable=False),
            "startDate": Scalar(t.c.start_date, Kind.DATE, nullable=False),
            "endDate": Scalar(t.c.end_date, Kind.DATE, nullable=False),
            "schoolYear": Scalar(t.c.school_year, nullable=False),
            "parent.sourcedId": Scalar(t.c.parent_id),
            "children.sourcedId": Related(
                child, child.c.parent_id == t.c.sourced_id, child.c.sourced_id
            ),
        },
    )


def _course() -> EntitySql:
    t = _courses
    return EntitySql(
        "course",
        t,
        _columns(t, raw=("grades", "subjects", "subject_codes")),
        {
            **_base(t),
            "title": Scalar(t.c.title, nullable=False),
            "courseCode": Scalar(t.c.course_code, nullable=False),
            "schoolYear.sourcedId": Scalar(t.c.school_year_id),
            "org.sourcedId": Scalar(t.c.org_id),
            "grades": JsonArray(t.c.grades),
            "subjects": JsonArray(t.c.subjects),
            "subjectCodes": JsonArray(t.c.subject_codes),
        },
    )


def _class() -> EntitySql:
    t = _classes
    ct = _class_terms
    return EntitySql(
        "class",
        t,
        _columns(t, raw=("grades", "subjects", "subject_codes", "periods")),
        {
            **_base(t),
            "title": Scalar(t.c.title, nullable=False),
            "classCode": Scalar(t.c.class_code),
            "classType": Scalar(t.c.class_type),
            "location": Scalar(t.c.location),
            "course.sourcedId": Scalar(t.c.course_id, nullable=False),
            "school.sourcedId": Scalar(t.c.school_id, nullable=False),
            "terms.sourcedId": Related(ct, ct.c.class_id == t.c.sourced_id, ct.c.term_id),
            "grades": JsonArray(t.c.grades),
            "subjects": JsonArray(t.c.subjects),
            "subjectCodes": JsonArray(t.c.subject_codes),
            "periods": JsonArray(t.c.periods),
        },
    )


def _enrollment() -> EntitySql:
    t = _enrollments
    return EntitySql(
        "enrollment",
        t,
        _columns(t, raw=("begin_date", "end_date")),
        {
            **_base(t),
            "user.sourcedId": Scalar(t.c.user_id, nullable=False),
            "class.sourcedId": Scalar(t.c.class_id, nullable=False),
            "school.sourcedId": Scalar(t.c.school_id, nullable=False),
            "role": Scalar(t.c.role, nullable=False),
            "primary": Scalar(t.c.primary, Kind.BOOL),
            "beginDate": Scalar(t.c.begin_date, Kind.DATE),
            "endDate": Scalar(t.c.end_date, Kind.DATE),
        },
        person_key="user_id",
    )


def _demographic() -> EntitySql:
    t = _demographics
    flags = {
        "americanIndianOrAlaskaNative": t.c.american_indian_or_alaska_native,
        "asian": t.c.asian,
        "blackOrAfricanAmerican": t.c.black_or_african_american,
        "nativeHawaiianOrOtherPacificIslander": t.c.native_hawaiian_or_other_pacific_islander,
        "white": t.c.white,
        "demographicRaceTwoOrMoreRaces": t.c.demographic_race_two_or_more_races,
        "hispanicOrLatinoEthnicity": t.c.hispanic_or_latino_ethnicity,
    }
    return EntitySql(
        "demographics",
        t,
        _columns(t, raw=("birth_date",)),
        {
            **_base(t),
            "birthDate": Scalar(t.c.birth_date, Kind.DATE),
            "sex": Scalar(t.c.sex),
            **{name: Scalar(col, Kind.BOOL) for name, col in flags.items()},
            "countryOfBirthCode": Scalar(t.c.country_of_birth_code),
            "stateOfBirthAbbreviation": Scalar(t.c.state_of_birth_abbreviation),
            "cityOfBirth": Scalar(t.c.city_of_birth),
            "publicSchoolResidenceStatus": Scalar(t.c.public_school_residence_status),
        },
        person_key="sourced_id",
    )


def _user_common(t: Table) -> dict[str, Target]:
    r, a = _roles, _agents
    return {
        **_base(t),
        "enabledUser": Scalar(t.c.enabled_user, Kind.BOOL, nullable=False),
        "username": Scalar(t.c.username),
        "givenName": Scalar(t.c.given_name, nullable=False),
        "familyName": Scalar(t.c.family_name, nullable=False),
        "middleName": Scalar(t.c.middle_name),
        "identifier": Scalar(t.c.identifier),
        "email": Scalar(t.c.email),
        "sms": Scalar(t.c.sms),
        "phone": Scalar(t.c.phone),
        "grades": JsonArray(t.c.grades),
        "userIds.type": JsonArray(t.c.user_ids, key="type"),
        "userIds.identifier": JsonArray(t.c.user_ids, key="identifier"),
        "agents.sourcedId": Related(a, a.c.user_id == t.c.sourced_id, a.c.agent_id),
        "roles.role": Related(r, r.c.user_id == t.c.sourced_id, r.c.role),
    }


def _user_v1p2() -> EntitySql:
    t, r, p = _users, _roles, _profiles
    link = r.c.user_id == t.c.sourced_id
    plink = and_(p.c.user_id == t.c.sourced_id, p.c.status == "active")
    return EntitySql(
        "user",
        t,
        _columns(t, raw=("user_ids", "grades")),
        {
            **_user_common(t),
            "userMasterIdentifier": Scalar(t.c.user_master_identifier),
            "preferredFirstName": Scalar(t.c.preferred_first_name),
            "preferredMiddleName": Scalar(t.c.preferred_middle_name),
            "preferredLastName": Scalar(t.c.preferred_last_name),
            "pronouns": Scalar(t.c.pronouns),
            "primaryOrg.sourcedId": Scalar(t.c.primary_org_id),
            "roles.roleType": Related(r, link, r.c.role_type),
            "roles.org.sourcedId": Related(r, link, r.c.org_id),
            "roles.userProfile": Related(r, link, r.c.user_profile, nullable=True),
            "roles.beginDate": Related(r, link, r.c.begin_date, Kind.DATE, nullable=True),
            "roles.endDate": Related(r, link, r.c.end_date, Kind.DATE, nullable=True),
            "userProfiles.profileId": Related(p, plink, p.c.sourced_id),
            "userProfiles.profileType": Related(p, plink, p.c.profile_type),
            "userProfiles.vendorId": Related(p, plink, p.c.vendor_id),
            "userProfiles.applicationId": Related(p, plink, p.c.application_id, nullable=True),
        },
        person_key="sourced_id",
    )


def v1p1_role_expr(users: Table) -> ColumnElement[Any]:
    """SQL for the 1.1 scalar ``role``: the user's first primary role (else first role),
    mapped to the 1.1 vocabulary, exactly as the 1.1 serializer computes it."""
    r = _roles
    first = (
        select(r.c.role)
        .where(r.c.user_id == users.c.sourced_id)
        .order_by(case((r.c.role_type == "primary", 0), else_=1), r.c.id)
        .limit(1)
        .correlate(users)
        .scalar_subquery()
    )
    return case(V1P1_ROLE_OF, value=first, else_=first)


def _user_v1p1() -> EntitySql:
    t, r = _users, _roles
    return EntitySql(
        "user",
        t,
        _columns(t, raw=("user_ids", "grades")),
        {
            **_user_common(t),
            "role": Scalar(v1p1_role_expr(t)),
            "orgs.sourcedId": Related(r, r.c.user_id == t.c.sourced_id, r.c.org_id),
        },
        person_key="sourced_id",
    )


def _catalog(user: EntitySql) -> dict[str, EntitySql]:
    return {
        "org": _org(),
        "academicSession": _session(),
        "course": _course(),
        "class": _class(),
        "enrollment": _enrollment(),
        "demographics": _demographic(),
        "user": user,
    }


ENTITIES: Final[dict[str, dict[str, EntitySql]]] = {
    "v1p2": _catalog(_user_v1p2()),
    "v1p1": _catalog(_user_v1p1()),
}
