"""Attendance events, grades and student assessments → the whole-child tables.

Ids are the md5 of the Ed-Fi natural key (as for every Ed-Fi-derived row); the person is the
student's hub user, created at this point if the student had none yet (keyed by the
school of the record).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from interop_hub.edfi.canonical import ids
from interop_hub.edfi.canonical.people import ensure_user
from interop_hub.edfi.canonical.vocab import code_value
from interop_hub.edfi.canonical.writer import Writer
from interop_hub.models import AssessmentResult, AttendanceEvent, GradeRecord

__all__ = [
    "assessment_id",
    "attendance_id",
    "grade_id",
    "project_assessment",
    "project_grade",
    "project_school_attendance",
    "project_section_attendance",
]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def attendance_id(doc: dict[str, Any]) -> str:
    where = doc.get("sectionReference") or {
        **doc["schoolReference"],
        **doc.get("sessionReference", {}),
    }
    return ids.md5_key(
        doc["studentReference"]["studentUniqueId"].lower(),
        code_value(doc["attendanceEventCategoryDescriptor"]),
        doc["eventDate"],
        *(str(where[k]).lower() for k in sorted(where)),
    )


def _attendance(w: Writer, doc: dict[str, Any], school_id: int, values: dict[str, Any]) -> None:
    unique = doc["studentReference"]["studentUniqueId"]
    hub = ensure_user(w, "student", unique, school_id)
    if hub is None:
        return
    duration = _number(doc.get("eventDuration"))
    w.upsert(
        AttendanceEvent,
        attendance_id(doc),
        {
            "user_id": hub,
            "org_id": ids.org_id(school_id),
            "event_date": date.fromisoformat(doc["eventDate"]),
            "category": code_value(doc["attendanceEventCategoryDescriptor"]) or "",
            "reason": doc.get("attendanceEventReason"),
            "duration": duration,
            **values,
        },
    )


def project_school_attendance(w: Writer, doc: dict[str, Any]) -> None:
    session = doc["sessionReference"]
    school_id = int(doc["schoolReference"]["schoolId"])
    term = ids.session_id(
        int(session["schoolId"]), int(session["schoolYear"]), session["sessionName"]
    )
    _attendance(w, doc, school_id, {"class_id": None, "session_id": term})


def project_section_attendance(w: Writer, doc: dict[str, Any]) -> None:
    section = doc["sectionReference"]
    school_id = int(section["schoolId"])
    term = ids.session_id(school_id, int(section["schoolYear"]), section["sessionName"])
    _attendance(w, doc, school_id, {"class_id": ids.class_id(section), "session_id": term})


def grade_id(doc: dict[str, Any]) -> str:
    period, assoc = doc["gradingPeriodReference"], doc["studentSectionAssociationReference"]
    return ids.md5_key(
        code_value(doc["gradeTypeDescriptor"]),
        code_value(period["gradingPeriodDescriptor"]),
        str(period["gradingPeriodName"]).lower(),
        period["schoolYear"],
        ids.enrollment_id(assoc["studentUniqueId"], assoc, assoc["beginDate"]),
    )


def project_grade(w: Writer, doc: dict[str, Any]) -> None:
    assoc = doc["studentSectionAssociationReference"]
    hub = ensure_user(w, "student", assoc["studentUniqueId"], int(assoc["schoolId"]))
    if hub is None:
        return
    letter = doc.get("letterGradeEarned")
    w.upsert(
        GradeRecord,
        grade_id(doc),
        {
            "user_id": hub,
            "class_id": ids.class_id(assoc),
            "grading_period": doc["gradingPeriodReference"]["gradingPeriodName"],
            "grade_type": code_value(doc["gradeTypeDescriptor"]) or "",
            "letter_grade": letter if isinstance(letter, str) else None,
            "numeric_grade": _number(doc.get("numericGradeEarned")),
            "current": doc.get("currentGradeIndicator"),
        },
    )


def assessment_id(doc: dict[str, Any]) -> str:
    assessment = doc["assessmentReference"]
    return ids.md5_key(
        doc["studentReference"]["studentUniqueId"].lower(),
        assessment["namespace"],
        assessment["assessmentIdentifier"],
        doc["studentAssessmentIdentifier"],
    )


def project_assessment(w: Writer, doc: dict[str, Any]) -> None:
    school = (doc.get("reportedSchoolReference") or {}).get("schoolId")
    school_id = int(school) if school is not None else None
    hub = ensure_user(w, "student", doc["studentReference"]["studentUniqueId"], school_id)
    if hub is None:
        return
    administered = doc.get("administrationDate")
    w.upsert(
        AssessmentResult,
        assessment_id(doc),
        {
            "user_id": hub,
            "assessment_identifier": doc["assessmentReference"]["assessmentIdentifier"],
            "assessment_namespace": doc["assessmentReference"]["namespace"],
            "administration_date": date.fromisoformat(administered[:10]) if administered else None,
            "school_id": ids.org_id(school_id) if school_id is not None else None,
            "scores": [
                {
                    "method": code_value(s.get("assessmentReportingMethodDescriptor")),
                    "datatype": code_value(s.get("resultDatatypeTypeDescriptor")),
                    "result": s.get("result"),
                }
                for s in doc.get("scoreResults") or []
            ]
            or None,
            "performance_levels": [
                {
                    "method": code_value(p.get("assessmentReportingMethodDescriptor")),
                    "level": code_value(p.get("performanceLevelDescriptor")),
                    "met": p.get("performanceLevelMet"),
                }
                for p in doc.get("performanceLevels") or []
            ]
            or None,
        },
    )
