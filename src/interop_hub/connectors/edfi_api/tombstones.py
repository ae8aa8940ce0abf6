"""``/deletes`` and ``/keyChanges`` entries → the OneRoster records they retire.

An entry names the gone item by its natural key (``keyValues``; ``oldKeyValues`` for a
key change), flat and with descriptors as URIs::

    {"id": "6e0c…", "changeVersion": 4711,
     "keyValues": {"entryDate": "2024-08-19", "schoolId": 255901001,
                   "studentUniqueId": "604822"}}

The record it produced has the id the same formula gives that key (``records``), so the
tombstone (``status=tobedeleted``) carries the sourcedId the record had. Hosts before
ODS/API 6.1 (and 5.3 without the "cqe" patch) send deletes without ``keyValues``: those
cannot be matched and are counted instead (a full run reconciles them).

Deleting a person, or an association that shapes a person's user (school, ed-org and
contact associations, assignments, sections taught), also re-assembles that person
(``people_of``): their user may lose a role, an agent or its last role.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from interop_hub.connectors.edfi_api.records import (
    key_date,
    role_id,
    teaching_role_id,
    user_id,
)
from interop_hub.connectors.edfi_api.resources import Names
from interop_hub.edfi.canonical import ids
from interop_hub.edfi.canonical.vocab import code_value

__all__ = ["Person", "flat_key", "people_of", "person_user", "retired", "stale_teaching_role"]

Person = tuple[str, str]
"""``(kind, uniqueId)``: kind is ``student``, ``staff`` or ``contact``."""

Key = dict[str, Any]


def retired(resource: str, key: Key, names: Names) -> list[tuple[str, str]]:
    """``(target file, sourcedId)`` of every record the item with natural ``key`` produced
    directly. People are handled by re-assembly (``people_of``), not here."""
    if resource == "localEducationAgencies":
        return [("orgs", ids.org_id(int(key["localEducationAgencyId"])))]
    if resource == "schools":
        return [("orgs", ids.org_id(int(key["schoolId"])))]
    if resource == "sessions":
        session = ids.session_id(int(key["schoolId"]), int(key["schoolYear"]), key["sessionName"])
        return [("academicSessions", session)]
    if resource == "courses":
        course = ids.course_id(int(key["educationOrganizationId"]), key["courseCode"])
        return [("courses", course)]
    if resource == "sections":
        return [("classes", ids.class_id(key))]
    if resource in ("studentSectionAssociations", "staffSectionAssociations"):
        kind = "student" if resource == "studentSectionAssociations" else "staff"
        unique = str(key[f"{kind}UniqueId"])
        return [("enrollments", ids.enrollment_id(unique, key, key_date(key.get("beginDate"))))]
    if resource == "studentSchoolAssociations":
        student, school = str(key["studentUniqueId"]), int(key["schoolId"])
        return [("roles", role_id("SSA", student, school, key_date(key["entryDate"])))]
    if resource == "staffEducationOrganizationAssignmentAssociations":
        staff, ed_org = str(key["staffUniqueId"]), int(key["educationOrganizationId"])
        classification = code_value(key.get("staffClassificationDescriptor"))
        begin = key_date(key.get("beginDate"))
        return [("roles", role_id("SEOAA", staff, ed_org, classification, begin))]
    if resource == names.links:
        contact, student = str(key[names.unique_id]), str(key["studentUniqueId"])
        return [("roles", role_id("SCA", contact, student))]
    return []


def flat_key(doc: Mapping[str, Any]) -> dict[str, Any]:
    """An item's scalar fields merged with the fields of its references: the flat names a
    ``keyValues`` entry uses (``studentUniqueId`` from ``studentReference``)."""
    flat: dict[str, Any] = {}
    for name, value in doc.items():
        if name.endswith("Reference") and isinstance(value, dict):
            flat.update({k: v for k, v in value.items() if k != "link"})
    flat.update({k: v for k, v in doc.items() if not isinstance(v, dict | list)})
    return flat


def people_of(resource: str, key: Key, names: Names) -> list[Person]:
    """The people whose user a change to the item with flat ``key`` can alter."""
    people: list[Person] = []
    if "studentUniqueId" in key and resource != "studentSectionAssociations":
        people.append(("student", str(key["studentUniqueId"])))
    if "staffUniqueId" in key:
        people.append(("staff", str(key["staffUniqueId"])))
    if names.unique_id in key:
        people.append(("contact", str(key[names.unique_id])))
    return people


def stale_teaching_role(staff: str, school: int) -> tuple[str, str]:
    """The role a staff member held for teaching at ``school`` (retired when the last
    section there is gone, or an assignment there now gives the role)."""
    return ("roles", teaching_role_id(staff, school))


def person_user(kind: str, unique: str) -> list[tuple[str, str]]:
    """A person's user (and, for students, their demographics: the same sourcedId)."""
    sourced = user_id(kind, unique)
    found = [("users", sourced)]
    if kind == "student":
        found.append(("demographics", sourced))
    return found
