"""Hub ids of Ed-Fi data: md5 hex of the Ed-Fi natural key joined with ``-``, as the Ed-Fi
Alliance's Ed-Fi → OneRoster mapping (edfi-oneroster) computes its sourcedIds.

* org: ``md5(educationOrganizationId)``
* school-year session: ``md5(localEducationAgencyId-schoolYear)``
* session: ``md5(schoolId-schoolYear-sessionName)``
* course: ``md5(educationOrganizationId-courseCode)``
* class: ``md5(lower(localCourseCode)-schoolId-schoolYear-lower(sectionIdentifier)-
  lower(sessionName))``
* enrollment: ``md5(lower(uniqueId)-<class key>-beginDate)``
* user: ``md5('STU-'|'STA-'|'PAR-' + uniqueId[-schoolId])``: the reference emits one user row
  per person *per school*; the hub keeps one user per person (the point of identity
  reconciliation), keyed by the school of the person's first association, so a person
  known at one school (the common case) has the reference implementation's id.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

__all__ = [
    "PERSON_PREFIX",
    "class_id",
    "course_id",
    "enrollment_id",
    "md5_key",
    "org_id",
    "person_id",
    "school_year_id",
    "session_id",
]

PERSON_PREFIX: Final = {"student": "STU", "staff": "STA", "contact": "PAR"}


def md5_key(*parts: object) -> str:
    return hashlib.md5("-".join(str(p) for p in parts).encode(), usedforsecurity=False).hexdigest()


def org_id(ed_org_id: int) -> str:
    return md5_key(ed_org_id)


def school_year_id(lea_id: int, school_year: int) -> str:
    return md5_key(lea_id, school_year)


def session_id(school_id: int, school_year: int, session_name: str) -> str:
    return md5_key(school_id, school_year, session_name)


def course_id(ed_org_id: int, course_code: str) -> str:
    return md5_key(ed_org_id, course_code)


def _section_parts(section: dict[str, Any]) -> tuple[object, ...]:
    return (
        str(section["localCourseCode"]).lower(),
        section["schoolId"],
        section["schoolYear"],
        str(section["sectionIdentifier"]).lower(),
        str(section["sessionName"]).lower(),
    )


def class_id(section: dict[str, Any]) -> str:
    """``section`` holds the flat section key (a ``sectionReference``)."""
    return md5_key(*_section_parts(section))


def enrollment_id(unique_id: str, section: dict[str, Any], begin_date: str) -> str:
    return md5_key(unique_id.lower(), *_section_parts(section), begin_date)


def person_id(kind: str, unique_id: str, school_id: int | None) -> str:
    base = f"{PERSON_PREFIX[kind]}-{unique_id}"
    return md5_key(base) if school_id is None else md5_key(base, school_id)
