"""An Ed-Fi Data Standard 5 dataset (one JSONL file per resource, as lightbeam reads it)
derived from a generated OneRoster 1.2 CSV package.

The same district in both standards lets tests and benchmarks compare the two surfaces.
The mapping is the inverse of the Ed-Fi Alliance's Ed-Fi → OneRoster mapping
(``standards/edfi.md`` §7):

* the district org → ``localEducationAgencies``; schools → ``schools`` (ids are the orgs'
  numeric ``identifier``s);
* every school year → ``schoolYearTypes``; each term/semester → one ``sessions`` row per
  school (Ed-Fi sessions belong to a school);
* courses → ``courses`` (owned by the course's org); each class → one ``courseOfferings``
  row (local course code = the course code, in the class's first term) and one ``sections``
  row (section identifier = the classCode);
* users by primary role: students → ``students`` (birth date from demographics),
  teachers/staff/administrators → ``staffs`` (+ ``staffEducationOrganizationAssignment
  Associations``), guardians/parents → ``contacts`` (+ ``studentContactAssociations``);
* students' primary school → ``studentSchoolAssociations``; their district →
  ``studentEducationOrganizationAssociations`` carrying sex and races;
* enrollments → ``studentSectionAssociations`` / ``staffSectionAssociations`` (primary
  teacher = Teacher of Record).

Descriptor values use the ``uri://ed-fi.org`` namespaces of the DS 5.2 descriptor files.
Pure Python: reads CSV, writes JSON lines; ``users.csv`` is held as a small index (unique
id and role per user), enrollments stream.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final, TextIO

import orjson

__all__ = ["EDFI_RESOURCES", "write_edfi_dataset"]

EDFI_RESOURCES: Final = (
    "localEducationAgencies",
    "schools",
    "schoolYearTypes",
    "sessions",
    "courses",
    "courseOfferings",
    "sections",
    "students",
    "staffs",
    "contacts",
    "studentSchoolAssociations",
    "studentEducationOrganizationAssociations",
    "studentContactAssociations",
    "staffEducationOrganizationAssignmentAssociations",
    "studentSectionAssociations",
    "staffSectionAssociations",
)
"""Written in this (dependency) order."""

_NS: Final = "uri://ed-fi.org/"
_GRADES: Final = {
    "PK": "Prekindergarten",
    "KG": "Kindergarten",
    "01": "First grade",
    "02": "Second grade",
    "03": "Third grade",
    "04": "Fourth grade",
    "05": "Fifth grade",
    "06": "Sixth grade",
    "07": "Seventh grade",
    "08": "Eighth grade",
    "09": "Ninth grade",
    "10": "Tenth grade",
    "11": "Eleventh grade",
    "12": "Twelfth grade",
}
_TERMS: Final = {"semester": "Semester", "term": "Other", "schoolYear": "Year Round"}
_SEX: Final = {"female": "Female", "male": "Male", "other": "Non-binary"}
_RACES: Final = {
    "americanIndianOrAlaskaNative": "American Indian or Alaska Native",
    "asian": "Asian",
    "blackOrAfricanAmerican": "Black or African American",
    "nativeHawaiianOrOtherPacificIslander": "Native Hawaiian or Pacific Islander",
    "white": "White",
}
_STAFF_CLASS: Final = {
    "teacher": "Secondary Teacher",
    "aide": "Paraprofessional/Instructional Aide",
    "counselor": "School Counselor",
    "principal": "Principal",
    "siteAdministrator": "School Administrator",
    "districtAdministrator": "LEA Administrator",
    "administrator": "School Administrator",
    "proctor": "Substitute Teacher",
}
_STUDENT_ROLES: Final = frozenset({"student"})
_CONTACT_ROLES: Final = frozenset({"guardian", "parent", "relative"})


def _d(kind: str, code: str) -> str:
    return f"{_NS}{kind}#{code}"


def _rows(package: Path, name: str) -> Iterator[dict[str, str]]:
    path = package / f"{name}.csv"
    if not path.exists():
        return
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _instructional_days(begin: str, end: str) -> int:
    """Weekdays between the two dates (inclusive): a plausible ``totalInstructionalDays``."""
    start, stop = date.fromisoformat(begin), date.fromisoformat(end)
    days = (stop - start).days + 1
    weeks, rest = divmod(days, 7)
    extra = sum(1 for i in range(rest) if (start + timedelta(days=i)).weekday() < 5)
    return weeks * 5 + extra


class _Out:
    """One JSONL file per resource, opened on first write; counts lines."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, TextIO] = {}
        self.counts: dict[str, int] = dict.fromkeys(EDFI_RESOURCES, 0)

    def write(self, resource: str, doc: dict[str, Any]) -> None:
        fh = self.files.get(resource)
        if fh is None:
            fh = self.files[resource] = (self.root / f"{resource}.jsonl").open(
                "w", encoding="utf-8"
            )
        fh.write(orjson.dumps(doc).decode())
        fh.write("\n")
        self.counts[resource] += 1

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


class _District:
    """What the later files need to know about orgs, sessions, classes and users."""

    def __init__(self) -> None:
        self.ed_org: dict[str, int] = {}  # org sourcedId -> education organization id
        self.schools: list[int] = []
        self.lea: int | None = None
        self.years: dict[str, int] = {}  # session sourcedId -> school year
        self.sessions: dict[str, tuple[str, str]] = {}  # term sourcedId -> (name, begin)
        self.sections: dict[str, dict[str, Any]] = {}  # class sourcedId -> sectionReference
        self.courses: dict[str, tuple[str, int]] = {}  # course sourcedId -> (code, ed org)
        self.people: dict[str, tuple[str, str]] = {}  # user sourcedId -> (kind, unique id)


def write_edfi_dataset(package: Path, out: Path) -> dict[str, int]:
    """Write ``<resource>.jsonl`` files for ``package`` into ``out``; return the counts."""
    out.mkdir(parents=True, exist_ok=True)
    sink = _Out(out)
    district = _District()
    try:
        _orgs(package, sink, district)
        _sessions(package, sink, district)
        _courses(package, sink, district)
        _classes(package, sink, district)
        _people(package, sink, district)
        _enrollments(package, sink, district)
    finally:
        sink.close()
    return {k: v for k, v in sink.counts.items() if v}


def _orgs(package: Path, sink: _Out, district: _District) -> None:
    rows = list(_rows(package, "orgs"))
    for row in rows:
        district.ed_org[row["sourcedId"]] = int(row["identifier"])
    for row in rows:
        ed_org = district.ed_org[row["sourcedId"]]
        if row["type"] == "district" and district.lea is None:
            district.lea = ed_org
            sink.write(
                "localEducationAgencies",
                {
                    "localEducationAgencyId": ed_org,
                    "nameOfInstitution": row["name"],
                    "localEducationAgencyCategoryDescriptor": _d(
                        "LocalEducationAgencyCategoryDescriptor", "Independent"
                    ),
                    "categories": [
                        {
                            "educationOrganizationCategoryDescriptor": _d(
                                "EducationOrganizationCategoryDescriptor",
                                "Local Education Agency",
                            )
                        }
                    ],
                },
            )
    for row in rows:
        if row["type"] != "school":
            continue
        school_id = district.ed_org[row["sourcedId"]]
        district.schools.append(school_id)
        doc: dict[str, Any] = {
            "schoolId": school_id,
            "nameOfInstitution": row["name"],
            "educationOrganizationCategories": [
                {
                    "educationOrganizationCategoryDescriptor": _d(
                        "EducationOrganizationCategoryDescriptor", "School"
                    )
                }
            ],
            "gradeLevels": [
                {"gradeLevelDescriptor": _d("GradeLevelDescriptor", g)}
                for g in _school_grades(row["name"])
            ],
        }
        parent = district.ed_org.get(row["parentSourcedId"])
        if parent is not None and parent == district.lea:
            doc["localEducationAgencyReference"] = {"localEducationAgencyId": parent}
        sink.write("schools", doc)


def _school_grades(name: str) -> list[str]:
    """Grade levels served, from the generated school names' level."""
    if "High" in name:
        return [_GRADES[g] for g in ("09", "10", "11", "12")]
    if "Middle" in name:
        return [_GRADES[g] for g in ("06", "07", "08")]
    return [_GRADES[g] for g in ("KG", "01", "02", "03", "04", "05")]


def _sessions(package: Path, sink: _Out, district: _District) -> None:
    rows = list(_rows(package, "academicSessions"))
    for row in rows:
        district.years[row["sourcedId"]] = int(row["schoolYear"])
    latest = max(district.years.values(), default=None)
    for year in sorted(set(district.years.values())):
        sink.write(
            "schoolYearTypes",
            {
                "schoolYear": year,
                "currentSchoolYear": year == latest,
                "schoolYearDescription": f"{year - 1}-{year}",
            },
        )
    for row in rows:
        if row["type"] not in _TERMS:
            continue
        district.sessions[row["sourcedId"]] = (row["title"], row["startDate"])
        for school_id in district.schools:
            sink.write(
                "sessions",
                {
                    "sessionName": row["title"],
                    "schoolReference": {"schoolId": school_id},
                    "schoolYearTypeReference": {"schoolYear": int(row["schoolYear"])},
                    "termDescriptor": _d("TermDescriptor", _TERMS.get(row["type"], "Other")),
                    "beginDate": row["startDate"],
                    "endDate": row["endDate"],
                    "totalInstructionalDays": _instructional_days(row["startDate"], row["endDate"]),
                },
            )


def _courses(package: Path, sink: _Out, district: _District) -> None:
    for row in _rows(package, "courses"):
        code = row["courseCode"] or row["sourcedId"]
        owner = district.ed_org.get(row["orgSourcedId"]) or district.lea
        if owner is None:
            continue
        district.courses[row["sourcedId"]] = (code, owner)
        sink.write(
            "courses",
            {
                "courseCode": code,
                "courseTitle": row["title"],
                "numberOfParts": 1,
                "identificationCodes": [
                    {
                        "courseIdentificationSystemDescriptor": _d(
                            "CourseIdentificationSystemDescriptor", "LEA course code"
                        ),
                        "identificationCode": code,
                    }
                ],
                "educationOrganizationReference": {"educationOrganizationId": owner},
            },
        )


def _classes(package: Path, sink: _Out, district: _District) -> None:
    offerings: set[tuple[str, int, str]] = set()
    for row in _rows(package, "classes"):
        terms = [t for t in row["termSourcedIds"].split(",") if t in district.sessions]
        school_id = district.ed_org.get(row["schoolSourcedId"])
        if not terms or school_id is None or row["courseSourcedId"] not in district.courses:
            continue
        course, owner = district.courses[row["courseSourcedId"]]
        session_name = district.sessions[terms[0]][0]
        year = district.years[terms[0]]
        session = {"schoolId": school_id, "schoolYear": year, "sessionName": session_name}
        if (course, school_id, session_name) not in offerings:
            offerings.add((course, school_id, session_name))
            sink.write(
                "courseOfferings",
                {
                    "localCourseCode": course,
                    "localCourseTitle": row["title"].split(" - ")[0],
                    "courseReference": {"courseCode": course, "educationOrganizationId": owner},
                    "schoolReference": {"schoolId": school_id},
                    "sessionReference": session,
                },
            )
        section = {"localCourseCode": course, **session, "sectionIdentifier": row["classCode"]}
        district.sections[row["sourcedId"]] = section
        sink.write(
            "sections",
            {
                "sectionIdentifier": row["classCode"],
                "sectionName": row["title"],
                "courseOfferingReference": {"localCourseCode": course, **session},
            },
        )


def _people(package: Path, sink: _Out, district: _District) -> None:
    primary_role: dict[str, tuple[str, str]] = {}
    for row in _rows(package, "roles"):
        if row["roleType"] == "primary" and row["status"] == "active":
            primary_role[row["userSourcedId"]] = (row["role"], row["orgSourcedId"])
    births: dict[str, dict[str, str]] = {r["sourcedId"]: r for r in _rows(package, "demographics")}
    guardians: list[tuple[str, str]] = []
    begin = min((b for _, b in district.sessions.values()), default="2024-08-01")
    for row in _rows(package, "users"):
        role, org = primary_role.get(row["sourcedId"], ("", ""))
        unique = (row["identifier"] or row["sourcedId"])[:32]
        names = {"firstName": row["givenName"], "lastSurname": row["familyName"]}
        if row["middleName"]:
            names["middleName"] = row["middleName"]
        if role in _STUDENT_ROLES:
            demo = births.get(row["sourcedId"], {})
            district.people[row["sourcedId"]] = ("student", unique)
            sink.write(
                "students",
                {
                    "studentUniqueId": unique,
                    **names,
                    "birthDate": demo.get("birthDate") or "2010-01-01",
                },
            )
            school_id = district.ed_org.get(org)
            student = {"studentUniqueId": unique}
            if school_id is not None:
                grade = _GRADES.get(row["grades"].split(",")[0], "Ungraded")
                sink.write(
                    "studentSchoolAssociations",
                    {
                        "studentReference": student,
                        "schoolReference": {"schoolId": school_id},
                        "entryDate": begin,
                        "entryGradeLevelDescriptor": _d("GradeLevelDescriptor", grade),
                    },
                )
            if district.lea is not None:
                sink.write(
                    "studentEducationOrganizationAssociations",
                    _seoa(student, district.lea, demo, row["email"]),
                )
            guardians += [(g, unique) for g in row["agentSourcedIds"].split(",") if g]
        elif role in _CONTACT_ROLES:
            district.people[row["sourcedId"]] = ("contact", unique)
            sink.write("contacts", {"contactUniqueId": unique, **names})
        elif role:
            district.people[row["sourcedId"]] = ("staff", unique)
            doc: dict[str, Any] = {"staffUniqueId": unique, **names}
            if row["email"]:
                doc["electronicMails"] = [
                    {
                        "electronicMailAddress": row["email"],
                        "electronicMailTypeDescriptor": _d("ElectronicMailTypeDescriptor", "Work"),
                    }
                ]
            sink.write("staffs", doc)
            ed_org = district.ed_org.get(org) or district.lea
            sink.write(
                "staffEducationOrganizationAssignmentAssociations",
                {
                    "staffReference": {"staffUniqueId": unique},
                    "educationOrganizationReference": {"educationOrganizationId": ed_org},
                    "staffClassificationDescriptor": _d(
                        "StaffClassificationDescriptor",
                        _STAFF_CLASS.get(role, "Other"),
                    ),
                    "beginDate": begin,
                },
            )
    for guardian, student_unique in guardians:
        kind, contact = district.people.get(guardian, ("", ""))
        if kind == "contact":
            sink.write(
                "studentContactAssociations",
                {
                    "studentReference": {"studentUniqueId": student_unique},
                    "contactReference": {"contactUniqueId": contact},
                    "relationDescriptor": _d("RelationDescriptor", "Parent"),
                    "primaryContactStatus": True,
                },
            )


def _seoa(student: dict[str, str], lea: int, demo: dict[str, str], email: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "studentReference": student,
        "educationOrganizationReference": {"educationOrganizationId": lea},
    }
    sex = _SEX.get(demo.get("sex", ""))
    if sex:
        doc["sexDescriptor"] = _d("SexDescriptor", sex)
    races = [
        {"raceDescriptor": _d("RaceDescriptor", label)}
        for flag, label in _RACES.items()
        if demo.get(flag) == "true"
    ]
    if races:
        doc["races"] = races
    if demo.get("hispanicOrLatinoEthnicity") in ("true", "false"):
        doc["hispanicLatinoEthnicity"] = demo["hispanicOrLatinoEthnicity"] == "true"
    if email:
        doc["electronicMails"] = [
            {
                "electronicMailAddress": email,
                "electronicMailTypeDescriptor": _d("ElectronicMailTypeDescriptor", "Home/Personal"),
            }
        ]
    return doc


def _enrollments(package: Path, sink: _Out, district: _District) -> None:
    for row in _rows(package, "enrollments"):
        section = district.sections.get(row["classSourcedId"])
        kind, unique = district.people.get(row["userSourcedId"], ("", ""))
        if section is None or not unique:
            continue
        begin = row["beginDate"] or "2024-08-01"
        if kind == "student":
            doc: dict[str, Any] = {
                "studentReference": {"studentUniqueId": unique},
                "sectionReference": section,
                "beginDate": begin,
            }
            if row["endDate"]:
                doc["endDate"] = row["endDate"]
            sink.write("studentSectionAssociations", doc)
        elif kind == "staff":
            position = "Teacher of Record" if row["primary"] == "true" else "Assistant Teacher"
            sink.write(
                "staffSectionAssociations",
                {
                    "staffReference": {"staffUniqueId": unique},
                    "sectionReference": section,
                    "beginDate": begin,
                    "classroomPositionDescriptor": _d("ClassroomPositionDescriptor", position),
                },
            )
