"""The Rostering route table (OneRoster 1.2 §1; the 1.1 binding serves the same paths).

``kind``: ``collection`` (a view), ``single`` (one record of a view) or ``nested``
(a relation in ``views.NESTED``). ``scope``: ``core`` (roster-core.readonly or
roster.readonly), ``roster`` (roster.readonly only: the nested "...For..." routes) or
``demographics`` (roster-demographics.readonly).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["ROUTES", "RouteSpec"]


@dataclass(frozen=True)
class RouteSpec:
    path: str
    operation: str
    kind: Literal["collection", "single", "nested"]
    target: str
    scope: Literal["core", "roster", "demographics"]
    summary: str


def _base(plural: str, single: str, view: str, what: str) -> list[RouteSpec]:
    many, one = what.split("|")
    return [
        RouteSpec(f"/{view}", f"getAll{plural}", "collection", view, "core", f"All {many}"),
        RouteSpec(f"/{view}/{{sourcedId}}", f"get{single}", "single", view, "core", f"One {one}"),
    ]


def _nested(path: str, name: str, summary: str) -> RouteSpec:
    return RouteSpec(path, f"get{name}", "nested", name, "roster", summary)


ROUTES: Final[tuple[RouteSpec, ...]] = (
    *_base(
        "AcademicSessions",
        "AcademicSession",
        "academicSessions",
        "academic sessions|academic session",
    ),
    *_base("Terms", "Term", "terms", "terms|term"),
    *_base("GradingPeriods", "GradingPeriod", "gradingPeriods", "grading periods|grading period"),
    *_base("Classes", "Class", "classes", "classes|class"),
    *_base("Courses", "Course", "courses", "courses|course"),
    RouteSpec(
        "/demographics",
        "getAllDemographics",
        "collection",
        "demographics",
        "demographics",
        "All demographics records",
    ),
    RouteSpec(
        "/demographics/{sourcedId}",
        "getDemographics",
        "single",
        "demographics",
        "demographics",
        "One user's demographics (keyed by the user's sourcedId)",
    ),
    *_base("Enrollments", "Enrollment", "enrollments", "enrollments|enrollment"),
    *_base("Orgs", "Org", "orgs", "orgs|org"),
    *_base("Schools", "School", "schools", "schools|school"),
    *_base("Users", "User", "users", "users|user"),
    *_base("Students", "Student", "students", "students|student"),
    *_base("Teachers", "Teacher", "teachers", "teachers|teacher"),
    _nested(
        "/terms/{termSourcedId}/gradingPeriods",
        "GradingPeriodsForTerm",
        "Grading periods of a term",
    ),
    _nested("/terms/{termSourcedId}/classes", "ClassesForTerm", "Classes of a term"),
    _nested("/schools/{schoolSourcedId}/terms", "TermsForSchool", "Terms of a school"),
    _nested("/schools/{schoolSourcedId}/classes", "ClassesForSchool", "Classes of a school"),
    _nested("/schools/{schoolSourcedId}/courses", "CoursesForSchool", "Courses of a school"),
    _nested(
        "/schools/{schoolSourcedId}/enrollments",
        "EnrollmentsForSchool",
        "Enrollments at a school",
    ),
    _nested(
        "/schools/{schoolSourcedId}/classes/{classSourcedId}/enrollments",
        "EnrollmentsForClassInSchool",
        "Enrollments of a class in a school",
    ),
    _nested(
        "/schools/{schoolSourcedId}/classes/{classSourcedId}/students",
        "StudentsForClassInSchool",
        "Students of a class in a school",
    ),
    _nested(
        "/schools/{schoolSourcedId}/classes/{classSourcedId}/teachers",
        "TeachersForClassInSchool",
        "Teachers of a class in a school",
    ),
    _nested("/schools/{schoolSourcedId}/students", "StudentsForSchool", "Students of a school"),
    _nested("/schools/{schoolSourcedId}/teachers", "TeachersForSchool", "Teachers of a school"),
    _nested("/courses/{courseSourcedId}/classes", "ClassesForCourse", "Classes of a course"),
    _nested("/classes/{classSourcedId}/students", "StudentsForClass", "Students of a class"),
    _nested("/classes/{classSourcedId}/teachers", "TeachersForClass", "Teachers of a class"),
    _nested("/students/{studentSourcedId}/classes", "ClassesForStudent", "Classes of a student"),
    _nested("/teachers/{teacherSourcedId}/classes", "ClassesForTeacher", "Classes of a teacher"),
    _nested("/users/{userSourcedId}/classes", "ClassesForUser", "Classes of a user"),
)
