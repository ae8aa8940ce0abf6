"""Pure helpers that turn Canvas records into what the OneRoster mapping needs.

Canvas returns instants in UTC (``2025-08-20T06:00:00Z``); OneRoster wants calendar dates,
so dates are taken in the root account's ``default_time_zone``. Names come as
``first_name``/``last_name`` on current instances, else as ``sortable_name``
("Last, First"). Roles and the course catalog are derived here (see the package notes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "KEPT_STATES",
    "ROLE_OF_TYPE",
    "EnrollmentRole",
    "RoleBook",
    "catalog_key",
    "local_date",
    "school_year_bounds",
    "school_year_of",
    "split_name",
    "term_dates",
    "zone",
]


@dataclass(frozen=True)
class EnrollmentRole:
    """How a Canvas enrollment type appears in OneRoster."""

    enrollment_role: str  # enrollments.role
    user_role: str  # roles.role
    primary: bool  # enrollments.primary


# Canvas base enrollment types (``type``; custom course roles keep their base type).
ROLE_OF_TYPE: Final[Mapping[str, EnrollmentRole]] = {
    "StudentEnrollment": EnrollmentRole("student", "student", False),
    "TeacherEnrollment": EnrollmentRole("teacher", "teacher", True),
    "TaEnrollment": EnrollmentRole("teacher", "aide", False),
}
# ``enrollment_state`` values that are a current (or finished but not removed) roster.
KEPT_STATES: Final = ("active", "invited", "completed")
_ROLE_RANK: Final = {"teacher": 0, "aide": 1, "student": 2}
_MAX_KEY: Final = 200


def zone(name: object) -> tzinfo:
    """The account's time zone (IANA name, e.g. ``America/Denver``); UTC when unknown."""
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC
    return UTC


def local_date(value: object, tz: tzinfo) -> date | None:
    """The calendar date of a Canvas timestamp in ``tz`` (``None`` when absent/invalid)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


def school_year_of(day: date) -> int:
    """The school year (1 July - 30 June) containing ``day``, named by its ending year."""
    return day.year + 1 if day.month >= 7 else day.year


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year - 1, 7, 1), date(year, 6, 30)


def term_dates(term: Mapping[str, Any], tz: tzinfo, undated_year: int) -> tuple[date, date, int]:
    """``(start, end, schoolYear)`` of a Canvas enrollment term.

    A missing bound is taken from the school year of the other one; a term with neither
    (the Default Term) spans school year ``undated_year``. The school year is that of the
    start date."""
    start = local_date(term.get("start_at"), tz)
    end = local_date(term.get("end_at"), tz)
    if start is None and end is None:
        start, end = school_year_bounds(undated_year)
    elif start is None:
        assert end is not None
        start = school_year_bounds(school_year_of(end))[0]
    elif end is None:
        end = school_year_bounds(school_year_of(start))[1]
    return start, end, school_year_of(start)


def split_name(user: Mapping[str, Any]) -> tuple[str, str]:
    """``(givenName, familyName)`` of a Canvas user, both non-empty.

    ``first_name``/``last_name`` when present; else ``sortable_name`` ("Last, First");
    else ``name`` split at its last space. A single-word name fills both."""
    first, last = _clean(user.get("first_name")), _clean(user.get("last_name"))
    if first and last:
        return first, last
    sortable = _clean(user.get("sortable_name"))
    if "," in sortable:
        family, _, given = sortable.partition(",")
        if given.strip() and family.strip():
            return given.strip(), family.strip()
    name = _clean(user.get("name")) or _clean(user.get("short_name")) or sortable
    given, _, family = name.rpartition(" ")
    if given.strip() and family.strip():
        return given.strip(), family.strip()
    single = name.strip() or f"user {user.get('id', '')}".strip()
    return first or single, last or single


def _clean(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def catalog_key(account_id: object, course: Mapping[str, Any]) -> tuple[str, str]:
    """``(course sourcedId, course code)`` of the catalog course a Canvas course belongs to:
    one per ``(account, course_code)``; long codes are hashed to keep the id short."""
    code = (
        _clean(course.get("course_code")) or _clean(course.get("name")) or str(course.get("id", ""))
    )
    key = f"{account_id}:{code}"
    if len(key) > _MAX_KEY:
        key = f"{account_id}:{hashlib.sha256(code.encode()).hexdigest()[:32]}"
    return key, code


@dataclass
class RoleBook:
    """The OneRoster roles of every user, gathered from their kept enrollments."""

    _roles: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def add(self, user_id: str, org_id: str, role: str) -> None:
        self._roles.setdefault(user_id, set()).add((role, org_id))

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._roles

    def users(self) -> list[str]:
        return sorted(self._roles, key=_id_order)

    def roles(self, user_id: str) -> list[dict[str, str]]:
        """The user's roles as ``roles.csv`` cells, the primary one first."""
        ordered = sorted(
            self._roles.get(user_id, ()),
            key=lambda ro: (_ROLE_RANK.get(ro[0], 9), _id_order(ro[1])),
        )
        return [
            {
                "sourcedId": f"{user_id}:{org}:{role}",
                "role": role,
                "orgSourcedId": org,
                "roleType": "primary" if i == 0 else "secondary",
            }
            for i, (role, org) in enumerate(ordered)
        ]


def _id_order(value: str) -> tuple[int, int, str]:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)
