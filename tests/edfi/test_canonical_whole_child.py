"""Attendance events, grades and student assessments written through Ed-Fi land in the
canonical whole-child tables for the student's hub user; deletes tombstone them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import EDFI_READ, EDFI_WRITE
from interop_hub.core.db import session_scope
from interop_hub.edfi.seed import load_descriptors, load_school_years
from interop_hub.models import AssessmentResult, AttendanceEvent, Class, Enrollment, GradeRecord
from tests.edfi.conftest import DATA, school, student

NS = "uri://ed-fi.org/"
SCHOOL = 255901001
SESSION = {"schoolId": SCHOOL, "schoolYear": 2025, "sessionName": "Fall"}
SECTION = {**SESSION, "localCourseCode": "ALG-1", "sectionIdentifier": "ALG-1-01"}


def d(kind: str, code: str) -> str:
    return f"{NS}{kind}#{code}"


def md5(*parts: object) -> str:
    return hashlib.md5("-".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


ROSTER: list[tuple[str, dict[str, Any]]] = [
    ("schools", school(SCHOOL)),
    (
        "sessions",
        {
            "sessionName": "Fall",
            "schoolReference": {"schoolId": SCHOOL},
            "schoolYearTypeReference": {"schoolYear": 2025},
            "termDescriptor": d("TermDescriptor", "Fall Semester"),
            "beginDate": "2024-08-20",
            "endDate": "2024-12-20",
            "totalInstructionalDays": 80,
        },
    ),
    (
        "courses",
        {
            "courseCode": "ALG-1",
            "courseTitle": "Algebra I",
            "numberOfParts": 1,
            "identificationCodes": [
                {
                    "courseIdentificationSystemDescriptor": d(
                        "CourseIdentificationSystemDescriptor", "LEA course code"
                    ),
                    "identificationCode": "ALG-1",
                }
            ],
            "educationOrganizationReference": {"educationOrganizationId": SCHOOL},
        },
    ),
    (
        "courseOfferings",
        {
            "localCourseCode": "ALG-1",
            "courseReference": {"courseCode": "ALG-1", "educationOrganizationId": SCHOOL},
            "schoolReference": {"schoolId": SCHOOL},
            "sessionReference": SESSION,
        },
    ),
    (
        "sections",
        {
            "sectionIdentifier": "ALG-1-01",
            "courseOfferingReference": {"localCourseCode": "ALG-1", **SESSION},
        },
    ),
    ("students", student("604822")),
    (
        "studentSchoolAssociations",
        {
            "entryDate": "2024-08-20",
            "entryGradeLevelDescriptor": d("GradeLevelDescriptor", "Ninth grade"),
            "schoolReference": {"schoolId": SCHOOL},
            "studentReference": {"studentUniqueId": "604822"},
        },
    ),
    (
        "studentSectionAssociations",
        {
            "beginDate": "2024-08-20",
            "sectionReference": SECTION,
            "studentReference": {"studentUniqueId": "604822"},
        },
    ),
    (
        "gradingPeriods",
        {
            "gradingPeriodDescriptor": d("GradingPeriodDescriptor", "First Semester"),
            "gradingPeriodName": "S1",
            "schoolReference": {"schoolId": SCHOOL},
            "schoolYearTypeReference": {"schoolYear": 2025},
            "beginDate": "2024-08-20",
            "endDate": "2024-12-20",
            "totalInstructionalDays": 80,
        },
    ),
    (
        "assessments",
        {
            "assessmentIdentifier": "STATE-MATH-9",
            "namespace": "uri://state.example.org/assessment",
            "assessmentTitle": "State Math Grade 9",
            "academicSubjects": [
                {"academicSubjectDescriptor": d("AcademicSubjectDescriptor", "Mathematics")}
            ],
        },
    ),
]

RECORDS: list[tuple[str, dict[str, Any]]] = [
    (
        "studentSchoolAttendanceEvents",
        {
            "attendanceEventCategoryDescriptor": d(
                "AttendanceEventCategoryDescriptor", "Excused Absence"
            ),
            "eventDate": "2024-09-03",
            "schoolReference": {"schoolId": SCHOOL},
            "sessionReference": SESSION,
            "studentReference": {"studentUniqueId": "604822"},
            "attendanceEventReason": "Doctor",
        },
    ),
    (
        "studentSectionAttendanceEvents",
        {
            "attendanceEventCategoryDescriptor": d("AttendanceEventCategoryDescriptor", "Tardy"),
            "eventDate": "2024-09-04",
            "sectionReference": SECTION,
            "studentReference": {"studentUniqueId": "604822"},
        },
    ),
    (
        "grades",
        {
            "gradeTypeDescriptor": d("GradeTypeDescriptor", "Final"),
            "gradingPeriodReference": {
                "gradingPeriodDescriptor": d("GradingPeriodDescriptor", "First Semester"),
                "gradingPeriodName": "S1",
                "schoolId": SCHOOL,
                "schoolYear": 2025,
            },
            "studentSectionAssociationReference": {
                **SECTION,
                "beginDate": "2024-08-20",
                "studentUniqueId": "604822",
            },
            "letterGradeEarned": "B+",
            "numericGradeEarned": 88.5,
        },
    ),
    (
        "studentAssessments",
        {
            "studentAssessmentIdentifier": "SA-1",
            "assessmentReference": {
                "assessmentIdentifier": "STATE-MATH-9",
                "namespace": "uri://state.example.org/assessment",
            },
            "studentReference": {"studentUniqueId": "604822"},
            "administrationDate": "2025-04-10T09:00:00Z",
            "reportedSchoolReference": {"schoolId": SCHOOL},
            "scoreResults": [
                {
                    "assessmentReportingMethodDescriptor": d(
                        "AssessmentReportingMethodDescriptor", "Scale score"
                    ),
                    "resultDatatypeTypeDescriptor": d("ResultDatatypeTypeDescriptor", "Integer"),
                    "result": "512",
                }
            ],
        },
    ),
]


@pytest.fixture
def edfi_headers(
    session_factory: sessionmaker[Session], bearer: Callable[..., dict[str, str]]
) -> dict[str, str]:
    with session_scope(session_factory) as session:
        load_descriptors(session)
        load_school_years(session)
    return bearer(EDFI_READ, EDFI_WRITE)


def test_whole_child_records_reach_the_canonical_store(
    client: TestClient, edfi_headers: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    for resource, doc in [*ROSTER, *RECORDS]:
        r = client.post(f"{DATA}/{resource}", json=doc, headers=edfi_headers)
        assert r.status_code == 201, (resource, r.text)
    hub = md5("STU-604822", SCHOOL)
    klass = md5("alg-1", SCHOOL, 2025, "alg-1-01", "fall")
    with session_factory() as session:
        events = {e.category: e for e in session.scalars(select(AttendanceEvent))}
        grade = session.scalars(select(GradeRecord)).one()
        result = session.scalars(select(AssessmentResult)).one()
    assert set(events) == {"Excused Absence", "Tardy"}
    assert events["Excused Absence"].user_id == hub
    assert events["Excused Absence"].class_id is None
    assert events["Excused Absence"].reason == "Doctor"
    assert events["Tardy"].class_id == klass
    assert (grade.user_id, grade.class_id, grade.letter_grade, grade.numeric_grade) == (
        hub,
        klass,
        "B+",
        88.5,
    )
    assert grade.grading_period == "S1"
    assert result.user_id == hub
    assert result.school_id == md5(SCHOOL)
    assert result.scores == [{"method": "Scale score", "datatype": "Integer", "result": "512"}]

    # Deleting the grade through Ed-Fi tombstones it (never a hard delete).
    found = client.get(f"{DATA}/grades", headers=edfi_headers).json()
    assert client.delete(f"{DATA}/grades/{found[0]['id']}", headers=edfi_headers).status_code == 204
    with session_factory() as session:
        assert session.scalars(select(GradeRecord.status)).one() == "tobedeleted"


def test_section_key_change_cascades_to_associations_and_grades(
    client: TestClient, edfi_headers: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    for resource, doc in [*ROSTER, *RECORDS]:
        assert client.post(f"{DATA}/{resource}", json=doc, headers=edfi_headers).status_code == 201
    section = client.get(f"{DATA}/sections", headers=edfi_headers).json()[0]
    renamed = {k: v for k, v in section.items() if not k.startswith("_") and k != "id"}
    renamed["sectionIdentifier"] = "ALG-1-02"
    r = client.put(f"{DATA}/sections/{section['id']}", json=renamed, headers=edfi_headers)
    assert r.status_code == 204, r.text

    assoc = client.get(f"{DATA}/studentSectionAssociations", headers=edfi_headers).json()
    assert [a["sectionReference"]["sectionIdentifier"] for a in assoc] == ["ALG-1-02"]
    grade = client.get(f"{DATA}/grades", headers=edfi_headers).json()
    assert grade[0]["studentSectionAssociationReference"]["sectionIdentifier"] == "ALG-1-02"
    attendance = client.get(f"{DATA}/studentSectionAttendanceEvents", headers=edfi_headers).json()
    assert attendance[0]["sectionReference"]["sectionIdentifier"] == "ALG-1-02"
    changes = client.get(
        f"{DATA}/studentSectionAssociations/keyChanges", headers=edfi_headers
    ).json()
    assert len(changes) == 1
    assert changes[0]["oldKeyValues"]["sectionIdentifier"] == "ALG-1-01"
    assert changes[0]["newKeyValues"]["sectionIdentifier"] == "ALG-1-02"

    # The canonical store follows: the old class and enrollment are tombstoned, the new
    # ones active, and the grade points at the new class.
    old_class = md5("alg-1", SCHOOL, 2025, "alg-1-01", "fall")
    new_class = md5("alg-1", SCHOOL, 2025, "alg-1-02", "fall")
    with session_factory() as session:
        classes = dict(session.execute(select(Class.sourced_id, Class.status)).all())
        enrollments = dict(session.execute(select(Enrollment.class_id, Enrollment.status)).all())
        grades = dict(session.execute(select(GradeRecord.class_id, GradeRecord.status)).all())
    assert classes == {old_class: "tobedeleted", new_class: "active"}
    assert enrollments == {old_class: "tobedeleted", new_class: "active"}
    assert grades[new_class] == "active"
