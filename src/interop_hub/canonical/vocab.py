"""OneRoster 1.2 vocabularies. Every enum also admits ``ext:``-prefixed vendor values."""

from __future__ import annotations

import re
from typing import Annotated, Final

from pydantic import AfterValidator

__all__ = [
    "CLASS_TYPES",
    "ENROLLMENT_ROLES",
    "EXT_PATTERN",
    "ORG_TYPES",
    "ROLES",
    "ROLE_TYPES",
    "SESSION_TYPES",
    "SEX_VALUES",
    "STATUSES",
    "ClassType",
    "EnrollmentRole",
    "OrgType",
    "Role",
    "RoleType",
    "SessionType",
    "Sex",
    "Status",
    "check_vocab",
    "normalize_grade",
]

EXT_PATTERN: Final = re.compile(r"^ext:[a-zA-Z0-9.\-_]+$")

STATUSES: Final = frozenset({"active", "tobedeleted"})
ORG_TYPES: Final = frozenset({"department", "district", "local", "national", "school", "state"})
SESSION_TYPES: Final = frozenset({"gradingPeriod", "semester", "schoolYear", "term"})
CLASS_TYPES: Final = frozenset({"homeroom", "scheduled"})
ENROLLMENT_ROLES: Final = frozenset({"administrator", "proctor", "student", "teacher"})
ROLES: Final = frozenset(
    {
        "aide",
        "counselor",
        "districtAdministrator",
        "guardian",
        "parent",
        "principal",
        "proctor",
        "relative",
        "siteAdministrator",
        "student",
        "systemAdministrator",
        "teacher",
    }
)
ROLE_TYPES: Final = frozenset({"primary", "secondary"})
SEX_VALUES: Final = frozenset({"male", "female", "unspecified", "other"})


def check_vocab(value: str, allowed: frozenset[str], *, extensible: bool = True) -> str:
    """Return ``value`` if it is in ``allowed`` (or an ``ext:`` value); raise ValueError."""
    if value in allowed or (extensible and EXT_PATTERN.match(value)):
        return value
    choices = ", ".join(sorted(allowed))
    suffix = " or an ext: value" if extensible else ""
    raise ValueError(f"{value!r} is not one of {choices}{suffix}")


def _vocab(allowed: frozenset[str], *, extensible: bool = True) -> AfterValidator:
    return AfterValidator(lambda v: check_vocab(v, allowed, extensible=extensible))


Status = Annotated[str, _vocab(STATUSES, extensible=False)]
OrgType = Annotated[str, _vocab(ORG_TYPES)]
SessionType = Annotated[str, _vocab(SESSION_TYPES)]
ClassType = Annotated[str, _vocab(CLASS_TYPES)]
EnrollmentRole = Annotated[str, _vocab(ENROLLMENT_ROLES)]
Role = Annotated[str, _vocab(ROLES)]
RoleType = Annotated[str, _vocab(ROLE_TYPES, extensible=False)]
Sex = Annotated[str, _vocab(SEX_VALUES)]

_GRADE_ALIASES: Final = {"K": "KG", "PK3": "PK", "PK4": "PK"}


def normalize_grade(value: str) -> str:
    """Normalise a grade to the CEDS code list (``K``→``KG``, ``9``→``09``); others pass through."""
    v = value.strip()
    if v.isdigit() and len(v) == 1:
        return f"0{v}"
    return _GRADE_ALIASES.get(v.upper(), v)
