"""What assembling a OneRoster record needs to know beyond the Ed-Fi item itself.

A OneRoster user joins several Ed-Fi resources (a student's school comes from
``studentSchoolAssociations``, their email and races from
``studentEducationOrganizationAssociations``, their guardians from
``studentContactAssociations``); a class joins its section with the course offering.
``Lookups`` is that join, answered two ways:

* ``Snapshot`` (full runs): every resource was read once; answers come from memory.
* ``OnDemand`` (incremental runs): only changed items were read; each answer is a filtered
  collection GET by flat key fields (``/ed-fi/studentSchoolAssociations?studentUniqueId=…``),
  cached for the run, so a person is assembled from *all* of their current associations,
  not just the ones that changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from interop_hub.connectors.edfi_api.resources import Names
from interop_hub.connectors.edfi_api.source import EdFiSource

__all__ = ["Lookups", "OfferingKey", "OnDemand", "Snapshot", "offering_key"]

OfferingKey = tuple[str, int, int, str]
Doc = dict[str, Any]


def offering_key(ref: dict[str, Any]) -> OfferingKey:
    """``(localCourseCode, schoolId, schoolYear, sessionName)`` of a course offering
    (from its ``courseOfferingReference`` or a flat section key)."""
    return (
        str(ref["localCourseCode"]),
        int(ref["schoolId"]),
        int(ref["schoolYear"]),
        str(ref["sessionName"]),
    )


def _ref(doc: Doc, reference: str, field: str) -> Any:
    ref = doc.get(reference)
    return ref.get(field) if isinstance(ref, dict) else None


class Lookups(Protocol):
    names: Names

    def is_org(self, ed_org_id: int) -> bool:
        """Whether the id is an LEA or school this source supplies (an org row exists)."""
        ...

    def lea_of(self, school_id: int) -> int | None: ...

    def offering(self, key: OfferingKey) -> Doc | None: ...

    def contact(self, unique_id: str) -> Doc | None: ...

    def school_associations(self, student: str) -> list[Doc]: ...

    def edorg_associations(self, student: str) -> list[Doc]: ...

    def links_of_student(self, student: str) -> list[Doc]: ...

    def links_of_contact(self, contact: str) -> list[Doc]: ...

    def assignments(self, staff: str) -> list[Doc]: ...

    def teaching_schools(self, staff: str) -> set[int]: ...


class Snapshot:
    """Every item of a full read, indexed for the joins."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.leas: dict[int, Doc] = {}
        self.schools: dict[int, Doc] = {}
        self.sessions: list[Doc] = []
        self.courses: list[Doc] = []
        self.offerings: dict[OfferingKey, Doc] = {}
        self.sections: list[Doc] = []
        self.students: dict[str, Doc] = {}
        self.staffs: dict[str, Doc] = {}
        self.contacts: dict[str, Doc] = {}
        self.ssa: defaultdict[str, list[Doc]] = defaultdict(list)
        self.seoa: defaultdict[str, list[Doc]] = defaultdict(list)
        self.student_links: defaultdict[str, list[Doc]] = defaultdict(list)
        self.contact_links: defaultdict[str, list[Doc]] = defaultdict(list)
        self.seoaa: defaultdict[str, list[Doc]] = defaultdict(list)
        self.staff_sections: list[Doc] = []
        self.teaching: defaultdict[str, set[int]] = defaultdict(set)
        n = names
        self._add: dict[str, Callable[[Doc], None]] = {
            "localEducationAgencies": lambda d: self.leas.__setitem__(
                int(d["localEducationAgencyId"]), d
            ),
            "schools": lambda d: self.schools.__setitem__(int(d["schoolId"]), d),
            "sessions": self.sessions.append,
            "courses": self.courses.append,
            "courseOfferings": lambda d: self.offerings.__setitem__(
                offering_key(
                    {
                        "localCourseCode": d["localCourseCode"],
                        **d["sessionReference"],
                    }
                ),
                d,
            ),
            "sections": self.sections.append,
            "students": lambda d: self.students.__setitem__(str(d["studentUniqueId"]), d),
            "staffs": lambda d: self.staffs.__setitem__(str(d["staffUniqueId"]), d),
            n.contacts: lambda d: self.contacts.__setitem__(str(d[n.unique_id]), d),
            "studentSchoolAssociations": lambda d: self.ssa[
                str(_ref(d, "studentReference", "studentUniqueId"))
            ].append(d),
            "studentEducationOrganizationAssociations": lambda d: self.seoa[
                str(_ref(d, "studentReference", "studentUniqueId"))
            ].append(d),
            n.links: self._add_link,
            "staffEducationOrganizationAssignmentAssociations": lambda d: self.seoaa[
                str(_ref(d, "staffReference", "staffUniqueId"))
            ].append(d),
            "staffSectionAssociations": self._add_staff_section,
        }

    def add(self, resource: str, doc: Doc) -> None:
        self._add[resource](doc)

    def _add_link(self, doc: Doc) -> None:
        self.student_links[str(_ref(doc, "studentReference", "studentUniqueId"))].append(doc)
        contact = _ref(doc, self.names.reference, self.names.unique_id)
        self.contact_links[str(contact)].append(doc)

    def _add_staff_section(self, doc: Doc) -> None:
        self.staff_sections.append(doc)
        staff = str(_ref(doc, "staffReference", "staffUniqueId"))
        self.teaching[staff].add(int(doc["sectionReference"]["schoolId"]))

    # -- Lookups ---------------------------------------------------------------------------
    def is_org(self, ed_org_id: int) -> bool:
        return ed_org_id in self.schools or ed_org_id in self.leas

    def lea_of(self, school_id: int) -> int | None:
        lea = _ref(
            self.schools.get(school_id) or {},
            "localEducationAgencyReference",
            "localEducationAgencyId",
        )
        return int(lea) if lea is not None and int(lea) in self.leas else None

    def offering(self, key: OfferingKey) -> Doc | None:
        return self.offerings.get(key)

    def contact(self, unique_id: str) -> Doc | None:
        return self.contacts.get(unique_id)

    def school_associations(self, student: str) -> list[Doc]:
        return self.ssa.get(student, [])

    def edorg_associations(self, student: str) -> list[Doc]:
        return self.seoa.get(student, [])

    def links_of_student(self, student: str) -> list[Doc]:
        return self.student_links.get(student, [])

    def links_of_contact(self, contact: str) -> list[Doc]:
        return self.contact_links.get(contact, [])

    def assignments(self, staff: str) -> list[Doc]:
        return self.seoaa.get(staff, [])

    def teaching_schools(self, staff: str) -> set[int]:
        return self.teaching.get(staff, set())


class OnDemand:
    """Answers by filtered GETs, cached for the run; ``remember`` seeds items already read."""

    def __init__(self, source: EdFiSource, names: Names) -> None:
        self.source = source
        self.names = names
        self._cache: dict[tuple[str, tuple[tuple[str, str], ...]], list[Doc]] = {}

    def _find(self, resource: str, **keys: object) -> list[Doc]:
        marker = (resource, tuple(sorted((k, str(v)) for k, v in keys.items())))
        found = self._cache.get(marker)
        if found is None:
            found = self.source.find(resource, **keys)
            self._cache[marker] = found
        return found

    def _one(self, resource: str, **keys: object) -> Doc | None:
        found = self._find(resource, **keys)
        return found[0] if found else None

    def remember(self, resource: str, key: dict[str, object], doc: Doc | None) -> None:
        marker = (resource, tuple(sorted((k, str(v)) for k, v in key.items())))
        self._cache[marker] = [doc] if doc is not None else []

    # -- what only incremental runs ask ----------------------------------------------------
    def school(self, school_id: int) -> Doc | None:
        return self._one("schools", schoolId=school_id)

    def person(self, resource: str, field: str, unique_id: str) -> Doc | None:
        return self._one(resource, **{field: unique_id})

    def sessions_in_year(self, year: int) -> list[Doc]:
        return self._find("sessions", schoolYear=year)

    def sections_of_offering(self, key: OfferingKey) -> list[Doc]:
        code, school, year, session = key
        return self._find(
            "sections",
            localCourseCode=code,
            schoolId=school,
            schoolYear=year,
            sessionName=session,
        )

    # -- Lookups ---------------------------------------------------------------------------
    def is_org(self, ed_org_id: int) -> bool:
        if self.school(ed_org_id) is not None:
            return True
        return self._one("localEducationAgencies", localEducationAgencyId=ed_org_id) is not None

    def lea_of(self, school_id: int) -> int | None:
        school = self.school(school_id)
        lea = _ref(school or {}, "localEducationAgencyReference", "localEducationAgencyId")
        return int(lea) if lea is not None and self.is_org(int(lea)) else None

    def offering(self, key: OfferingKey) -> Doc | None:
        code, school, year, session = key
        return self._one(
            "courseOfferings",
            localCourseCode=code,
            schoolId=school,
            schoolYear=year,
            sessionName=session,
        )

    def contact(self, unique_id: str) -> Doc | None:
        return self.person(self.names.contacts, self.names.unique_id, unique_id)

    def school_associations(self, student: str) -> list[Doc]:
        return self._find("studentSchoolAssociations", studentUniqueId=student)

    def edorg_associations(self, student: str) -> list[Doc]:
        return self._find("studentEducationOrganizationAssociations", studentUniqueId=student)

    def links_of_student(self, student: str) -> list[Doc]:
        return self._find(self.names.links, studentUniqueId=student)

    def links_of_contact(self, contact: str) -> list[Doc]:
        return self._find(self.names.links, **{self.names.unique_id: contact})

    def assignments(self, staff: str) -> list[Doc]:
        return self._find("staffEducationOrganizationAssignmentAssociations", staffUniqueId=staff)

    def teaching_schools(self, staff: str) -> set[int]:
        found = self._find("staffSectionAssociations", staffUniqueId=staff)
        return {int(d["sectionReference"]["schoolId"]) for d in found}
