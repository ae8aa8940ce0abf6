"""The Ed-Fi resources the connector reads, and the names that differ between versions.

Data Standard 5 (ODS/API 7.x) renamed parents to contacts: ``/ed-fi/parents`` and
``/ed-fi/studentParentAssociations`` (``parentReference{parentUniqueId}``) on ODS/API 5.x
and 6.x (DS 3.x and 4.0) are ``/ed-fi/contacts`` and ``/ed-fi/studentContactAssociations``
(``contactReference{contactUniqueId}``) on 7.x. ``Names`` carries the spelling of the
instance being read; everything downstream works with the contact spelling's roles.

Natural keys are flat, as ``/deletes`` and ``/keyChanges`` report them in ``keyValues``
(``studentUniqueId``, not ``studentReference.studentUniqueId``). Only resources that can
change their key by PUT (and the associations that follow by cascade) have key changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "CONTACTS",
    "KEY_CHANGES",
    "PARENTS",
    "ROSTER",
    "Names",
]


@dataclass(frozen=True)
class Names:
    """Resource and field names of the contact (DS 5) or parent (DS 3/4) spelling."""

    contacts: str
    links: str
    reference: str
    unique_id: str

    @property
    def roster(self) -> tuple[str, ...]:
        """Every resource read, in a valid dependency order (used when the host's own order
        does not list a resource)."""
        return (
            "localEducationAgencies",
            "schools",
            "sessions",
            "courses",
            "courseOfferings",
            "sections",
            "students",
            self.contacts,
            "staffs",
            "studentSchoolAssociations",
            "studentEducationOrganizationAssociations",
            self.links,
            "staffEducationOrganizationAssignmentAssociations",
            "staffSectionAssociations",
            "studentSectionAssociations",
        )


CONTACTS: Final = Names(
    "contacts", "studentContactAssociations", "contactReference", "contactUniqueId"
)
PARENTS: Final = Names("parents", "studentParentAssociations", "parentReference", "parentUniqueId")

ROSTER: Final = CONTACTS.roster

KEY_CHANGES: Final = frozenset(
    {
        "sessions",
        "sections",
        "studentSchoolAssociations",
        "studentSectionAssociations",
        "staffSectionAssociations",
    }
)
"""Resources whose natural key can change (directly, or by cascade from a session or
section): an old key's OneRoster record is tombstoned."""
