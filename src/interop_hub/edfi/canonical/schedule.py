"""Education organizations, sessions, courses and sections → orgs, academic sessions,
courses, classes (+ class terms)."""

from __future__ import annotations

from datetime import date
from typing import Any

from interop_hub.edfi.canonical import ids
from interop_hub.edfi.canonical.vocab import TERM_TYPE, code_value
from interop_hub.edfi.canonical.writer import Writer
from interop_hub.models import AcademicSession, Class, ClassTerm, Course, Org

__all__ = ["ORG_RESOURCES", "project_course", "project_org", "project_section", "project_session"]

# resource -> (its id field, OneRoster org type, parent reference, parent id field)
ORG_RESOURCES: dict[str, tuple[str, str, str | None, str | None]] = {
    "stateEducationAgencies": ("stateEducationAgencyId", "state", None, None),
    "localEducationAgencies": (
        "localEducationAgencyId",
        "district",
        "stateEducationAgencyReference",
        "stateEducationAgencyId",
    ),
    "schools": (
        "schoolId",
        "school",
        "localEducationAgencyReference",
        "localEducationAgencyId",
    ),
}


def project_org(w: Writer, resource: str, doc: dict[str, Any]) -> str:
    id_field, kind, parent_ref, parent_field = ORG_RESOURCES[resource]
    ed_org = int(doc[id_field])
    parent = (doc.get(parent_ref) or {}).get(parent_field) if parent_ref and parent_field else None
    hub = ids.org_id(ed_org)
    w.upsert(
        Org,
        hub,
        {
            "name": doc["nameOfInstitution"],
            "type": kind,
            "identifier": str(ed_org),
            "parent_id": ids.org_id(int(parent)) if parent is not None else None,
        },
    )
    w.link("org", str(ed_org), hub)
    return hub


def _lea_of(w: Writer, school_id: int) -> int | None:
    school = w.document("schools", {"schoolId": school_id})
    lea = ((school or {}).get("localEducationAgencyReference") or {}).get("localEducationAgencyId")
    return int(lea) if lea is not None else None


def project_session(w: Writer, doc: dict[str, Any]) -> str:
    school_id = int(doc["schoolReference"]["schoolId"])
    year = int(doc["schoolYearTypeReference"]["schoolYear"])
    begin, end = date.fromisoformat(doc["beginDate"]), date.fromisoformat(doc["endDate"])
    parent: str | None = None
    lea = _lea_of(w, school_id)
    if lea is not None:
        # The school year is one session per LEA and year spanning its schools' sessions.
        parent = ids.school_year_id(lea, year)
        held = w.session.get(AcademicSession, parent)
        if held is not None and held.status == "active":
            begin, end = min(begin, held.start_date), max(end, held.end_date)
        w.upsert(
            AcademicSession,
            parent,
            {
                "title": f"{year - 1}-{year}",
                "type": "schoolYear",
                "start_date": begin,
                "end_date": end,
                "school_year": str(year),
                "org_id": ids.org_id(lea),
                "parent_id": None,
            },
        )
    hub = ids.session_id(school_id, year, doc["sessionName"])
    w.upsert(
        AcademicSession,
        hub,
        {
            "title": doc["sessionName"],
            "type": TERM_TYPE.get(code_value(doc.get("termDescriptor")) or "", "term"),
            "start_date": date.fromisoformat(doc["beginDate"]),
            "end_date": date.fromisoformat(doc["endDate"]),
            "school_year": str(year),
            "org_id": ids.org_id(school_id),
            "parent_id": parent,
        },
    )
    w.link("academicSession", f"{school_id}-{year}-{doc['sessionName']}", hub)
    return hub


def project_course(w: Writer, doc: dict[str, Any]) -> str:
    ed_org = int(doc["educationOrganizationReference"]["educationOrganizationId"])
    hub = ids.course_id(ed_org, doc["courseCode"])
    w.upsert(
        Course,
        hub,
        {
            "title": doc["courseTitle"],
            "course_code": doc["courseCode"],
            "org_id": ids.org_id(ed_org),
        },
    )
    w.link("course", f"{ed_org}-{doc['courseCode']}", hub)
    return hub


def section_key(doc: dict[str, Any]) -> dict[str, Any]:
    """The flat section key of a ``sections`` document (as in a ``sectionReference``)."""
    return {**doc["courseOfferingReference"], "sectionIdentifier": doc["sectionIdentifier"]}


def project_section(w: Writer, doc: dict[str, Any]) -> str | None:
    key = section_key(doc)
    offering = w.document(
        "courseOfferings",
        {k: key[k] for k in ("localCourseCode", "schoolId", "schoolYear", "sessionName")},
    )
    if offering is None:  # references are checked before projection; defensive only
        return None
    course = offering["courseReference"]
    hub = ids.class_id(key)
    location = (doc.get("locationReference") or {}).get("classroomIdentificationCode")
    periods = [
        p["classPeriodReference"]["classPeriodName"]
        for p in doc.get("classPeriods") or []
        if "classPeriodReference" in p
    ]
    w.upsert(
        Class,
        hub,
        {
            "title": doc.get("sectionName")
            or offering.get("localCourseTitle")
            or doc["sectionIdentifier"],
            "class_code": key["localCourseCode"],
            "class_type": "scheduled",
            "location": location,
            "course_id": ids.course_id(
                int(course["educationOrganizationId"]), course["courseCode"]
            ),
            "school_id": ids.org_id(int(key["schoolId"])),
            "periods": periods or None,
        },
    )
    term = ids.session_id(int(key["schoolId"]), int(key["schoolYear"]), key["sessionName"])
    if w.replace_children(ClassTerm, {"class_id": hub}, [{"term_id": term, "ordinal": 0}]):
        w.touch(Class, hub)
    w.link("class", hub, hub)  # the key can exceed the crosswalk column; its md5 is the id
    return hub
