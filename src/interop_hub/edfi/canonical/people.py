"""Students, staff and contacts and their associations → users, roles, agents,
enrollments and demographics.

A person becomes a OneRoster user at their first association with an education
organization (a student's school association, a staff member's assignment or section, a
contact's student association): OneRoster users need a role at an org, and the Ed-Fi
mapping's user id includes that school (``ids.person_id``). Later writes of the person's
document update the user through the crosswalk (``{kind}:{uniqueId}`` under source
``edfi``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from sqlalchemy import select

from interop_hub.edfi.canonical import ids
from interop_hub.edfi.canonical.vocab import (
    GRADE,
    RACE,
    SEX,
    STAFF_ROLE,
    code_value,
    is_teacher_of_record,
)
from interop_hub.edfi.canonical.writer import Writer
from interop_hub.models import Demographics, Enrollment, Org, User, UserAgent, UserRole

__all__ = [
    "PERSON_RESOURCES",
    "project_contact_association",
    "project_person",
    "project_section_association",
    "project_seoa",
    "project_ssa",
    "project_staff_assignment",
    "remove_role",
    "retract_contact_association",
]

# resource -> (person kind, unique id field)
PERSON_RESOURCES: Final = {
    "students": ("student", "studentUniqueId"),
    "staffs": ("staff", "staffUniqueId"),
    "contacts": ("contact", "contactUniqueId"),
}
_KIND_RESOURCE: Final = {kind: (res, field) for res, (kind, field) in PERSON_RESOURCES.items()}
_EMAIL_PREFERENCE: Final = {"student": "Home/Personal", "staff": "Work", "contact": "Home/Personal"}


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _email(kind: str, doc: dict[str, Any]) -> str | None:
    mails = doc.get("electronicMails") or []
    preferred = [
        m["electronicMailAddress"]
        for m in mails
        if code_value(m.get("electronicMailTypeDescriptor")) == _EMAIL_PREFERENCE[kind]
    ]
    found = preferred or [m["electronicMailAddress"] for m in mails]
    return str(found[0]) if found else None


def _user_values(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    _, field = _KIND_RESOURCE[kind]
    unique = doc[field]
    values: dict[str, Any] = {
        "enabled_user": True,
        "given_name": doc["firstName"],
        "family_name": doc["lastSurname"],
        "middle_name": doc.get("middleName"),
        "preferred_first_name": doc.get("preferredFirstName"),
        "preferred_last_name": doc.get("preferredLastSurname"),
        "identifier": unique,
        "user_ids": [{"type": field, "identifier": unique}],
    }
    if kind != "student":  # a student's email lives on the ed-org association (DS 5)
        email = _email(kind, doc)
        values |= {"email": email, "username": email}
    return values


def project_person(w: Writer, resource: str, doc: dict[str, Any]) -> None:
    """A person's document changed: update their user if they have one yet."""
    kind, field = PERSON_RESOURCES[resource]
    hub = w.crosswalk("user", f"{kind}:{doc[field]}")
    if hub is not None:
        w.upsert(User, hub, _user_values(kind, doc))
        if kind == "student":
            _birth_date(w, hub, doc)


def _birth_date(w: Writer, hub: str, student: dict[str, Any]) -> None:
    row = w.session.get(Demographics, hub)
    values: dict[str, Any] = {"birth_date": _date(student.get("birthDate"))}
    if row is None or row.birth_date != values["birth_date"]:
        w.upsert(Demographics, hub, values)


def ensure_user(w: Writer, kind: str, unique: str, school_id: int | None) -> str | None:
    """The person's hub user id, creating the user (from the person's document) if needed."""
    known = w.crosswalk("user", f"{kind}:{unique}")
    if known is not None:
        return known
    resource, field = _KIND_RESOURCE[kind]
    doc = w.document(resource, {field: unique})
    if doc is None:
        return None
    hub = ids.person_id(kind, unique, school_id)
    # New to the crosswalk, so no ORM copy of these rows is loaded yet: plain statements.
    w.upsert_row(User, hub, _user_values(kind, doc))
    w.link("user", f"{kind}:{unique}", hub)
    if kind == "student":
        birth = {"birth_date": _date(doc.get("birthDate"))}
        w.upsert_row(Demographics, hub, birth, revive=False)  # as ``_birth_date``
        # Ed-Fi's load order sends ed-org associations before school associations: the
        # ones stored before the student had a user are projected now.
        for seoa in w.referencing(
            "students", {"studentUniqueId": unique}, ("studentEducationOrganizationAssociations",)
        ):
            project_seoa(w, seoa)
    return hub


def _set_role(
    w: Writer, hub: str, source_key: str, role: str, org: str, begin: Any, end: Any
) -> None:
    """The role row ``source_key`` of user ``hub``; the user's first role is ``primary``."""
    others = list(
        w.session.scalars(
            select(UserRole).where(UserRole.user_id == hub, UserRole.source_key != source_key)
        )
    )
    role_type = "secondary" if any(r.role_type == "primary" for r in others) else "primary"
    mine = w.session.scalars(
        select(UserRole).where(UserRole.user_id == hub, UserRole.source_key == source_key)
    ).first()
    if mine is not None:
        role_type = mine.role_type
    row = {
        "role_type": role_type,
        "role": role,
        "org_id": org,
        "begin_date": _date(begin),
        "end_date": _date(end),
    }
    if w.replace_children(UserRole, {"user_id": hub, "source_key": source_key}, [row]):
        w.touch(User, hub)
        if role_type == "primary":
            user = w.session.get(User, hub)
            if user is not None:
                user.primary_org_id = org


def remove_role(w: Writer, kind: str, unique: str, source_key: str) -> None:
    hub = w.crosswalk("user", f"{kind}:{unique}")
    if hub is not None and w.replace_children(
        UserRole, {"user_id": hub, "source_key": source_key}, []
    ):
        w.touch(User, hub)


def ssa_role_key(doc: dict[str, Any]) -> str:
    return f"edfi:ssa:{doc['schoolReference']['schoolId']}:{doc['entryDate']}"


def project_ssa(w: Writer, doc: dict[str, Any]) -> None:
    unique = doc["studentReference"]["studentUniqueId"]
    school_id = int(doc["schoolReference"]["schoolId"])
    hub = ensure_user(w, "student", unique, school_id)
    if hub is None:
        return
    _set_role(
        w,
        hub,
        ssa_role_key(doc),
        "student",
        ids.org_id(school_id),
        doc["entryDate"],
        doc.get("exitWithdrawDate"),
    )
    grade = GRADE.get(code_value(doc.get("entryGradeLevelDescriptor")) or "")
    user = w.session.get(User, hub)
    if grade and user is not None and user.grades != [grade]:
        w.upsert(User, hub, {"grades": [grade]})
    # Contact associations stored before the student had a school (Ed-Fi's load order sends
    # them first) are projected once it has one; re-projecting is a no-op.
    for association in w.referencing(
        "students", {"studentUniqueId": unique}, ("studentContactAssociations",)
    ):
        project_contact_association(w, association)


def _school_of(w: Writer, ed_org: int) -> int | None:
    org = w.session.get(Org, ids.org_id(ed_org))
    return ed_org if org is not None and org.type == "school" else None


def staff_role_key(doc: dict[str, Any]) -> str:
    ed_org = doc["educationOrganizationReference"]["educationOrganizationId"]
    classification = code_value(doc["staffClassificationDescriptor"])
    return f"edfi:seoaa:{ed_org}:{classification}:{doc['beginDate']}"


def project_staff_assignment(w: Writer, doc: dict[str, Any]) -> None:
    unique = doc["staffReference"]["staffUniqueId"]
    ed_org = int(doc["educationOrganizationReference"]["educationOrganizationId"])
    role = STAFF_ROLE.get(code_value(doc["staffClassificationDescriptor"]) or "")
    if role is None:  # unmapped classifications carry no OneRoster role
        return
    hub = ensure_user(w, "staff", unique, _school_of(w, ed_org))
    if hub is None:
        return
    _set_role(
        w,
        hub,
        staff_role_key(doc),
        role,
        ids.org_id(ed_org),
        doc["beginDate"],
        doc.get("endDate"),
    )


def project_section_association(w: Writer, resource: str, doc: dict[str, Any]) -> None:
    kind = "student" if resource == "studentSectionAssociations" else "staff"
    _, field = _KIND_RESOURCE[kind]
    unique = doc[f"{kind}Reference"][field]
    section = doc["sectionReference"]
    school_id = int(section["schoolId"])
    hub = ensure_user(w, kind, unique, school_id)
    if hub is None:
        return
    if kind == "staff":
        # Staff who teach a section are teachers there unless an assignment says otherwise.
        held = w.session.scalars(
            select(UserRole).where(
                UserRole.user_id == hub, UserRole.org_id == ids.org_id(school_id)
            )
        ).first()
        if held is None or held.source_key == f"edfi:teaches:{school_id}":
            _set_role(
                w, hub, f"edfi:teaches:{school_id}", "teacher", ids.org_id(school_id), None, None
            )
    w.upsert_row(
        Enrollment,
        ids.enrollment_id(unique, section, doc["beginDate"]),
        {
            "user_id": hub,
            "class_id": ids.class_id(section),
            "school_id": ids.org_id(school_id),
            "role": "student" if kind == "student" else "teacher",
            "primary": is_teacher_of_record(doc.get("classroomPositionDescriptor"))
            if kind == "staff"
            else None,
            "begin_date": _date(doc["beginDate"]),
            "end_date": _date(doc.get("endDate")),
        },
    )


def _agents(w: Writer, hub: str) -> list[dict[str, Any]]:
    rows = w.session.scalars(select(UserAgent).where(UserAgent.user_id == hub))
    return [
        {"agent_id": r.agent_id, "relationship": r.relationship, "ordinal": r.ordinal} for r in rows
    ]


def _set_agent(w: Writer, user: str, agent: str, relationship: str | None, present: bool) -> None:
    rows = [r for r in _agents(w, user) if r["agent_id"] != agent]
    if present:
        rows.append({"agent_id": agent, "relationship": relationship, "ordinal": len(rows)})
    if w.replace_children(UserAgent, {"user_id": user}, rows):
        w.touch(User, user)


def project_contact_association(w: Writer, doc: dict[str, Any]) -> None:
    """Student ↔ contact as each other's agents; the contact is a parent at the student's
    primary school. Projected once the student has a user (a school association)."""
    student_unique = doc["studentReference"]["studentUniqueId"]
    student = w.crosswalk("user", f"student:{student_unique}")
    if student is None:
        return
    student_row = w.session.get(User, student)
    org = student_row.primary_org_id if student_row is not None else None
    if org is None:  # a OneRoster user needs a role at an org
        return
    school = w.session.get(Org, org) if org else None
    school_id = int(school.identifier) if school is not None and school.identifier else None
    contact_unique = doc["contactReference"]["contactUniqueId"]
    contact = ensure_user(w, "contact", contact_unique, school_id)
    if contact is None:
        return
    relation = code_value(doc.get("relationDescriptor"))
    _set_agent(w, student, contact, relation, True)
    _set_agent(w, contact, student, None, True)
    _set_role(w, contact, f"edfi:contact:{student_unique}", "parent", org, None, None)


def retract_contact_association(w: Writer, doc: dict[str, Any]) -> None:
    student = w.crosswalk("user", f"student:{doc['studentReference']['studentUniqueId']}")
    contact_unique = doc["contactReference"]["contactUniqueId"]
    contact = w.crosswalk("user", f"contact:{contact_unique}")
    if student is None or contact is None:
        return
    _set_agent(w, student, contact, None, False)
    _set_agent(w, contact, student, None, False)
    remove_role(
        w, "contact", contact_unique, f"edfi:contact:{doc['studentReference']['studentUniqueId']}"
    )


def project_seoa(w: Writer, doc: dict[str, Any]) -> None:
    """Demographics (sex, races, ethnicity) and the student's email, from their association
    with an education organization."""
    unique = doc["studentReference"]["studentUniqueId"]
    hub = w.crosswalk("user", f"student:{unique}")
    if hub is None:
        return
    races = {RACE.get(code_value(r.get("raceDescriptor")) or "") for r in doc.get("races") or []}
    races.discard(None)
    values: dict[str, Any] = {
        "sex": SEX.get(code_value(doc.get("sexDescriptor")) or ""),
        "hispanic_or_latino_ethnicity": doc.get("hispanicLatinoEthnicity"),
    }
    if races:
        values |= {column: column in races for column in RACE.values()}
        values["demographic_race_two_or_more_races"] = len(races) > 1
    student = w.document("students", {"studentUniqueId": unique})
    values["birth_date"] = _date((student or {}).get("birthDate"))
    w.upsert(Demographics, hub, values)
    email = _email("student", doc)
    if email:
        w.upsert(User, hub, {"email": email, "username": email})
