"""Ed-Fi documents for canonical data that other sources (OneRoster CSV, connectors) hold:
the reverse of ``project``, so that, say, a class imported from a OneRoster package is an
Ed-Fi ``sections`` item.

Identities (Ed-Fi needs numbers and short ids where OneRoster has strings):

* an org's education organization id is its ``identifier`` when that is a number, else a
  stable number derived from its hub id (``ed_org_id``);
* a person's unique id is their ``identifier`` when it fits Ed-Fi's 32 characters, else
  their hub id (or its md5 when longer);
* a section is identified by its class's hub id; its course offering by the course code,
  school and session (the class's first term).

A record Ed-Fi requires data for that the source lacks (a student without a birth date)
is left out, with its associations; ``DocumentSet.skipped`` counts them. Documents come in
dependency order.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from interop_hub.edfi.canonical.vocab import GRADE, RACE, SEX
from interop_hub.edfi.canonical.writer import SOURCE
from interop_hub.edfi.load_order import dependency_orders
from interop_hub.edfi.registry import get_registry
from interop_hub.models import (
    AcademicSession,
    Class,
    ClassTerm,
    Course,
    Demographics,
    Enrollment,
    Org,
    User,
    UserAgent,
    UserRole,
)
from interop_hub.models.base import EntityMixin

__all__ = ["DocumentSet", "build_documents", "ed_org_id", "person_unique_id"]

_NS: Final = "uri://ed-fi.org/"
_GRADE_CODE: Final = {v: k for k, v in GRADE.items()}
_SEX_CODE: Final = {v: k for k, v in SEX.items()}
_TERM_CODE: Final = {"semester": "Semester", "schoolYear": "Year Round"}
_STAFF_CLASS: Final = {
    "teacher": "Teacher",
    "principal": "Principal",
    "districtAdministrator": "LEA Administrator",
    "siteAdministrator": "School Administrator",
    "administrator": "School Administrator",
    "aide": "Instructional Aide",
    "counselor": "School Counselor",
    "proctor": "Substitute Teacher",
}
_STUDENT_ROLES: Final = frozenset({"student"})
_CONTACT_ROLES: Final = frozenset({"parent", "guardian", "relative"})


def _d(kind: str, code: str) -> str:
    return f"{_NS}{kind}#{code}"


def ed_org_id(org: Org) -> int:
    ident = org.identifier or ""
    if ident.isdigit() and len(ident) <= 18:
        return int(ident)
    return int(hashlib.md5(org.sourced_id.encode(), usedforsecurity=False).hexdigest()[:7], 16)


def person_unique_id(user: User) -> str:
    for candidate in (user.identifier, user.sourced_id):
        if candidate and len(candidate) <= 32:
            return candidate
    return hashlib.md5(user.sourced_id.encode(), usedforsecurity=False).hexdigest()


def _weekdays(start: date, end: date) -> int:
    days = (end - start).days + 1
    weeks, rest = divmod(max(days, 0), 7)
    return weeks * 5 + sum(1 for i in range(rest) if (start + timedelta(days=i)).weekday() < 5)


@dataclass
class DocumentSet:
    """What one build produced: ``(resource, document)`` pairs in dependency order, the
    keys of records that are gone (``tobedeleted``), and what was left out."""

    documents: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    deleted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))


_T = TypeVar("_T", bound=EntityMixin)


def _rows(session: Session, model: type[_T], since: int) -> list[_T]:
    stmt = select(model).where(
        model.change_version > since, or_(model.source.is_(None), model.source != SOURCE)
    )
    return list(session.scalars(stmt))


class _Builder:
    def __init__(self, session: Session, since: int) -> None:
        self.session = session
        self.since = since
        self.out = DocumentSet()
        self.orgs = {o.sourced_id: o for o in session.scalars(select(Org))}
        self.sessions = {s.sourced_id: s for s in session.scalars(select(AcademicSession))}
        self.courses = {c.sourced_id: c for c in session.scalars(select(Course))}
        starts = [s.start_date for s in self.sessions.values() if s.status == "active"]
        self.default_begin = min(starts) if starts else date(2000, 1, 1)

    def emit(self, resource: str, doc: dict[str, Any], active: bool = True) -> None:
        (self.out.documents if active else self.out.deleted).append((resource, doc))

    # -- education organizations -------------------------------------------------------

    def orgs_docs(self) -> None:
        changed = [o for o in _rows(self.session, Org, self.since) if o.type in _ORG_KIND]
        changed.sort(key=lambda o: _ORG_ORDER[o.type])
        for org in changed:
            self.emit(*self._org(org), active=org.status == "active")

    def _org(self, org: Org) -> tuple[str, dict[str, Any]]:
        ident = ed_org_id(org)
        parent = self.orgs.get(org.parent_id or "")
        if org.type == "school":
            grades = sorted(self._school_grades(org.sourced_id)) or ["Ungraded"]
            doc: dict[str, Any] = {
                "schoolId": ident,
                "nameOfInstitution": org.name,
                "educationOrganizationCategories": [
                    {"educationOrganizationCategoryDescriptor": _d(_CAT, "School")}
                ],
                "gradeLevels": [
                    {"gradeLevelDescriptor": _d("GradeLevelDescriptor", g)} for g in grades
                ],
            }
            if parent is not None and parent.type == "district":
                doc["localEducationAgencyReference"] = {"localEducationAgencyId": ed_org_id(parent)}
            return "schools", doc
        if org.type == "district":
            doc = {
                "localEducationAgencyId": ident,
                "nameOfInstitution": org.name,
                "localEducationAgencyCategoryDescriptor": _d(
                    "LocalEducationAgencyCategoryDescriptor", "Independent"
                ),
                "categories": [
                    {"educationOrganizationCategoryDescriptor": _d(_CAT, "Local Education Agency")}
                ],
            }
            if parent is not None and parent.type == "state":
                doc["stateEducationAgencyReference"] = {"stateEducationAgencyId": ed_org_id(parent)}
            return "localEducationAgencies", doc
        return "stateEducationAgencies", {
            "stateEducationAgencyId": ident,
            "nameOfInstitution": org.name,
            "categories": [
                {"educationOrganizationCategoryDescriptor": _d(_CAT, "State Education Agency")}
            ],
        }

    def _school_grades(self, school: str) -> set[str]:
        grades: set[str] = set()
        for row in self.session.scalars(select(Class.grades).where(Class.school_id == school)):
            for g in row or []:
                if g in _GRADE_CODE:
                    grades.add(_GRADE_CODE[g])
        return grades

    # -- calendar, courses, sections ---------------------------------------------------

    def _school(self, org_id: str) -> Org | None:
        org = self.orgs.get(org_id)
        return org if org is not None and org.type == "school" else None

    def _session_ref(self, school: Org, term: AcademicSession) -> dict[str, Any]:
        return {
            "schoolId": ed_org_id(school),
            "schoolYear": int(term.school_year),
            "sessionName": term.title,
        }

    def schedule_docs(self) -> None:
        classes = _rows(self.session, Class, self.since)
        first_term = self._first_terms([c.sourced_id for c in classes])
        sessions: dict[tuple[int, int, str], dict[str, Any]] = {}
        offerings: dict[tuple[str, int, int, str], dict[str, Any]] = {}
        sections: list[tuple[Class, dict[str, Any]]] = []
        for cls in classes:
            school = self._school(cls.school_id)
            term = self.sessions.get(first_term.get(cls.sourced_id, ""))
            course = self.courses.get(cls.course_id)
            if school is None or term is None or course is None or not term.school_year.isdigit():
                self.out.skipped["sections"] += 1
                continue
            ref = self._session_ref(school, term)
            sessions.setdefault(
                (ref["schoolId"], ref["schoolYear"], ref["sessionName"]),
                {
                    "sessionName": term.title,
                    "schoolReference": {"schoolId": ref["schoolId"]},
                    "schoolYearTypeReference": {"schoolYear": ref["schoolYear"]},
                    "termDescriptor": _d("TermDescriptor", _TERM_CODE.get(term.type, "Other")),
                    "beginDate": term.start_date.isoformat(),
                    "endDate": term.end_date.isoformat(),
                    "totalInstructionalDays": _weekdays(term.start_date, term.end_date),
                },
            )
            owner = self.orgs.get(course.org_id or "") or school
            offering_key = (course.course_code, ref["schoolId"], ref["schoolYear"], term.title)
            offerings.setdefault(
                offering_key,
                {
                    "localCourseCode": course.course_code,
                    "localCourseTitle": course.title,
                    "courseReference": {
                        "courseCode": course.course_code,
                        "educationOrganizationId": ed_org_id(owner),
                    },
                    "schoolReference": {"schoolId": ref["schoolId"]},
                    "sessionReference": ref,
                },
            )
            sections.append(
                (
                    cls,
                    {
                        "sectionIdentifier": cls.sourced_id,
                        "sectionName": cls.title,
                        "courseOfferingReference": {"localCourseCode": course.course_code, **ref},
                    },
                )
            )
        for course in _rows(self.session, Course, self.since):
            course_org = self.orgs.get(course.org_id or "")
            if course_org is None:
                self.out.skipped["courses"] += 1
                continue
            self.emit("courses", self._course(course, course_org), active=course.status == "active")
        for doc in sessions.values():
            self.emit("sessions", doc)
        for doc in offerings.values():
            self.emit("courseOfferings", doc)
        for cls, doc in sections:
            self.emit("sections", doc, active=cls.status == "active")

    def _course(self, course: Course, owner: Org) -> dict[str, Any]:
        return {
            "courseCode": course.course_code,
            "courseTitle": course.title,
            "numberOfParts": 1,
            "identificationCodes": [
                {
                    "courseIdentificationSystemDescriptor": _d(
                        "CourseIdentificationSystemDescriptor", "LEA course code"
                    ),
                    "identificationCode": course.course_code,
                }
            ],
            "educationOrganizationReference": {"educationOrganizationId": ed_org_id(owner)},
        }

    def _first_terms(self, class_ids: list[str]) -> dict[str, str]:
        first: dict[str, str] = {}
        for chunk in _chunked(class_ids):
            stmt = (
                select(ClassTerm).where(ClassTerm.class_id.in_(chunk)).order_by(ClassTerm.ordinal)
            )
            for ct in self.session.scalars(stmt):
                first.setdefault(ct.class_id, ct.term_id)
        return first

    def _section_refs(self, class_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The ``sectionReference`` of each class that has one (school, term and course)."""
        terms = self._first_terms(class_ids)
        refs: dict[str, dict[str, Any]] = {}
        for chunk in _chunked(class_ids):
            for cls in self.session.scalars(select(Class).where(Class.sourced_id.in_(chunk))):
                school = self._school(cls.school_id)
                term = self.sessions.get(terms.get(cls.sourced_id, ""))
                course = self.courses.get(cls.course_id)
                if school and term and course and term.school_year.isdigit():
                    refs[cls.sourced_id] = {
                        "localCourseCode": course.course_code,
                        **self._session_ref(school, term),
                        "sectionIdentifier": cls.sourced_id,
                    }
        return refs

    def _users(self, ids: list[str]) -> dict[str, User]:
        found: dict[str, User] = {}
        for chunk in _chunked(ids):
            for user in self.session.scalars(select(User).where(User.sourced_id.in_(chunk))):
                found[user.sourced_id] = user
        return found

    def _role_kinds(self, ids: list[str]) -> dict[str, set[str]]:
        kinds: dict[str, set[str]] = defaultdict(set)
        for chunk in _chunked(ids):
            stmt = select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(chunk))
            for user_id, role in self.session.execute(stmt):
                kinds[user_id].add(role)
        return kinds

    # -- people ------------------------------------------------------------------------

    def people_docs(self) -> None:
        users = _rows(self.session, User, self.since)
        roles: dict[str, list[UserRole]] = defaultdict(list)
        demographics: dict[str, Demographics] = {}
        for chunk in _chunked([u.sourced_id for u in users]):
            for role in self.session.scalars(select(UserRole).where(UserRole.user_id.in_(chunk))):
                roles[role.user_id].append(role)
            for demo in self.session.scalars(
                select(Demographics).where(Demographics.sourced_id.in_(chunk))
            ):
                demographics[demo.sourced_id] = demo
        associations: list[tuple[str, dict[str, Any], bool]] = []
        for user in users:
            mine = roles.get(user.sourced_id, [])
            kinds = {r.role for r in mine}
            active = user.status == "active"
            unique = person_unique_id(user)
            names = {"firstName": user.given_name, "lastSurname": user.family_name}
            if user.middle_name:
                names["middleName"] = user.middle_name
            if kinds & _STUDENT_ROLES:
                student_demo = demographics.get(user.sourced_id)
                if student_demo is None or student_demo.birth_date is None:
                    self.out.skipped["students"] += 1
                    continue
                birth = student_demo.birth_date.isoformat()
                self.emit(
                    "students", {"studentUniqueId": unique, **names, "birthDate": birth}, active
                )
                associations += self._student_associations(user, unique, mine, student_demo, active)
            elif kinds & _CONTACT_ROLES:
                self.emit("contacts", {"contactUniqueId": unique, **names}, active)
            elif kinds:
                doc: dict[str, Any] = {"staffUniqueId": unique, **names}
                if user.email:
                    doc["electronicMails"] = [
                        {
                            "electronicMailAddress": user.email,
                            "electronicMailTypeDescriptor": _d(
                                "ElectronicMailTypeDescriptor", "Work"
                            ),
                        }
                    ]
                self.emit("staffs", doc, active)
                associations += self._staff_assignments(unique, mine, active)
        for resource, doc, active in associations:
            self.emit(resource, doc, active)
        self._contact_associations(users)

    def _student_associations(
        self, user: User, unique: str, roles: list[UserRole], demo: Demographics, active: bool
    ) -> list[tuple[str, dict[str, Any], bool]]:
        out: list[tuple[str, dict[str, Any], bool]] = []
        grade = _GRADE_CODE.get((user.grades or ["UG"])[0], "Ungraded")
        districts: set[int] = set()
        for role in roles:
            school = self._school(role.org_id)
            if role.role != "student" or school is None:
                continue
            begin = role.begin_date or self.default_begin
            doc: dict[str, Any] = {
                "studentReference": {"studentUniqueId": unique},
                "schoolReference": {"schoolId": ed_org_id(school)},
                "entryDate": begin.isoformat(),
                "entryGradeLevelDescriptor": _d("GradeLevelDescriptor", grade),
            }
            if role.end_date:
                doc["exitWithdrawDate"] = role.end_date.isoformat()
            out.append(("studentSchoolAssociations", doc, active))
            parent = self.orgs.get(school.parent_id or "")
            districts.add(ed_org_id(parent if parent is not None else school))
        for ed_org in sorted(districts):
            seoa: dict[str, Any] = {
                "studentReference": {"studentUniqueId": unique},
                "educationOrganizationReference": {"educationOrganizationId": ed_org},
            }
            if demo.sex in _SEX_CODE:
                seoa["sexDescriptor"] = _d("SexDescriptor", _SEX_CODE[demo.sex])
            races = [label for label, column in RACE.items() if getattr(demo, column)]
            if races:
                seoa["races"] = [{"raceDescriptor": _d("RaceDescriptor", r)} for r in races]
            if demo.hispanic_or_latino_ethnicity is not None:
                seoa["hispanicLatinoEthnicity"] = demo.hispanic_or_latino_ethnicity
            if user.email:
                seoa["electronicMails"] = [
                    {
                        "electronicMailAddress": user.email,
                        "electronicMailTypeDescriptor": _d(
                            "ElectronicMailTypeDescriptor", "Home/Personal"
                        ),
                    }
                ]
            out.append(("studentEducationOrganizationAssociations", seoa, active))
        return out

    def _staff_assignments(
        self, unique: str, roles: list[UserRole], active: bool
    ) -> list[tuple[str, dict[str, Any], bool]]:
        out = []
        for role in roles:
            org = self.orgs.get(role.org_id)
            classification = _STAFF_CLASS.get(role.role)
            if org is None or classification is None or org.type not in _ORG_KIND:
                continue
            out.append(
                (
                    "staffEducationOrganizationAssignmentAssociations",
                    {
                        "staffReference": {"staffUniqueId": unique},
                        "educationOrganizationReference": {
                            "educationOrganizationId": ed_org_id(org)
                        },
                        "staffClassificationDescriptor": _d(
                            "StaffClassificationDescriptor", classification
                        ),
                        "beginDate": (role.begin_date or self.default_begin).isoformat(),
                    },
                    active,
                )
            )
        return out

    def _contact_associations(self, users: list[User]) -> None:
        by_id = {u.sourced_id: u for u in users}
        links: list[tuple[str, str]] = []
        for chunk in _chunked(list(by_id)):
            stmt = select(UserAgent.user_id, UserAgent.agent_id).where(UserAgent.user_id.in_(chunk))
            links += [(str(u), str(a)) for u, a in self.session.execute(stmt)]
        agents = self._users(sorted({a for _, a in links}))
        kinds = self._role_kinds(sorted({u for u, _ in links} | set(agents)))
        for user_id, agent_id in links:
            student, contact = by_id[user_id], agents.get(agent_id)
            if contact is None or not kinds[user_id] & _STUDENT_ROLES:
                continue
            if not kinds[agent_id] & _CONTACT_ROLES:
                continue
            self.emit(
                "studentContactAssociations",
                {
                    "studentReference": {"studentUniqueId": person_unique_id(student)},
                    "contactReference": {"contactUniqueId": person_unique_id(contact)},
                },
                student.status == "active" and contact.status == "active",
            )

    # -- enrollments -------------------------------------------------------------------

    def enrollment_docs(self) -> None:
        enrollments = _rows(self.session, Enrollment, self.since)
        refs = self._section_refs(sorted({e.class_id for e in enrollments}))
        people = {
            hub: person_unique_id(user)
            for hub, user in self._users(sorted({e.user_id for e in enrollments})).items()
        }
        for enrollment in enrollments:
            section, unique = refs.get(enrollment.class_id), people.get(enrollment.user_id)
            if section is None or unique is None:
                self.out.skipped["sectionAssociations"] += 1
                continue
            begin = (enrollment.begin_date or self.default_begin).isoformat()
            active = enrollment.status == "active"
            if enrollment.role == "student":
                doc: dict[str, Any] = {
                    "studentReference": {"studentUniqueId": unique},
                    "sectionReference": section,
                    "beginDate": begin,
                }
                if enrollment.end_date:
                    doc["endDate"] = enrollment.end_date.isoformat()
                self.emit("studentSectionAssociations", doc, active)
            else:
                position = "Teacher of Record" if enrollment.primary else "Assistant Teacher"
                self.emit(
                    "staffSectionAssociations",
                    {
                        "staffReference": {"staffUniqueId": unique},
                        "sectionReference": section,
                        "beginDate": begin,
                        "classroomPositionDescriptor": _d("ClassroomPositionDescriptor", position),
                    },
                    active,
                )


def _chunked(ids: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


_CAT: Final = "EducationOrganizationCategoryDescriptor"
_ORG_KIND: Final = frozenset({"state", "district", "school"})
_ORG_ORDER: Final = {"state": 0, "district": 1, "school": 2}


def build_documents(session: Session, since: int) -> DocumentSet:
    """Documents for canonical rows changed after change version ``since`` that did not
    come from Ed-Fi itself."""
    builder = _Builder(session, since)
    builder.orgs_docs()
    builder.schedule_docs()
    builder.people_docs()
    builder.enrollment_docs()
    order = dependency_orders(get_registry())
    builder.out.documents.sort(key=lambda item: order[item[0]])  # stable sort
    builder.out.deleted.sort(key=lambda item: order[item[0]])
    return builder.out
