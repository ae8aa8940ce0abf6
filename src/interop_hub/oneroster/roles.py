"""Role vocabularies across OneRoster versions (pure).

1.2 users carry ``roles[]`` with a 12-value vocabulary; 1.1 users carry one scalar ``role``
from {administrator, aide, guardian, parent, proctor, relative, student, teacher}. The 1.1
``role`` of a user is their first primary role (else their first role), mapped below;
``ext:`` values pass through unchanged.
"""

from __future__ import annotations

from typing import Final

__all__ = ["V1P1_ROLE_OF", "v1p1_role"]

V1P1_ROLE_OF: Final[dict[str, str]] = {
    "administrator": "administrator",
    "aide": "aide",
    "counselor": "administrator",
    "districtAdministrator": "administrator",
    "guardian": "guardian",
    "parent": "parent",
    "principal": "administrator",
    "proctor": "proctor",
    "relative": "relative",
    "siteAdministrator": "administrator",
    "student": "student",
    "systemAdministrator": "administrator",
    "teacher": "teacher",
}


def v1p1_role(role: str) -> str:
    return V1P1_ROLE_OF.get(role, role)
