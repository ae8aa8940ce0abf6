"""Hand-written provider payloads for a small district, in each version's documented shape.

``district_v1p2()``: OneRoster 1.2 Rostering JSON as a 1.2 SIS (Infinite Campus, Ed-Fi's
OneRoster service) serves it: GUIDRefs ``{href, sourcedId, type}``, ``roles[]`` on users,
string booleans, ``userIds[]``, ``preferredFirstName``.

``district_v1p1()``: OneRoster 1.1 as ClassLink's Roster Server serves it: users with a
scalar ``role`` and ``orgs[]``, one org as a bare id (seen at some 1.1 providers), an
academic session without ``schoolYear``, boolean ``enabledUser``, capitalised ``sex``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["V11_ROOT", "V12_ROOT", "district_v1p1", "district_v1p2"]

V12_ROOT = "https://sis.lakeview.example.org/ims/oneroster/rostering/v1p2"
V11_ROOT = "https://lakeview-il.oneroster.example.com/ims/oneroster/v1p1"

Record = dict[str, Any]


def _ref(root: str, kind: str, plural: str, sourced_id: str) -> Record:
    return {"href": f"{root}/{plural}/{sourced_id}", "sourcedId": sourced_id, "type": kind}


def district_v1p2() -> dict[str, list[Record]]:
    r = V12_ROOT

    def org(i: str) -> Record:
        return _ref(r, "org", "orgs", i)

    def session(i: str) -> Record:
        return _ref(r, "academicSession", "academicSessions", i)

    t0 = "2024-08-01T12:00:00.000Z"
    return {
        "orgs": [
            {
                "sourcedId": "dist-1",
                "status": "active",
                "dateLastModified": t0,
                "name": "Lakeview Unified School District",
                "type": "district",
                "identifier": "0612345",
                "children": [org("sch-100")],
            },
            {
                "sourcedId": "sch-100",
                "status": "active",
                "dateLastModified": t0,
                "name": "Lakeview High School",
                "type": "school",
                "identifier": "061234500001",
                "parent": org("dist-1"),
            },
        ],
        "academicSessions": [
            {
                "sourcedId": "ay-2025",
                "status": "active",
                "dateLastModified": t0,
                "title": "2024-2025 School Year",
                "type": "schoolYear",
                "startDate": "2024-08-14",
                "endDate": "2025-06-06",
                "schoolYear": "2025",
                "children": [session("t-2025-s1"), session("t-2025-s2")],
            },
            {
                "sourcedId": "t-2025-s1",
                "status": "active",
                "dateLastModified": t0,
                "title": "Fall Semester 2024",
                "type": "term",
                "startDate": "2024-08-14",
                "endDate": "2024-12-20",
                "parent": session("ay-2025"),
                "schoolYear": "2025",
            },
            {
                "sourcedId": "t-2025-s2",
                "status": "active",
                "dateLastModified": t0,
                "title": "Spring Semester 2025",
                "type": "term",
                "startDate": "2025-01-06",
                "endDate": "2025-06-06",
                "parent": session("ay-2025"),
                "schoolYear": "2025",
            },
        ],
        "courses": [
            {
                "sourcedId": "crs-alg1",
                "status": "active",
                "dateLastModified": t0,
                "title": "Algebra I",
                "schoolYear": session("ay-2025"),
                "courseCode": "MATH101",
                "grades": ["09"],
                "subjects": ["Mathematics"],
                "org": org("sch-100"),
                "subjectCodes": ["02052"],
            }
        ],
        "classes": [
            {
                "sourcedId": "cls-alg1-p1",
                "status": "active",
                "dateLastModified": t0,
                "title": "Algebra I - Period 1",
                "classCode": "ALG1-1",
                "classType": "scheduled",
                "location": "Room 204",
                "grades": ["09"],
                "subjects": ["Mathematics"],
                "course": _ref(r, "course", "courses", "crs-alg1"),
                "school": org("sch-100"),
                "terms": [session("t-2025-s1"), session("t-2025-s2")],
                "periods": ["1"],
            }
        ],
        "users": [
            {
                "sourcedId": "usr-a1",
                "status": "active",
                "dateLastModified": t0,
                "username": "mgarcia",
                "enabledUser": "true",
                "givenName": "Maria",
                "familyName": "Garcia",
                "roles": [
                    {"roleType": "primary", "role": "districtAdministrator", "org": org("dist-1")},
                    {"roleType": "secondary", "role": "principal", "org": org("sch-100")},
                ],
                "primaryOrg": org("dist-1"),
                "email": "mgarcia@lakeview.example.org",
            },
            {
                "sourcedId": "usr-g1",
                "status": "active",
                "dateLastModified": t0,
                "enabledUser": "false",
                "givenName": "Robert",
                "familyName": "Nguyen",
                "roles": [{"roleType": "primary", "role": "parent", "org": org("sch-100")}],
                "phone": "+1-555-0142",
            },
            {
                "sourcedId": "usr-s1",
                "status": "active",
                "dateLastModified": t0,
                "userMasterIdentifier": "CA-7712345678",
                "username": "snguyen26",
                "userIds": [
                    {"type": "SIS", "identifier": "200145"},
                    {"type": "LDAP", "identifier": "snguyen26"},
                ],
                "enabledUser": "true",
                "givenName": "Samantha",
                "familyName": "Nguyen",
                "middleName": "Lee",
                "preferredFirstName": "Sam",
                "pronouns": "she/her",
                "roles": [
                    {
                        "roleType": "primary",
                        "role": "student",
                        "org": org("sch-100"),
                        "beginDate": "2024-08-14",
                    }
                ],
                "primaryOrg": org("sch-100"),
                "identifier": "200145",
                "email": "snguyen26@students.lakeview.example.org",
                "agents": [_ref(r, "user", "users", "usr-g1")],
                "grades": ["09"],
            },
            {
                "sourcedId": "usr-t1",
                "status": "active",
                "dateLastModified": t0,
                "username": "ljohnson",
                "userIds": [{"type": "SIS", "identifier": "T1001"}],
                "enabledUser": "true",
                "givenName": "Linda",
                "familyName": "Johnson",
                "roles": [{"roleType": "primary", "role": "teacher", "org": org("sch-100")}],
                "primaryOrg": org("sch-100"),
                "email": "ljohnson@lakeview.example.org",
            },
        ],
        "enrollments": [
            {
                "sourcedId": "enr-s1",
                "status": "active",
                "dateLastModified": t0,
                "user": _ref(r, "user", "users", "usr-s1"),
                "class": _ref(r, "class", "classes", "cls-alg1-p1"),
                "school": org("sch-100"),
                "role": "student",
                "primary": "false",
                "beginDate": "2024-08-14",
                "endDate": "2025-06-06",
            },
            {
                "sourcedId": "enr-t1",
                "status": "active",
                "dateLastModified": t0,
                "user": _ref(r, "user", "users", "usr-t1"),
                "class": _ref(r, "class", "classes", "cls-alg1-p1"),
                "school": org("sch-100"),
                "role": "teacher",
                "primary": "true",
            },
        ],
        "demographics": [
            {
                "sourcedId": "usr-s1",
                "status": "active",
                "dateLastModified": t0,
                "birthDate": "2010-03-14",
                "sex": "female",
                "americanIndianOrAlaskaNative": "false",
                "asian": "true",
                "blackOrAfricanAmerican": "false",
                "nativeHawaiianOrOtherPacificIslander": "false",
                "white": "false",
                "demographicRaceTwoOrMoreRaces": "false",
                "hispanicOrLatinoEthnicity": "false",
                "countryOfBirthCode": "US",
                "stateOfBirthAbbreviation": "CA",
                "cityOfBirth": "Sacramento",
            }
        ],
    }


def district_v1p1() -> dict[str, list[Record]]:
    r = V11_ROOT

    def org(i: str) -> Record:
        return _ref(r, "org", "orgs", i)

    t0 = "2024-07-30T18:22:41.000Z"
    return {
        "orgs": [
            {
                "sourcedId": "8F6B1C2E-0001",
                "status": "active",
                "dateLastModified": t0,
                "name": "Lakeview CUSD 5",
                "type": "district",
                "identifier": "170001",
                "parent": None,
                "children": [org("8F6B1C2E-0100"), org("8F6B1C2E-0200")],
            },
            {
                "sourcedId": "8F6B1C2E-0100",
                "status": "active",
                "dateLastModified": t0,
                "name": "Lakeview Middle School",
                "type": "school",
                "identifier": "170001000100",
                "parent": org("8F6B1C2E-0001"),
            },
            {
                "sourcedId": "8F6B1C2E-0200",
                "status": "active",
                "dateLastModified": t0,
                "name": "Lakeview Elementary School",
                "type": "school",
                "identifier": "170001000200",
                "parent": org("8F6B1C2E-0001"),
            },
        ],
        "academicSessions": [
            {
                "sourcedId": "TERM-2025-FY",
                "status": "active",
                "dateLastModified": t0,
                "title": "FY 2024-25",
                "type": "schoolYear",
                "startDate": "2024-08-21",
                "endDate": "2025-05-30",
                "schoolYear": "2025",
            },
            {
                "sourcedId": "TERM-2025-T1",
                "status": "active",
                "dateLastModified": t0,
                "title": "Trimester 1",
                "type": "term",
                "startDate": "2024-08-21",
                "endDate": "2024-11-22",
                "parent": _ref(r, "academicSession", "academicSessions", "TERM-2025-FY"),
            },
        ],
        "courses": [
            {
                "sourcedId": "CRS-SCI7",
                "status": "active",
                "dateLastModified": t0,
                "title": "Science 7",
                "schoolYear": _ref(r, "academicSession", "academicSessions", "TERM-2025-FY"),
                "courseCode": "SCI7",
                "grades": ["07"],
                "subjects": ["Science"],
                "org": org("8F6B1C2E-0100"),
            }
        ],
        "classes": [
            {
                "sourcedId": "CLS-SCI7-02",
                "status": "active",
                "dateLastModified": t0,
                "title": "Science 7 - Sec 02",
                "classCode": "SCI7-02",
                "classType": "scheduled",
                "location": "B12",
                "grades": ["07"],
                "subjects": ["Science"],
                "course": _ref(r, "course", "courses", "CRS-SCI7"),
                "school": "8F6B1C2E-0100",
                "terms": [_ref(r, "academicSession", "academicSessions", "TERM-2025-T1")],
                "periods": ["2"],
            }
        ],
        "users": [
            {
                "sourcedId": "U-ADM-9",
                "status": "active",
                "dateLastModified": t0,
                "username": "pkowalski",
                "userIds": [],
                "enabledUser": True,
                "givenName": "Piotr",
                "familyName": "Kowalski",
                "middleName": "",
                "role": "administrator",
                "identifier": "A-9",
                "email": "pkowalski@lakeview5.example.org",
                "sms": "",
                "phone": "",
                "agents": [],
                "orgs": [org("8F6B1C2E-0100"), "8F6B1C2E-0200"],
                "grades": [],
            },
            {
                "sourcedId": "U-STU-31",
                "status": "active",
                "dateLastModified": t0,
                "username": "jsmith31",
                "userIds": [{"type": "studentNumber", "identifier": "31"}],
                "enabledUser": True,
                "givenName": "Jordan",
                "familyName": "Smith",
                "role": "student",
                "identifier": "31",
                "email": "jsmith31@stu.lakeview5.example.org",
                "agents": [],
                "orgs": [org("8F6B1C2E-0100")],
                "grades": ["07"],
            },
            {
                "sourcedId": "U-TCH-12",
                "status": "active",
                "dateLastModified": t0,
                "username": "awong",
                "userIds": [{"type": "LDAP", "identifier": "awong"}],
                "enabledUser": True,
                "givenName": "Alice",
                "familyName": "Wong",
                "role": "teacher",
                "identifier": "T-12",
                "email": "awong@lakeview5.example.org",
                "agents": [],
                "orgs": [org("8F6B1C2E-0100")],
                "grades": [],
            },
        ],
        "enrollments": [
            {
                "sourcedId": "ENR-31-SCI7",
                "status": "active",
                "dateLastModified": t0,
                "user": _ref(r, "user", "users", "U-STU-31"),
                "class": _ref(r, "class", "classes", "CLS-SCI7-02"),
                "school": org("8F6B1C2E-0100"),
                "role": "student",
                "primary": False,
                "beginDate": "2024-08-21",
                "endDate": "2024-11-22",
            },
            {
                "sourcedId": "ENR-12-SCI7",
                "status": "active",
                "dateLastModified": t0,
                "user": _ref(r, "user", "users", "U-TCH-12"),
                "class": _ref(r, "class", "classes", "CLS-SCI7-02"),
                "school": org("8F6B1C2E-0100"),
                "role": "teacher",
                "primary": True,
            },
        ],
        "demographics": [
            {
                "sourcedId": "U-STU-31",
                "status": "active",
                "dateLastModified": t0,
                "birthDate": "2012-11-02",
                "sex": "Male",
                "americanIndianOrAlaskaNative": False,
                "asian": False,
                "blackOrAfricanAmerican": True,
                "nativeHawaiianOrOtherPacificIslander": False,
                "white": False,
                "demographicRaceTwoOrMoreRaces": False,
                "hispanicOrLatinoEthnicity": True,
            }
        ],
    }
