"""Test data for the OneRoster provider: rows inserted straight into the canonical tables.

``Roster`` collects rows and ``flush()`` inserts them with Core ``insert``; ``realistic()``
builds a small district that exercises every field and every endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, insert

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
    UserProfile,
    UserRole,
)

BASE_TIME = datetime(2024, 1, 1, 8, 0, 0, 123000, tzinfo=UTC)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


@dataclass
class Roster:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _tick: int = 0

    def _add(self, model: Any, row: dict[str, Any]) -> dict[str, Any]:
        self.rows.setdefault(model.__tablename__, []).append(row)
        return row

    def _entity(self, sourced_id: str, **kw: Any) -> dict[str, Any]:
        self._tick += 1
        return {
            "sourced_id": sourced_id,
            "status": kw.pop("status", "active"),
            "date_last_modified": kw.pop("modified", BASE_TIME + timedelta(minutes=self._tick)),
            "change_version": self._tick,
            "extension": kw.pop("extension", None),
            **kw,
        }

    def org(self, sid: str, name: str, type_: str = "school", **kw: Any) -> dict[str, Any]:
        return self._add(Org, self._entity(sid, name=name, type=type_, **kw))

    def session(
        self, sid: str, type_: str, start: date, end: date, year: str = "2024", **kw: Any
    ) -> dict[str, Any]:
        return self._add(
            AcademicSession,
            self._entity(
                sid,
                title=kw.pop("title", sid.upper()),
                type=type_,
                start_date=start,
                end_date=end,
                school_year=year,
                **kw,
            ),
        )

    def course(self, sid: str, title: str, code: str = "", **kw: Any) -> dict[str, Any]:
        return self._add(Course, self._entity(sid, title=title, course_code=code, **kw))

    def klass(
        self, sid: str, course: str, school: str, terms: list[str], **kw: Any
    ) -> dict[str, Any]:
        for i, term in enumerate(terms):
            self._add(ClassTerm, {"class_id": sid, "term_id": term, "ordinal": i})
        return self._add(
            Class,
            self._entity(sid, title=kw.pop("title", sid), course_id=course, school_id=school, **kw),
        )

    def user(
        self,
        sid: str,
        given: str,
        family: str,
        roles: list[tuple[str, str, str]],
        agents: list[str] | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        """``roles`` are ``(role_type, role, org_id)``."""
        for role_type, role, org_id in roles:
            self._add(
                UserRole,
                {
                    "user_id": sid,
                    "role_type": role_type,
                    "role": role,
                    "org_id": org_id,
                    "user_profile": kw.pop("role_profile", None),
                    "begin_date": kw.pop("role_begin", None),
                    "end_date": None,
                },
            )
        for i, agent in enumerate(agents or []):
            self._add(UserAgent, {"user_id": sid, "agent_id": agent, "ordinal": i})
        return self._add(
            User,
            self._entity(
                sid,
                given_name=given,
                family_name=family,
                enabled_user=kw.pop("enabled", True),
                **kw,
            ),
        )

    def profile(self, sid: str, user: str, **kw: Any) -> dict[str, Any]:
        return self._add(
            UserProfile,
            self._entity(
                sid,
                user_id=user,
                profile_type=kw.pop("profile_type", "lms"),
                vendor_id=kw.pop("vendor_id", "vendor-1"),
                **kw,
            ),
        )

    def enrollment(
        self, sid: str, user: str, class_: str, school: str, role: str, **kw: Any
    ) -> dict[str, Any]:
        return self._add(
            Enrollment,
            self._entity(sid, user_id=user, class_id=class_, school_id=school, role=role, **kw),
        )

    def demographics(self, user: str, **kw: Any) -> dict[str, Any]:
        return self._add(Demographics, self._entity(user, **kw))

    def flush(self, engine: Engine) -> None:
        order = [
            Org,
            AcademicSession,
            Course,
            Class,
            ClassTerm,
            User,
            UserRole,
            UserAgent,
            UserProfile,
            Enrollment,
            Demographics,
        ]
        with engine.begin() as conn:
            for model in order:
                rows = self.rows.pop(model.__tablename__, [])
                if rows:
                    # executemany needs one key set; missing optional keys become NULL
                    # (JSON columns then hold a JSON null, which readers must tolerate).
                    keys = {k for row in rows for k in row}
                    conn.execute(
                        insert(_table(model)), [{k: row.get(k) for k in keys} for row in rows]
                    )


def realistic(engine: Engine) -> Roster:
    """A district with two schools, every session type, multi-term classes, students,
    teachers, guardians with agents, admins, profiles, demographics and tombstones."""
    r = Roster()
    r.org("district-1", "Springfield District", "district", identifier="NCES-100")
    r.org("school-1", "Springfield High", parent_id="district-1", identifier="NCES-101")
    r.org("school-2", "Shelbyville Middle", parent_id="district-1", identifier="NCES-102")
    r.org("dept-1", "Science Department", "department", parent_id="school-1")
    r.org("school-old", "Closed School", status="tobedeleted", parent_id="district-1")

    y, d = "2024", date
    r.session("sy-2024", "schoolYear", d(2023, 8, 1), d(2024, 7, 1), y, title="2023-2024")
    r.session("sem-1", "semester", d(2023, 8, 1), d(2024, 1, 1), y, parent_id="sy-2024")
    r.session(
        "term-1", "term", d(2023, 8, 1), d(2023, 11, 1), y, parent_id="sem-1", org_id="school-1"
    )
    r.session("term-2", "term", d(2023, 11, 1), d(2024, 1, 1), y, parent_id="sem-1")
    r.session("gp-1", "gradingPeriod", d(2023, 8, 1), d(2023, 9, 15), y, parent_id="term-1")
    r.session("gp-2", "gradingPeriod", d(2023, 9, 15), d(2023, 11, 1), y, parent_id="term-1")
    r.session(
        "gp-3",
        "gradingPeriod",
        d(2023, 11, 1),
        d(2024, 1, 1),
        y,
        parent_id="term-2",
        status="tobedeleted",
    )

    r.course(
        "course-1",
        "Algebra I",
        "ALG1",
        org_id="district-1",
        school_year_id="sy-2024",
        grades=["09", "10"],
        subjects=["Mathematics"],
        subject_codes=["02052"],
    )
    r.course("course-2", "Biology", "BIO", org_id="school-2", extension={"credits": "1.0"})
    r.course("course-3", "Old Course", "OLD", status="tobedeleted")

    r.klass(
        "class-1",
        "course-1",
        "school-1",
        ["term-1", "term-2"],
        title="Algebra I - P1",
        class_code="ALG1-1",
        class_type="scheduled",
        location="Room 101",
        grades=["09"],
        subjects=["Mathematics"],
        subject_codes=["02052"],
        periods=["1"],
    )
    r.klass(
        "class-2",
        "course-2",
        "school-2",
        ["term-2"],
        title="Biology - P3",
        class_type="homeroom",
        periods=["3", "4"],
    )
    r.klass(
        "class-3", "course-1", "school-1", ["term-1"], title="Algebra I - P5", status="tobedeleted"
    )

    r.user(
        "teacher-1",
        "Edna",
        "Krabappel",
        [("primary", "teacher", "school-1"), ("secondary", "teacher", "school-2")],
        email="edna@example.org",
        username="ekrabappel",
        identifier="T-1",
        user_ids=[{"type": "LDAP", "identifier": "ekrab"}],
        primary_org_id="school-1",
        user_master_identifier="UMI-T1",
        pronouns="she/her",
        phone="555-0100",
    )
    r.user(
        "teacher-2",
        "Dewey",
        "Largo",
        [("primary", "teacher", "school-2")],
        email="dewey@example.org",
        enabled=False,
    )
    students = [
        ("student-1", "Bart", "Simpson", ["guardian-1"]),
        ("student-2", "Lisa", "Simpson", ["guardian-1"]),
        ("student-3", "Milhouse", "Van Houten", []),
        ("student-4", "Nelson", "Muntz", []),
    ]
    for sid, given, family, agents in students:
        r.user(
            sid,
            given,
            family,
            [("primary", "student", "school-1")],
            agents=agents,
            email=f"{given.lower()}@example.org",
            grades=["09"],
            username=given.lower(),
            user_ids=[
                {"type": "SIS", "identifier": sid.upper()},
                {"type": "LDAP", "identifier": given.lower()},
            ],
            preferred_first_name=given[:3],
            middle_name="J",
            primary_org_id="school-1",
            extension={"nickname": given[:2]},
        )
    r.user(
        "student-5",
        "Martin",
        "Prince",
        [("primary", "student", "school-2")],
        grades=["07"],
        status="tobedeleted",
    )
    r.user(
        "guardian-1",
        "Marge",
        "Simpson",
        [("primary", "guardian", "school-1")],
        agents=["student-1", "student-2"],
        email="marge@example.org",
        sms="555-0101",
    )
    r.user(
        "admin-1",
        "Seymour",
        "Skinner",
        [
            ("primary", "districtAdministrator", "district-1"),
            ("secondary", "principal", "school-1"),
        ],
        role_profile="profile-admin-1",
    )
    r.user("aide-1", "Otto", "Mann", [("primary", "aide", "school-1")], role_begin=date(2023, 8, 1))
    r.profile(
        "profile-s1",
        "student-1",
        application_id="app-1",
        description="LMS account",
        credentials=[{"type": "username", "username": "bart1"}],
    )
    r.profile("profile-admin-1", "admin-1", profile_type="sis", vendor_id="vendor-2")
    r.profile("profile-old", "student-1", status="tobedeleted")

    n = 0
    for sid, *_ in students:
        n += 1
        r.enrollment(
            f"enr-{n}",
            sid,
            "class-1",
            "school-1",
            "student",
            begin_date=date(2023, 8, 1),
            end_date=date(2024, 1, 1),
        )
    r.enrollment("enr-t1", "teacher-1", "class-1", "school-1", "teacher", primary=True)
    r.enrollment("enr-t2", "teacher-2", "class-2", "school-2", "teacher", primary=False)
    r.enrollment("enr-t3", "teacher-1", "class-2", "school-2", "teacher", primary=False)
    r.enrollment("enr-s5", "student-5", "class-2", "school-2", "student")
    r.enrollment("enr-s1b", "student-1", "class-2", "school-2", "student")
    r.enrollment("enr-old", "student-3", "class-3", "school-1", "student", status="tobedeleted")

    r.demographics(
        "student-1",
        birth_date=date(2009, 4, 1),
        sex="male",
        white=True,
        asian=False,
        hispanic_or_latino_ethnicity=False,
        country_of_birth_code="US",
        state_of_birth_abbreviation="IL",
        city_of_birth="Springfield",
        public_school_residence_status="01652",
    )
    r.demographics("student-2", birth_date=date(2011, 5, 9), sex="female", white=True)
    r.demographics("student-5", sex="male", status="tobedeleted")
    r.flush(engine)
    return r
