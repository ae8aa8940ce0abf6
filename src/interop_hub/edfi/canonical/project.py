"""Which core resource projects how (see the package docstring).

``project_write`` runs after a document is stored (POST or PUT), ``project_delete`` after it
is removed; a PUT that changes the natural key retracts the old key's projection first.
Both run in the request's transaction with the request's change version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from sqlalchemy.orm import Session

from interop_hub.core.clock import utcnow
from interop_hub.edfi.canonical import ids, people, schedule, whole_child
from interop_hub.edfi.canonical.writer import Writer
from interop_hub.models import (
    AcademicSession,
    AssessmentResult,
    AttendanceEvent,
    Class,
    Course,
    Enrollment,
    GradeRecord,
    Org,
    User,
)

__all__ = ["CORE_RESOURCES", "prefetch_users", "project_delete", "project_write"]

Projector = Callable[[Writer, dict[str, Any]], object]


def _org_writer(resource: str) -> Projector:
    return lambda w, d: schedule.project_org(w, resource, d)


def _person_writer(resource: str) -> Projector:
    return lambda w, d: people.project_person(w, resource, d)


def _association_writer(resource: str) -> Projector:
    return lambda w, d: people.project_section_association(w, resource, d)


_WRITES: Final[dict[str, Projector]] = {
    **{r: _org_writer(r) for r in schedule.ORG_RESOURCES},
    "sessions": schedule.project_session,
    "courses": schedule.project_course,
    "courseOfferings": lambda w, d: None,  # part of its sections' classes
    "sections": schedule.project_section,
    **{r: _person_writer(r) for r in people.PERSON_RESOURCES},
    "studentSchoolAssociations": people.project_ssa,
    "staffEducationOrganizationAssignmentAssociations": people.project_staff_assignment,
    "studentSectionAssociations": _association_writer("studentSectionAssociations"),
    "staffSectionAssociations": _association_writer("staffSectionAssociations"),
    "studentContactAssociations": people.project_contact_association,
    "studentEducationOrganizationAssociations": people.project_seoa,
    "studentSchoolAttendanceEvents": whole_child.project_school_attendance,
    "studentSectionAttendanceEvents": whole_child.project_section_attendance,
    "grades": whole_child.project_grade,
    "studentAssessments": whole_child.project_assessment,
}

CORE_RESOURCES: Final = frozenset(_WRITES)
"""Ed-Fi resources whose data the canonical store holds."""


def _retract_org(resource: str) -> Projector:
    id_field = schedule.ORG_RESOURCES[resource][0]
    return lambda w, d: w.tombstone(Org, ids.org_id(int(d[id_field])))


def _retract_person(resource: str) -> Projector:
    kind, field = people.PERSON_RESOURCES[resource]

    def retract(w: Writer, d: dict[str, Any]) -> None:
        hub = w.crosswalk("user", f"{kind}:{d[field]}")
        if hub is not None:
            w.tombstone(User, hub)

    return retract


def _retract_enrollment(kind: str) -> Projector:
    field = f"{kind}UniqueId"
    return lambda w, d: w.tombstone(
        Enrollment,
        ids.enrollment_id(d[f"{kind}Reference"][field], d["sectionReference"], d["beginDate"]),
    )


_DELETES: Final[dict[str, Projector]] = {
    **{r: _retract_org(r) for r in schedule.ORG_RESOURCES},
    "sessions": lambda w, d: w.tombstone(
        AcademicSession,
        ids.session_id(
            int(d["schoolReference"]["schoolId"]),
            int(d["schoolYearTypeReference"]["schoolYear"]),
            d["sessionName"],
        ),
    ),
    "courses": lambda w, d: w.tombstone(
        Course,
        ids.course_id(
            int(d["educationOrganizationReference"]["educationOrganizationId"]), d["courseCode"]
        ),
    ),
    "sections": lambda w, d: w.tombstone(Class, ids.class_id(schedule.section_key(d))),
    **{r: _retract_person(r) for r in people.PERSON_RESOURCES},
    "studentSchoolAssociations": lambda w, d: people.remove_role(
        w, "student", d["studentReference"]["studentUniqueId"], people.ssa_role_key(d)
    ),
    "staffEducationOrganizationAssignmentAssociations": lambda w, d: people.remove_role(
        w, "staff", d["staffReference"]["staffUniqueId"], people.staff_role_key(d)
    ),
    "studentSectionAssociations": _retract_enrollment("student"),
    "staffSectionAssociations": _retract_enrollment("staff"),
    "studentContactAssociations": people.retract_contact_association,
    "studentSchoolAttendanceEvents": lambda w, d: w.tombstone(
        AttendanceEvent, whole_child.attendance_id(d)
    ),
    "studentSectionAttendanceEvents": lambda w, d: w.tombstone(
        AttendanceEvent, whole_child.attendance_id(d)
    ),
    "grades": lambda w, d: w.tombstone(GradeRecord, whole_child.grade_id(d)),
    "studentAssessments": lambda w, d: w.tombstone(AssessmentResult, whole_child.assessment_id(d)),
}


_PERSON_REFERENCES: Final = {
    "studentReference": ("student", "studentUniqueId"),
    "staffReference": ("staff", "staffUniqueId"),
    "contactReference": ("contact", "contactUniqueId"),
}


def prefetch_users(
    session: Session, resource: str, document: dict[str, Any]
) -> dict[tuple[str, str], str]:
    """The hub users of the people a write of ``resource`` names, read in one statement
    (the write path runs it before taking the change-version lock; see ``Writer.known``)."""
    if resource not in _WRITES:
        return {}
    keys = []
    for reference, (kind, field) in _PERSON_REFERENCES.items():
        ref = document.get(reference)
        if isinstance(ref, dict) and isinstance(ref.get(field), str):
            keys.append(f"{kind}:{ref[field]}")
    if resource in people.PERSON_RESOURCES:
        kind, field = people.PERSON_RESOURCES[resource]
        if isinstance(document.get(field), str):
            keys.append(f"{kind}:{document[field]}")
    return Writer.prefetch(session, "user", keys)


def project_write(
    session: Session,
    resource: str,
    document: dict[str, Any],
    version: int,
    known: dict[tuple[str, str], str] | None = None,
) -> None:
    """``known``: crosswalk mappings read earlier in the transaction (``prefetch_users``)."""
    projector = _WRITES.get(resource)
    if projector is not None:
        projector(Writer(session, version, utcnow(), dict(known or {})), document)
        session.flush()


def project_delete(session: Session, resource: str, document: dict[str, Any], version: int) -> None:
    projector = _DELETES.get(resource)
    if projector is not None:
        projector(Writer(session, version, utcnow()), document)
        session.flush()
