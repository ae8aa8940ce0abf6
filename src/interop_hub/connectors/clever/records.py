"""Pure helpers that turn Clever v3.0 records into what the OneRoster mapping needs.

A Clever user holds one or more roles in its ``roles`` object (``student``, ``teacher``,
``staff``, ``district_admin``, ``contact``), each with its own fields; OneRoster 1.2 wants
one ``roles.csv`` row per (user, org, role). Sections carry their roster as id lists
(``students``, ``teachers``, and ``teacher``, the primary teacher), which become
enrollments. Dates come as ISO dates or date-times, and a student's ``dob`` as
``M/D/YYYY``.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

__all__ = [
    "CLEVER_ROLES",
    "ROLE_ORDER",
    "Member",
    "contact_role",
    "contact_students",
    "deep_merge",
    "parse_day",
    "school_year_bounds",
    "school_year_of",
    "section_members",
    "term_dates",
    "text",
    "user_ids",
    "user_roles",
]

# The keys of a v3.0 user's ``roles`` object, in the order that picks the primary role.
ROLE_ORDER: Final = ("student", "teacher", "staff", "district_admin", "contact")
CLEVER_ROLES: Final = frozenset(ROLE_ORDER)

_US_DATE: Final = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# Characters that would break a ``{type:identifier}`` cell of users.csv.
_ID_UNSAFE: Final = re.compile(r"[{}:,]")

# contact.relationship (or student_relationships[].relationship) → OneRoster 1.2 role.
_CONTACT_ROLE: Final = {
    "parent": "parent",
    "grandparent": "relative",
    "aunt/uncle": "relative",
    "sibling": "relative",
}


def text(value: object) -> str:
    """A stripped string, or ``""`` for anything that is not a non-blank string/number."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def parse_day(value: object) -> date | None:
    """The calendar date of an ISO date/date-time (its own date) or a US ``M/D/YYYY``."""
    raw = text(value)
    if not raw:
        return None
    head = raw[:10]
    try:
        if len(head) == 10 and head[4] == "-" and head[7] == "-":
            return date.fromisoformat(head)
        us = _US_DATE.fullmatch(raw)
        if us is not None:
            return date(int(us[3]), int(us[1]), int(us[2]))
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def school_year_of(day: date) -> int:
    """The school year (1 July - 30 June) containing ``day``, named by its ending year."""
    return day.year + 1 if day.month >= 7 else day.year


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year - 1, 7, 1), date(year, 6, 30)


def term_dates(term: Mapping[str, Any], undated_year: int) -> tuple[date, date, int]:
    """``(start, end, schoolYear)`` of a Clever term; a missing bound comes from the school
    year of the other one, a term with neither spans school year ``undated_year``."""
    start, end = parse_day(term.get("start_date")), parse_day(term.get("end_date"))
    if start is None and end is None:
        start, end = school_year_bounds(undated_year)
    elif start is None:
        assert end is not None
        start = school_year_bounds(school_year_of(end))[0]
    elif end is None:
        end = school_year_bounds(school_year_of(start))[1]
    return start, end, school_year_of(start)


def deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it: objects merge key by key, anything else
    (lists, scalars, ``null``) replaces. Used to rebuild the state before an ``updated``
    event from its object and ``previous_attributes``."""
    out = dict(base)
    for key, value in changes.items():
        current = out.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            out[key] = deep_merge(current, value)
        else:
            out[key] = value
    return out


def _ids(values: object) -> list[str]:
    if not isinstance(values, list):
        return []
    return [t for v in values if (t := text(v))]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _role_data(user: Mapping[str, Any], role: str) -> Mapping[str, Any] | None:
    roles = user.get("roles")
    data = roles.get(role) if isinstance(roles, Mapping) else None
    return data if isinstance(data, Mapping) else None


def _role_orgs(user: Mapping[str, Any], role: str, data: Mapping[str, Any]) -> list[str]:
    """The orgs a role is held at, its main one first."""
    if role in ("student", "teacher"):
        return _unique([text(data.get("school")), *_ids(data.get("schools"))])
    if role == "staff":
        return _unique(_ids(data.get("schools")))
    return _unique([text(user.get("district"))])


def contact_students(contact: Mapping[str, Any]) -> list[str]:
    """The students a contact is linked to (``student_relationships``, else ``students``)."""
    links = contact.get("student_relationships")
    if isinstance(links, list) and links:
        return _unique(text(link.get("student")) for link in links if isinstance(link, Mapping))
    return _unique(_ids(contact.get("students")))


def contact_role(contact: Mapping[str, Any]) -> str:
    """``parent``, ``relative`` or ``guardian`` from the contact's (first) relationship."""
    relationship = text(contact.get("relationship"))
    links = contact.get("student_relationships")
    if not relationship and isinstance(links, list):
        for link in links:
            if isinstance(link, Mapping) and text(link.get("relationship")):
                relationship = text(link.get("relationship"))
                break
    return _CONTACT_ROLE.get(relationship.lower(), "guardian")


def user_roles(
    user: Mapping[str, Any],
    *,
    enabled: Container[str],
    staff_role: str,
    known_orgs: Container[str] | None = None,
) -> list[dict[str, str]]:
    """The user's ``roles.csv`` cells, the primary one first.

    One row per (Clever role, org) for the ``enabled`` Clever roles; a role at an org not
    in ``known_orgs`` (when given) is left out, since the importer would reject the
    reference. The first role in ``ROLE_ORDER`` at its main org is ``primary``."""
    user_id = text(user.get("id"))
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for role in ROLE_ORDER:
        if role not in enabled:
            continue
        data = _role_data(user, role)
        if data is None:
            continue
        name = {
            "student": "student",
            "teacher": "teacher",
            "staff": staff_role,
            "district_admin": "districtAdministrator",
            "contact": contact_role(data),
        }[role]
        for org in _role_orgs(user, role, data):
            if known_orgs is not None and org not in known_orgs:
                continue
            key = f"{user_id}:{org}:{name}"
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "sourcedId": key,
                    "role": name,
                    "orgSourcedId": org,
                    "roleType": "secondary" if rows else "primary",
                    "status": "active",
                }
            )
    return rows


def user_ids(user: Mapping[str, Any]) -> str:
    """The ``userIds`` cell: ``{Clever:<id>}``, and the state id (``{StateID:...}``) and SIS
    id (``{SIS:...}``) of the first role that has one."""
    items = [("Clever", text(user.get("id")))]
    for kind, field in (("StateID", "state_id"), ("SIS", "sis_id")):
        for role in ROLE_ORDER:
            data = _role_data(user, role)
            value = text(data.get(field)) if data is not None else ""
            if value:
                items.append((kind, value))
                break
    return ",".join(f"{{{k}:{v}}}" for k, v in items if v and not _ID_UNSAFE.search(v))


@dataclass(frozen=True)
class Member:
    """One person on a section's roster."""

    user: str
    role: str  # enrollments.role: student or teacher
    primary: bool


def section_members(section: Mapping[str, Any]) -> list[Member]:
    """The section's teachers (``teacher`` is the primary one) and students; a person
    listed as both counts as a teacher."""
    lead = text(section.get("teacher"))
    members: dict[str, Member] = {}
    for user in _unique([lead, *_ids(section.get("teachers"))]):
        members[user] = Member(user, "teacher", user == lead)
    for user in _ids(section.get("students")):
        members.setdefault(user, Member(user, "student", False))
    return list(members.values())
