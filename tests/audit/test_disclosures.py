"""Every OneRoster response is recorded in the disclosure log, committed with the request."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.audit.queries import disclosures_of_person
from interop_hub.models import Disclosure
from tests.oneroster.conftest import Get
from tests.oneroster.factory import Roster


def _log(session_factory: sessionmaker[Session]) -> list[Disclosure]:
    with session_factory() as session:
        return list(session.scalars(select(Disclosure).order_by(Disclosure.id)))


def test_user_read_records_client_query_persons_and_fields(
    roster: Roster, get: Get, session_factory: sessionmaker[Session]
) -> None:
    response = get("/students", filter="familyName='Simpson'", fields="sourcedId,email")
    assert response.status_code == 200
    (entry,) = _log(session_factory)
    assert entry.client_id == "test-client"
    assert entry.endpoint == "/ims/oneroster/rostering/v1p2/students"
    assert entry.query is not None
    assert "familyName" in entry.query
    assert entry.entity_type == "user"
    assert entry.record_count == 2
    assert entry.person_ids == ["student-1", "student-2"]
    assert entry.fields == ["sourcedId", "email"]
    assert entry.at is not None


def test_enrollments_disclose_the_enrolled_users(
    roster: Roster, get: Get, session_factory: sessionmaker[Session]
) -> None:
    get("/classes/class-2/teachers")
    get("/schools/school-2/classes/class-2/enrollments")
    teachers, enrollments = _log(session_factory)
    assert teachers.person_ids == ["teacher-1", "teacher-2"]
    assert enrollments.entity_type == "enrollment"
    assert sorted(enrollments.person_ids or []) == [
        "student-1",
        "student-5",
        "teacher-1",
        "teacher-2",
    ]


def test_non_person_reads_are_logged_without_persons(
    roster: Roster, get: Get, session_factory: sessionmaker[Session]
) -> None:
    get("/orgs/school-1")
    get("/demographics/student-2")
    org, demographics = _log(session_factory)
    assert org.entity_type == "org"
    assert org.record_count == 1
    assert org.person_ids is None
    assert demographics.person_ids == ["student-2"]
    assert "birthDate" in (demographics.fields or [])


def test_failed_requests_disclose_nothing(
    roster: Roster, get: Get, session_factory: sessionmaker[Session]
) -> None:
    assert get("/users", filter="nope='x'").status_code == 400
    assert get("/users/nope").status_code == 404
    assert _log(session_factory) == []


def test_auditor_can_list_the_disclosures_of_a_person(
    roster: Roster, get: Get, session_factory: sessionmaker[Session]
) -> None:
    get("/users/student-1")
    get("/users/student-2")
    get("/enrollments", filter="user.sourcedId='student-1'")
    with session_factory() as session:
        found = disclosures_of_person(session, "student-1")
    assert [row[3] for row in found] == [
        "/ims/oneroster/rostering/v1p2/enrollments",
        "/ims/oneroster/rostering/v1p2/users/student-1",
    ]
