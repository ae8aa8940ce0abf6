"""Ed-Fi items → the records the mapping (``mappings/edfi-api/*.yaml``) turns into rows.

Each record is the Ed-Fi item as read (so the mapping names Ed-Fi fields: ``firstName``,
``nameOfInstitution``, ``beginDate``...) plus a ``derived`` object with what the item alone
does not say: its OneRoster sourcedId, the ids it references, joined values (a student's
email and grade, a class's course) and the vocabulary a descriptor maps to.

Ids and vocabularies are the Ed-Fi Alliance's Ed-Fi → OneRoster mapping as the hub's own
Ed-Fi API implements it (``interop_hub.edfi.canonical.ids`` / ``vocab``), so an org, term,
course, class or enrollment pulled from an ODS has the id the reference service gives it.

People get one user each, ``md5('STU-'|'STA-'|'PAR-' + uniqueId)``: the formula's variant
without the school. The reference service emits a row per person *per school*
(``…-schoolId``) and the hub keeps one user per person; a connector's sourcedIds must stay
the same from run to run and be computable from a ``/deletes`` entry's natural key alone,
which a school-qualified id is not (the school comes from another resource, and changes
when the student moves). Role rows are keyed by the association that grants them, so an
association's delete becomes that role's tombstone:

* student at a school: one role per ``studentSchoolAssociations`` item; the primary one is
  the reference's choice (``primarySchool``, then the latest ``entryDate``);
* staff: one role per ``staffEducationOrganizationAssignmentAssociations`` item whose
  classification maps to a OneRoster role (``vocab.STAFF_ROLE``) at an LEA or school of
  this source; ``teacher`` at each school where they teach a section and hold no other role;
* contact: ``parent`` at the student's primary school, one per student association.

A person with no role (no school association, no mapped assignment, no section taught, no
student at a school) is not a OneRoster user and is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from interop_hub.connectors.edfi_api.lookups import Doc, Lookups, offering_key
from interop_hub.connectors.edfi_api.resources import Names
from interop_hub.edfi.canonical import ids
from interop_hub.edfi.canonical.vocab import (
    GRADE,
    RACE,
    SEX,
    STAFF_ROLE,
    TERM_TYPE,
    code_value,
    is_teacher_of_record,
)

__all__ = [
    "class_record",
    "contact_record",
    "course_record",
    "enrollment_record",
    "key_date",
    "org_record",
    "primary_school",
    "role_id",
    "school_year_records",
    "section_key",
    "session_record",
    "staff_record",
    "stamp",
    "student_record",
    "teaching_role_id",
    "user_id",
]

_EMAIL_PREFERENCE: Final = {"student": "Home/Personal", "staff": "Work", "contact": "Home/Personal"}
_USER_ID_UNSAFE: Final = frozenset("{}:,")


def stamp(doc: Mapping[str, Any], fallback: str) -> str:
    """``dateLastModified``: the item's ``_lastModifiedDate`` (ODS/API 5.3+, in UTC with up
    to 7 fractional digits) as ``YYYY-MM-DDTHH:MM:SS.sssZ``, else ``fallback`` (the run's
    start; 6.x items carry no such field)."""
    raw = doc.get("_lastModifiedDate")
    if not isinstance(raw, str) or not raw:
        return fallback
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return fallback
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def key_date(value: Any) -> str:
    """A date of a natural key as ``YYYY-MM-DD`` (some hosts render ``keyValues`` dates
    with a time part)."""
    text = str(value or "")
    return text[:10] if len(text) >= 10 and text[4] == "-" and text[7] == "-" else text


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _ref(doc: Mapping[str, Any], reference: str, field: str) -> Any:
    ref = doc.get(reference)
    return ref.get(field) if isinstance(ref, dict) else None


def role_id(kind: str, *key: object) -> str:
    """The sourcedId of a role row, from the key of the association that grants it."""
    return ids.md5_key("ROLE", kind, *key)


def user_id(kind: str, unique_id: str) -> str:
    return ids.person_id(kind, unique_id, None)


# -- organizations, sessions, courses, classes ------------------------------------------


def org_record(resource: str, doc: Doc, lookups: Lookups, now: str) -> Doc:
    if resource == "localEducationAgencies":
        ed_org = int(doc["localEducationAgencyId"])
        parent = _int(_ref(doc, "parentLocalEducationAgencyReference", "localEducationAgencyId"))
    else:
        ed_org = int(doc["schoolId"])
        parent = _int(_ref(doc, "localEducationAgencyReference", "localEducationAgencyId"))
    return {
        **doc,
        "derived": {
            "sourcedId": ids.org_id(ed_org),
            "parentSourcedId": ids.org_id(parent)
            if parent is not None and lookups.is_org(parent)
            else None,
            "dateLastModified": stamp(doc, now),
        },
    }


def session_record(doc: Doc, lookups: Lookups, now: str) -> Doc:
    school = int(doc["schoolReference"]["schoolId"])
    year = int(doc["schoolYearTypeReference"]["schoolYear"])
    lea = lookups.lea_of(school)
    return {
        **doc,
        "derived": {
            "sourcedId": ids.session_id(school, year, doc["sessionName"]),
            "type": TERM_TYPE.get(code_value(doc.get("termDescriptor")) or "", "term"),
            "parentSourcedId": ids.school_year_id(lea, year) if lea is not None else None,
            "schoolYear": str(year),
            "dateLastModified": stamp(doc, now),
        },
    }


def school_year_records(sessions: Iterable[Doc], lookups: Lookups, now: str) -> list[Doc]:
    """The school-year sessions the reference synthesizes: one per LEA and year, spanning
    its schools' sessions (``title`` ``"2024-2025"``)."""
    spans: dict[tuple[int, int], list[str]] = {}
    for doc in sessions:
        school = int(doc["schoolReference"]["schoolId"])
        lea = lookups.lea_of(school)
        if lea is None:
            continue
        year = int(doc["schoolYearTypeReference"]["schoolYear"])
        begin, end, last = str(doc["beginDate"]), str(doc["endDate"]), stamp(doc, now)
        held = spans.get((lea, year))
        spans[(lea, year)] = (
            [begin, end, last]
            if held is None
            else [min(held[0], begin), max(held[1], end), max(held[2], last)]
        )
    return [
        {
            "id": f"{lea}-{year}",
            "sourcedId": ids.school_year_id(lea, year),
            "title": f"{year - 1}-{year}",
            "startDate": begin,
            "endDate": end,
            "schoolYear": str(year),
            "localEducationAgencyId": lea,
            "dateLastModified": last,
        }
        for (lea, year), (begin, end, last) in sorted(spans.items())
    ]


def course_record(doc: Doc, lookups: Lookups, now: str) -> Doc:
    ed_org = int(doc["educationOrganizationReference"]["educationOrganizationId"])
    return {
        **doc,
        "derived": {
            "sourcedId": ids.course_id(ed_org, doc["courseCode"]),
            "orgSourcedId": ids.org_id(ed_org) if lookups.is_org(ed_org) else None,
            "dateLastModified": stamp(doc, now),
        },
    }


def section_key(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The flat section key of a ``sections`` item (as in a ``sectionReference``)."""
    return {**doc["courseOfferingReference"], "sectionIdentifier": doc["sectionIdentifier"]}


def class_record(doc: Doc, lookups: Lookups, now: str) -> Doc | None:
    """A section and its course offering; ``None`` when the offering is not visible (the
    class would have no course)."""
    key = section_key(doc)
    offering = lookups.offering(offering_key(key))
    if offering is None:
        return None
    course = offering["courseReference"]
    periods = [
        str(p["classPeriodReference"]["classPeriodName"])
        for p in doc.get("classPeriods") or ()
        if isinstance(p, dict) and isinstance(p.get("classPeriodReference"), dict)
    ]
    school, year = int(key["schoolId"]), int(key["schoolYear"])
    return {
        **doc,
        "derived": {
            "sourcedId": ids.class_id(key),
            "offeringTitle": offering.get("localCourseTitle"),
            "courseSourcedId": ids.course_id(
                int(course["educationOrganizationId"]), course["courseCode"]
            ),
            "schoolSourcedId": ids.org_id(school),
            "termSourcedIds": [ids.session_id(school, year, key["sessionName"])],
            "periods": periods,
            "dateLastModified": stamp(doc, now),
        },
    }


# -- people -------------------------------------------------------------------------------


def _email(kind: str, holders: Iterable[Mapping[str, Any]]) -> str | None:
    """The preferred email (Home/Personal for students and contacts, Work for staff),
    skipping addresses marked ``doNotPublishIndicator``."""
    mails = [
        m
        for holder in holders
        for m in holder.get("electronicMails") or ()
        if isinstance(m, dict)
        and m.get("electronicMailAddress")
        and not m.get("doNotPublishIndicator")
    ]
    preferred = [
        m
        for m in mails
        if code_value(m.get("electronicMailTypeDescriptor")) == _EMAIL_PREFERENCE[kind]
    ]
    chosen = (preferred or mails)[:1]
    return str(chosen[0]["electronicMailAddress"]) if chosen else None


def _user_id_item(kind: str, value: Any) -> str | None:
    """One ``{type:identifier}`` item (dropped when either part would break the cell)."""
    text = str(value or "").strip()
    if not kind or not text or _USER_ID_UNSAFE & set(kind + text):
        return None
    return f"{{{kind}:{text}}}"


def _user_ids(field: str, unique: str, codes: Iterable[tuple[Any, Any]]) -> list[str]:
    items = [_user_id_item(field, unique)]
    items += [_user_id_item(code_value(system) or "", code) for system, code in codes]
    return list(dict.fromkeys(i for i in items if i))


def _finish_roles(roles: list[Doc]) -> list[Doc]:
    """The first role is ``primary``, the others ``secondary`` (the caller orders them)."""
    for index, role in enumerate(roles):
        role["roleType"] = "primary" if index == 0 else "secondary"
    return roles


def _role(
    sourced_id: str, role: str, ed_org: int, begin: Any, end: Any, doc: Mapping[str, Any], now: str
) -> Doc:
    return {
        "sourcedId": sourced_id,
        "role": role,
        "orgSourcedId": ids.org_id(ed_org),
        "beginDate": key_date(begin) or None,
        "endDate": key_date(end) or None,
        "dateLastModified": stamp(doc, now),
    }


def _primary_first(associations: list[Doc]) -> list[Doc]:
    """School associations with the reference's primary one first: ``primarySchool``, then
    the most recent ``entryDate``, then the lowest ``schoolId``."""
    by_school = sorted(associations, key=lambda a: int(a["schoolReference"]["schoolId"]))
    by_date = sorted(by_school, key=lambda a: key_date(a.get("entryDate")), reverse=True)
    return sorted(by_date, key=lambda a: not a.get("primarySchool"))


def primary_school(lookups: Lookups, student: str) -> int | None:
    schools = [
        int(a["schoolReference"]["schoolId"])
        for a in _primary_first(lookups.school_associations(student))
        if lookups.is_org(int(a["schoolReference"]["schoolId"]))
    ]
    return schools[0] if schools else None


def _camel(column: str) -> str:
    """``black_or_african_american`` (a canonical column) → ``blackOrAfricanAmerican``."""
    head, *rest = column.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _demographics(student: Doc, seoas: list[Doc]) -> Doc:
    """Sex, race flags (OR-ed over every ed-org association, as the reference does) and
    ethnicity; race columns stay empty when no association reports a race."""
    sexes = [SEX.get(code_value(a.get("sexDescriptor")) or "") for a in seoas]
    races = {
        RACE.get(code_value(r.get("raceDescriptor")) or "")
        for a in seoas
        for r in a.get("races") or ()
        if isinstance(r, dict)
    }
    races.discard(None)
    hispanic = [
        a["hispanicLatinoEthnicity"]
        for a in seoas
        if isinstance(a.get("hispanicLatinoEthnicity"), bool)
    ]
    values: Doc = {
        "sex": next((s for s in sexes if s), None),
        "hispanicOrLatinoEthnicity": any(hispanic) if hispanic else None,
    }
    for column in RACE.values():
        values[_camel(column)] = (column in races) if races else None
    values["demographicRaceTwoOrMoreRaces"] = len(races) > 1 if races else None
    return values


def student_record(doc: Doc, lookups: Lookups, now: str) -> Doc | None:
    unique = str(doc["studentUniqueId"])
    associations = [
        a
        for a in _primary_first(lookups.school_associations(unique))
        if lookups.is_org(int(a["schoolReference"]["schoolId"]))
    ]
    if not associations:
        return None
    roles = _finish_roles(
        [
            _role(
                role_id(
                    "SSA", unique, int(a["schoolReference"]["schoolId"]), key_date(a["entryDate"])
                ),
                "student",
                int(a["schoolReference"]["schoolId"]),
                a.get("entryDate"),
                a.get("exitWithdrawDate"),
                a,
                now,
            )
            for a in associations
        ]
    )
    latest = max(associations, key=lambda a: key_date(a.get("entryDate")))
    grade = GRADE.get(code_value(latest.get("entryGradeLevelDescriptor")) or "")
    seoas = sorted(
        lookups.edorg_associations(unique),
        key=lambda a: int(a["educationOrganizationReference"]["educationOrganizationId"]),
    )
    codes = [
        (c.get("studentIdentificationSystemDescriptor"), c.get("identificationCode"))
        for a in seoas
        for c in a.get("studentIdentificationCodes") or ()
        if isinstance(c, dict)
    ]
    email = _email("student", [*seoas, doc])
    contacts = sorted(
        {
            str(_ref(link, lookups.names.reference, lookups.names.unique_id))
            for link in lookups.links_of_student(unique)
        }
    )
    return {
        **doc,
        "derived": {
            "sourcedId": user_id("student", unique),
            "username": email,
            "email": email,
            "userIds": _user_ids("studentUniqueId", unique, codes),
            "grades": [grade] if grade else [],
            "agentSourcedIds": [
                user_id("contact", c) for c in contacts if lookups.contact(c) is not None
            ],
            "primaryOrgSourcedId": roles[0]["orgSourcedId"],
            "roles": roles,
            "demographics": _demographics(doc, seoas),
            "dateLastModified": stamp(doc, now),
        },
    }


def staff_record(doc: Doc, lookups: Lookups, now: str) -> Doc | None:
    unique = str(doc["staffUniqueId"])
    assigned: list[Doc] = []
    held: set[int] = set()
    ordered = sorted(
        lookups.assignments(unique),
        key=lambda a: int(a["educationOrganizationReference"]["educationOrganizationId"]),
    )
    for a in sorted(ordered, key=lambda a: key_date(a.get("beginDate")), reverse=True):
        classification = code_value(a.get("staffClassificationDescriptor"))
        role = STAFF_ROLE.get(classification or "")
        ed_org = int(a["educationOrganizationReference"]["educationOrganizationId"])
        if role is None or not lookups.is_org(ed_org):
            continue  # unmapped classifications carry no OneRoster role
        held.add(ed_org)
        assigned.append(
            _role(
                role_id("SEOAA", unique, ed_org, classification, key_date(a.get("beginDate"))),
                role,
                ed_org,
                a.get("beginDate"),
                a.get("endDate"),
                a,
                now,
            )
        )
    teaching = [
        _role(teaching_role_id(unique, school), "teacher", school, None, None, doc, now)
        for school in sorted(lookups.teaching_schools(unique))
        if school not in held and lookups.is_org(school)
    ]
    roles = _finish_roles(assigned + teaching)
    if not roles:
        return None
    codes = [
        (c.get("staffIdentificationSystemDescriptor"), c.get("identificationCode"))
        for c in doc.get("identificationCodes") or ()
        if isinstance(c, dict)
    ]
    email = _email("staff", [doc])
    return {
        **doc,
        "derived": {
            "sourcedId": user_id("staff", unique),
            "username": email,
            "email": email,
            "userIds": _user_ids("staffUniqueId", unique, codes),
            "primaryOrgSourcedId": roles[0]["orgSourcedId"],
            "roles": roles,
            "dateLastModified": stamp(doc, now),
        },
    }


def teaching_role_id(staff: str, school: int) -> str:
    return role_id("TEACHES", staff, school)


def contact_record(doc: Doc, lookups: Lookups, now: str) -> Doc | None:
    names: Names = lookups.names
    unique = str(doc[names.unique_id])
    roles: list[Doc] = []
    students: list[str] = []
    links = sorted(
        lookups.links_of_contact(unique),
        key=lambda link: str(_ref(link, "studentReference", "studentUniqueId")),
    )
    for link in links:
        student = str(_ref(link, "studentReference", "studentUniqueId"))
        school = primary_school(lookups, student)
        if school is None:  # the student is no OneRoster user: no org to be a parent at
            continue
        students.append(student)
        roles.append(
            _role(role_id("SCA", unique, student), "parent", school, None, None, link, now)
        )
    if not roles:
        return None
    email = _email("contact", [doc])
    return {
        **doc,
        "derived": {
            "uniqueId": unique,
            "sourcedId": user_id("contact", unique),
            "username": email,
            "email": email,
            "userIds": _user_ids(names.unique_id, unique, ()),
            "agentSourcedIds": [user_id("student", s) for s in dict.fromkeys(students)],
            "primaryOrgSourcedId": _finish_roles(roles)[0]["orgSourcedId"],
            "roles": roles,
            "dateLastModified": stamp(doc, now),
        },
    }


# -- enrollments --------------------------------------------------------------------------


def enrollment_record(resource: str, doc: Doc, now: str) -> Doc:
    kind = "student" if resource == "studentSectionAssociations" else "staff"
    unique = str(doc[f"{kind}Reference"][f"{kind}UniqueId"])
    section = doc["sectionReference"]
    return {
        **doc,
        "derived": {
            "sourcedId": ids.enrollment_id(unique, section, key_date(doc.get("beginDate"))),
            "classSourcedId": ids.class_id(section),
            "schoolSourcedId": ids.org_id(int(section["schoolId"])),
            "userSourcedId": user_id(kind, unique),
            "primary": is_teacher_of_record(doc.get("classroomPositionDescriptor"))
            if kind == "staff"
            else None,
            "dateLastModified": stamp(doc, now),
        },
    }
