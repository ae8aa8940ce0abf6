"""A small Ed-Fi district (Data Standard 5 field names, descriptor URIs as the ODS stores
them): one LEA, a high and a middle school, fall and spring semesters, three sections.

People and the OneRoster users they should become:

* students: Lisa (high school), Marcus (middle school), Ana (middle school last year,
  high school now: two roles, the high school primary), Noah (no school association: no
  user, and his section association is left out);
* contacts: Maria (Lisa's mother), David (guardian of Marcus and Ana: parent at both
  students' schools);
* staff: Karen (Teacher assignment at the high school; teacher of record of ALG1-01,
  assistant in ENG1-02), Robert (Principal of the middle school), Jenna (Librarian, an
  unmapped classification, who teaches SCI7-03: teacher there), Tom (Librarian only: no
  user), Evelyn (Superintendent of the LEA: districtAdministrator).
"""

from __future__ import annotations

from typing import Any

LEA = 255901
HIGH = 255901001
MIDDLE = 255901044
YEAR = 2025
FALL = "2024-2025 Fall Semester"
SPRING = "2024-2025 Spring Semester"

NS = "uri://ed-fi.org"


def d(kind: str, value: str) -> str:
    """A descriptor URI: ``d("Sex", "Female")`` → ``uri://ed-fi.org/SexDescriptor#Female``."""
    return f"{NS}/{kind}Descriptor#{value}"


def _school(school_id: int, name: str, grades: list[str]) -> dict[str, Any]:
    return {
        "schoolId": school_id,
        "nameOfInstitution": name,
        "shortNameOfInstitution": name.split()[-2][:4].upper(),
        "educationOrganizationCategories": [
            {
                "educationOrganizationCategoryDescriptor": d(
                    "EducationOrganizationCategory", "School"
                )
            }
        ],
        "gradeLevels": [{"gradeLevelDescriptor": d("GradeLevel", g)} for g in grades],
        "localEducationAgencyReference": {"localEducationAgencyId": LEA},
        "schoolCategories": [{"schoolCategoryDescriptor": d("SchoolCategory", "High School")}],
    }


def _session(school: int, name: str, term: str, begin: str, end: str) -> dict[str, Any]:
    return {
        "sessionName": name,
        "schoolReference": {"schoolId": school},
        "schoolYearTypeReference": {"schoolYear": YEAR},
        "beginDate": begin,
        "endDate": end,
        "termDescriptor": d("Term", term),
        "totalInstructionalDays": 82,
    }


def _offering(code: str, title: str, school: int, course_org: int) -> dict[str, Any]:
    return {
        "localCourseCode": code,
        "localCourseTitle": title,
        "courseReference": {"courseCode": code, "educationOrganizationId": course_org},
        "schoolReference": {"schoolId": school},
        "sessionReference": {"schoolId": school, "schoolYear": YEAR, "sessionName": FALL},
    }


def section_ref(code: str, school: int, section: str) -> dict[str, Any]:
    return {
        "localCourseCode": code,
        "schoolId": school,
        "schoolYear": YEAR,
        "sectionIdentifier": section,
        "sessionName": FALL,
    }


def _student(unique: str, first: str, last: str, birth: str, **extra: Any) -> dict[str, Any]:
    return {
        "studentUniqueId": unique,
        "firstName": first,
        "lastSurname": last,
        "birthDate": birth,
        "birthCity": "Grand Bend",
        **extra,
    }


def _ssa(student: str, school: int, entry: str, grade: str, **extra: Any) -> dict[str, Any]:
    return {
        "entryDate": entry,
        "schoolReference": {"schoolId": school},
        "studentReference": {"studentUniqueId": student},
        "entryGradeLevelDescriptor": d("GradeLevel", grade),
        "schoolYearTypeReference": {"schoolYear": YEAR},
        **extra,
    }


def _seoa(student: str, sex: str, races: list[str], hispanic: bool, **extra: Any) -> dict[str, Any]:
    return {
        "educationOrganizationReference": {"educationOrganizationId": LEA},
        "studentReference": {"studentUniqueId": student},
        "sexDescriptor": d("Sex", sex),
        "races": [{"raceDescriptor": d("Race", r)} for r in races],
        "hispanicLatinoEthnicity": hispanic,
        **extra,
    }


def _staff(unique: str, first: str, last: str, email: str) -> dict[str, Any]:
    return {
        "staffUniqueId": unique,
        "firstName": first,
        "lastSurname": last,
        "electronicMails": [
            {
                "electronicMailAddress": email,
                "electronicMailTypeDescriptor": d("ElectronicMailType", "Work"),
            }
        ],
        "identificationCodes": [
            {
                "staffIdentificationSystemDescriptor": d("StaffIdentificationSystem", "State"),
                "assigningOrganizationIdentificationCode": "TX",
                "identificationCode": f"TX-{unique}",
            }
        ],
    }


def _assignment(staff: str, ed_org: int, classification: str) -> dict[str, Any]:
    return {
        "beginDate": "2015-08-10",
        "staffClassificationDescriptor": d("StaffClassification", classification),
        "educationOrganizationReference": {"educationOrganizationId": ed_org},
        "staffReference": {"staffUniqueId": staff},
        "positionTitle": classification,
    }


def _teaches(staff: str, section: dict[str, Any], position: str) -> dict[str, Any]:
    return {
        "beginDate": "2024-08-19",
        "sectionReference": section,
        "staffReference": {"staffUniqueId": staff},
        "classroomPositionDescriptor": d("ClassroomPosition", position),
    }


def _enrolls(student: str, section: dict[str, Any]) -> dict[str, Any]:
    return {
        "beginDate": "2024-08-19",
        "endDate": "2024-12-20",
        "sectionReference": section,
        "studentReference": {"studentUniqueId": student},
        "homeroomIndicator": False,
    }


ALG = section_ref("ALG-1", HIGH, "ALG1-01")
ENG = section_ref("ENG-1", HIGH, "ENG1-02")
SCI = section_ref("SCI-7", MIDDLE, "SCI7-03")


def district(*, contacts: bool = True) -> dict[str, list[dict[str, Any]]]:
    """The dataset by resource; ``contacts=False`` spells DS 3/4 ``parents``."""
    contact, links, ref, unique = (
        ("contacts", "studentContactAssociations", "contactReference", "contactUniqueId")
        if contacts
        else ("parents", "studentParentAssociations", "parentReference", "parentUniqueId")
    )
    return {
        "localEducationAgencies": [
            {
                "localEducationAgencyId": LEA,
                "nameOfInstitution": "Grand Bend ISD",
                "localEducationAgencyCategoryDescriptor": d(
                    "LocalEducationAgencyCategory", "Independent"
                ),
                "categories": [
                    {
                        "educationOrganizationCategoryDescriptor": d(
                            "EducationOrganizationCategory", "Local Education Agency"
                        )
                    }
                ],
                "stateEducationAgencyReference": {"stateEducationAgencyId": 255950},
            }
        ],
        "schools": [
            _school(HIGH, "Grand Bend High School", ["Ninth grade", "Tenth grade"]),
            _school(MIDDLE, "Grand Bend Middle School", ["Sixth grade", "Seventh grade"]),
        ],
        "sessions": [
            _session(HIGH, FALL, "Fall Semester", "2024-08-19", "2024-12-20"),
            _session(HIGH, SPRING, "Spring Semester", "2025-01-06", "2025-05-30"),
            _session(MIDDLE, FALL, "Fall Semester", "2024-08-12", "2024-12-20"),
            _session(MIDDLE, SPRING, "Spring Semester", "2025-01-06", "2025-06-04"),
        ],
        "courses": [
            {
                "courseCode": code,
                "courseTitle": title,
                "numberOfParts": 1,
                "identificationCodes": [
                    {
                        "courseIdentificationSystemDescriptor": d(
                            "CourseIdentificationSystem", "LEA course code"
                        ),
                        "identificationCode": code,
                    }
                ],
                "educationOrganizationReference": {"educationOrganizationId": org},
            }
            for code, title, org in (
                ("ALG-1", "Algebra I", LEA),
                ("ENG-1", "English I", LEA),
                ("SCI-7", "Science, Grade 7", MIDDLE),
            )
        ],
        "courseOfferings": [
            _offering("ALG-1", "Algebra I", HIGH, LEA),
            _offering("ENG-1", "English I (Honors)", HIGH, LEA),
            _offering("SCI-7", "Science 7", MIDDLE, MIDDLE),
        ],
        "sections": [
            {
                "sectionIdentifier": "ALG1-01",
                "sectionName": "Algebra I - Period 1",
                "courseOfferingReference": {
                    k: v for k, v in ALG.items() if k != "sectionIdentifier"
                },
                "locationReference": {"classroomIdentificationCode": "101", "schoolId": HIGH},
                "classPeriods": [
                    {
                        "classPeriodReference": {
                            "classPeriodName": "01 - Traditional",
                            "schoolId": HIGH,
                        }
                    }
                ],
                "educationalEnvironmentDescriptor": d("EducationalEnvironment", "Classroom"),
            },
            {
                "sectionIdentifier": "ENG1-02",
                "courseOfferingReference": {
                    k: v for k, v in ENG.items() if k != "sectionIdentifier"
                },
            },
            {
                "sectionIdentifier": "SCI7-03",
                "sectionName": "Science 7 - Lab",
                "courseOfferingReference": {
                    k: v for k, v in SCI.items() if k != "sectionIdentifier"
                },
            },
        ],
        "students": [
            _student("604822", "Lisa", "Woods", "2010-05-14", middleName="Marie"),
            _student("604823", "Marcus", "Hall", "2012-02-03", preferredFirstName="Mark"),
            _student("604824", "Ana", "Ortiz", "2010-11-30"),
            _student("604825", "Noah", "Brooks", "2010-01-22"),
        ],
        contact: [
            {
                unique: "C-7001",
                "firstName": "Maria",
                "lastSurname": "Woods",
                "electronicMails": [
                    {
                        "electronicMailAddress": "maria.woods@example.net",
                        "electronicMailTypeDescriptor": d("ElectronicMailType", "Home/Personal"),
                    }
                ],
            },
            {unique: "C-7002", "firstName": "David", "lastSurname": "Hall"},
        ],
        "staffs": [
            _staff("S-101", "Karen", "Miller", "kmiller@gbisd.example.org"),
            _staff("S-102", "Robert", "Chen", "rchen@gbisd.example.org"),
            _staff("S-103", "Jenna", "Park", "jpark@gbisd.example.org"),
            _staff("S-104", "Tom", "Lee", "tlee@gbisd.example.org"),
            _staff("S-105", "Evelyn", "Ross", "eross@gbisd.example.org"),
        ],
        "studentSchoolAssociations": [
            _ssa("604822", HIGH, "2024-08-19", "Ninth grade", primarySchool=True),
            _ssa("604823", MIDDLE, "2024-08-12", "Seventh grade"),
            _ssa(
                "604824",
                MIDDLE,
                "2023-08-14",
                "Eighth grade",
                exitWithdrawDate="2024-06-01",
                exitWithdrawTypeDescriptor=d("ExitWithdrawType", "End of school year"),
            ),
            _ssa("604824", HIGH, "2024-08-19", "Ninth grade"),
        ],
        "studentEducationOrganizationAssociations": [
            _seoa(
                "604822",
                "Female",
                ["White", "Asian"],
                False,
                electronicMails=[
                    {
                        "electronicMailAddress": "lwoods@students.gbisd.example.org",
                        "electronicMailTypeDescriptor": d("ElectronicMailType", "Organization"),
                    },
                    {
                        "electronicMailAddress": "lisa.woods@example.net",
                        "electronicMailTypeDescriptor": d("ElectronicMailType", "Home/Personal"),
                    },
                ],
                studentIdentificationCodes=[
                    {
                        "studentIdentificationSystemDescriptor": d(
                            "StudentIdentificationSystem", "State"
                        ),
                        "assigningOrganizationIdentificationCode": "TX",
                        "identificationCode": "TX-1000604822",
                    }
                ],
            ),
            _seoa("604823", "Male", ["Black or African American"], False),
            _seoa("604824", "Female", [], True),
        ],
        links: [
            {
                "studentReference": {"studentUniqueId": "604822"},
                ref: {unique: "C-7001"},
                "relationDescriptor": d("Relation", "Mother"),
                "primaryContactStatus": True,
                "livesWith": True,
                "emergencyContactStatus": True,
                "contactPriority": 1,
            },
            {
                "studentReference": {"studentUniqueId": "604823"},
                ref: {unique: "C-7002"},
                "relationDescriptor": d("Relation", "Guardian"),
                "primaryContactStatus": True,
            },
            {
                "studentReference": {"studentUniqueId": "604824"},
                ref: {unique: "C-7002"},
                "relationDescriptor": d("Relation", "Guardian"),
            },
        ],
        "staffEducationOrganizationAssignmentAssociations": [
            _assignment("S-101", HIGH, "Teacher"),
            _assignment("S-102", MIDDLE, "Principal"),
            _assignment("S-103", HIGH, "Librarians/Media Specialists"),
            _assignment("S-104", HIGH, "Librarians/Media Specialists"),
            _assignment("S-105", LEA, "Superintendent"),
        ],
        "staffSectionAssociations": [
            _teaches("S-101", ALG, "Teacher of Record"),
            _teaches("S-101", ENG, "Assistant Teacher"),
            _teaches("S-103", SCI, "Teacher of Record"),
        ],
        "studentSectionAssociations": [
            _enrolls("604822", ALG),
            _enrolls("604822", ENG),
            _enrolls("604824", ENG),
            _enrolls("604823", SCI),
            _enrolls("604825", ALG),
        ],
    }
