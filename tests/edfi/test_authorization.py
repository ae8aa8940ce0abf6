"""Authorization by education organization: clients granted ed-orgs see and write only
those (and the ones below them), related through associations as the ODS does it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import EDFI_READ, EDFI_WRITE
from interop_hub.auth.tokens import issue_token
from interop_hub.cli import main
from interop_hub.clients.provision import provision_client
from interop_hub.config import Settings, get_settings
from interop_hub.core.db import session_scope
from interop_hub.edfi import edorgs
from interop_hub.edfi.documents import DOCUMENTS
from interop_hub.edfi.seed import load_descriptors
from interop_hub.models import EdfiDocument
from tests.conftest import TEST_JWT_SECRET
from tests.edfi.conftest import DATA, SAMPLE_DESCRIPTOR_TYPES, enrollment, school, student

LEA, A, B, C = 255901, 255901001, 255901002, 255902001
AUTHZ = "urn:ed-fi:api:security:authorization"


def headers(granted: Iterable[int] | None = None, client_id: str = "c") -> dict[str, str]:
    scopes = frozenset({EDFI_READ, EDFI_WRITE})
    token = issue_token(TEST_JWT_SECRET.encode(), client_id, scopes, 600, granted)
    return {"Authorization": f"Bearer {token.token}"}


ADMIN = headers(None, "admin")
CLIENT_A = headers([A], "school-a")
CLIENT_B = headers([B], "school-b")
CLIENT_LEA = headers([LEA], "district")


def lea() -> dict[str, Any]:
    return {
        "localEducationAgencyId": LEA,
        "nameOfInstitution": "Grand Bend ISD",
        "localEducationAgencyCategoryDescriptor": "uri://ed-fi.org/"
        "LocalEducationAgencyCategoryDescriptor#Other local education agency",
        "categories": [
            {
                "educationOrganizationCategoryDescriptor": "uri://ed-fi.org/"
                "EducationOrganizationCategoryDescriptor#Local Education Agency"
            }
        ],
    }


def in_lea(school_id: int) -> dict[str, Any]:
    return school(school_id, localEducationAgencyReference={"localEducationAgencyId": LEA})


def contact(unique_id: str) -> dict[str, Any]:
    return {"contactUniqueId": unique_id, "firstName": "Pat", "lastSurname": "Woods"}


def link(contact_id: str, student_id: str) -> dict[str, Any]:
    return {
        "contactReference": {"contactUniqueId": contact_id},
        "studentReference": {"studentUniqueId": student_id},
    }


def staff_at(staff_id: str, school_id: int) -> dict[str, Any]:
    return {
        "staffReference": {"staffUniqueId": staff_id},
        "schoolReference": {"schoolId": school_id},
        "programAssignmentDescriptor": "uri://ed-fi.org/ProgramAssignmentDescriptor#"
        "Regular Education",
    }


def post(client: TestClient, resource: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(f"{DATA}/{resource}", json=body, headers=auth)


def ok(
    client: TestClient, resource: str, body: dict[str, Any], auth: dict[str, str] = ADMIN
) -> str:
    r = post(client, resource, body, auth)
    assert r.status_code in (200, 201), (resource, r.text)
    return str(r.headers["Location"].rsplit("/", 1)[-1])


@pytest.fixture
def world(client: TestClient, session_factory: sessionmaker[Session]) -> dict[str, str]:
    """An LEA with schools A and B, a school C outside it, students enrolled at A, B, both
    or nowhere, contacts and a staff member; returns the ids by name."""
    with session_scope(session_factory) as session:
        load_descriptors(
            session, SAMPLE_DESCRIPTOR_TYPES | {"ProgramAssignmentDescriptor", "RelationDescriptor"}
        )
    ids = {"lea": ok(client, "localEducationAgencies", lea())}
    for name, school_id in (("A", A), ("B", B)):
        ids[name] = ok(client, "schools", in_lea(school_id))
    ids["C"] = ok(client, "schools", school(C))
    for unique_id in ("1001", "1002", "1003", "1004"):
        ids[unique_id] = ok(client, "students", student(unique_id))
    for unique_id, school_id in (("1001", A), ("1002", B), ("1003", A), ("1003", B)):
        ids[f"ssa-{unique_id}-{school_id}"] = ok(
            client, "studentSchoolAssociations", enrollment(unique_id, school_id)
        )
    for contact_id, student_id in (("C1", "1001"), ("C2", "1002")):
        ids[contact_id] = ok(client, "contacts", contact(contact_id))
        ids[f"sca-{contact_id}"] = ok(
            client, "studentContactAssociations", link(contact_id, student_id)
        )
    ids["S1"] = ok(client, "staffs", {"staffUniqueId": "S1", "firstName": "K", "lastSurname": "L"})
    ids["ssa-S1"] = ok(client, "staffSchoolAssociations", staff_at("S1", A))
    return ids


def items(
    client: TestClient, resource: str, auth: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    r = client.get(
        f"{DATA}/{resource}", params={"limit": 500, "totalCount": "true", **params}, headers=auth
    )
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()
    assert int(r.headers["Total-Count"]) == len(found)
    return found


def values(client: TestClient, resource: str, auth: dict[str, str], *path: str) -> set[Any]:
    found = set()
    for item in items(client, resource, auth):
        value: Any = item
        for part in path:
            value = value[part]
        found.add(value)
    return found


def students_of(client: TestClient, auth: dict[str, str]) -> set[str]:
    return values(client, "students", auth, "studentUniqueId")


def document_count(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        return int(session.execute(select(func.count()).select_from(DOCUMENTS)).scalar_one())


def test_each_client_sees_only_its_education_organizations(
    client: TestClient, world: dict[str, str]
) -> None:
    assert values(client, "schools", CLIENT_A, "schoolId") == {A}
    assert values(client, "schools", CLIENT_B, "schoolId") == {B}
    assert values(client, "schools", CLIENT_LEA, "schoolId") == {A, B}
    assert values(client, "schools", ADMIN, "schoolId") == {A, B, C}
    assert values(client, "localEducationAgencies", CLIENT_LEA, "localEducationAgencyId") == {LEA}
    assert items(client, "localEducationAgencies", CLIENT_A) == []

    # students through their school associations; one enrolled at both is seen by both
    assert students_of(client, CLIENT_A) == {"1001", "1003"}
    assert students_of(client, CLIENT_B) == {"1002", "1003"}
    assert students_of(client, CLIENT_LEA) == {"1001", "1002", "1003"}
    assert students_of(client, ADMIN) == {"1001", "1002", "1003", "1004"}
    ssa = ("studentReference", "studentUniqueId")
    assert values(client, "studentSchoolAssociations", CLIENT_A, *ssa) == {"1001", "1003"}
    assert values(client, "studentSchoolAssociations", CLIENT_B, "schoolReference", "schoolId") == {
        B
    }

    # contacts through their students; staff through their school association
    assert values(client, "contacts", CLIENT_A, "contactUniqueId") == {"C1"}
    assert values(client, "contacts", CLIENT_B, "contactUniqueId") == {"C2"}
    assert values(client, "studentContactAssociations", CLIENT_B, *ssa) == {"1002"}
    assert values(client, "staffs", CLIENT_A, "staffUniqueId") == {"S1"}
    assert items(client, "staffs", CLIENT_B) == []
    assert items(client, "staffSchoolAssociations", CLIENT_B) == []

    # filters combine with the restriction; limit=0 counts only what the client may see
    assert items(client, "students", CLIENT_A, studentUniqueId="1002") == []
    r = client.get(f"{DATA}/students", params={"limit": 0, "totalCount": "true"}, headers=CLIENT_B)
    assert r.json() == []
    assert r.headers["Total-Count"] == "2"

    # descriptors and school years are for everyone
    everyone = items(client, "gradeLevelDescriptors", ADMIN)
    assert everyone
    assert items(client, "gradeLevelDescriptors", CLIENT_A) == everyone
    assert items(client, "educationOrganizationCategoryDescriptors", CLIENT_B)


def test_get_by_id_outside_the_grant_is_403(client: TestClient, world: dict[str, str]) -> None:
    r = client.get(f"{DATA}/students/{world['1002']}", headers=CLIENT_A)
    assert r.status_code == 403
    problem = r.json()
    assert problem["type"] == AUTHZ
    assert problem["status"] == 403
    assert "create a corresponding 'StudentSchoolAssociation' item" in problem["detail"]
    r = client.get(f"{DATA}/schools/{world['B']}", headers=CLIENT_A)
    assert r.status_code == 403
    assert r.json()["type"] == AUTHZ
    r = client.get(f"{DATA}/contacts/{world['C2']}", headers=CLIENT_A)
    assert "'StudentContactAssociation'" in r.json()["detail"]
    r = client.get(f"{DATA}/staffs/{world['S1']}", headers=CLIENT_B)
    assert "'StaffEducationOrganizationAssignmentAssociation'" in r.json()["detail"]
    for name in ("1003", "1001", "A", "C1", "ssa-1003-255901001"):
        resource = {
            "1003": "students",
            "1001": "students",
            "A": "schools",
            "C1": "contacts",
            "ssa-1003-255901001": "studentSchoolAssociations",
        }[name]
        assert client.get(f"{DATA}/{resource}/{world[name]}", headers=CLIENT_A).status_code == 200
    # an unknown id stays 404; descriptors are readable by id
    assert client.get(f"{DATA}/students/{'0' * 32}", headers=CLIENT_A).status_code == 404
    grade = items(client, "gradeLevelDescriptors", CLIENT_A)[0]["id"]
    assert client.get(f"{DATA}/gradeLevelDescriptors/{grade}", headers=CLIENT_B).status_code == 200
    # the LEA's client reaches both schools' records
    r = client.get(f"{DATA}/students/{world['1002']}", headers=CLIENT_LEA)
    assert r.status_code == 200


def test_writes_outside_the_grant_are_403_and_store_nothing(
    client: TestClient, world: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    before = document_count(session_factory)
    denied = [
        post(client, "studentSchoolAssociations", enrollment("1001", B), CLIENT_A),
        post(client, "schools", in_lea(B) | {"nameOfInstitution": "Renamed"}, CLIENT_A),
        post(client, "schools", in_lea(255901009), CLIENT_A),  # a new school of the LEA
        post(client, "students", student("1002", firstName="Changed"), CLIENT_A),
        post(client, "studentContactAssociations", link("C1", "1002"), CLIENT_A),
        post(client, "staffSchoolAssociations", staff_at("S1", A), CLIENT_B),
        client.put(
            f"{DATA}/students/{world['1002']}",
            json=student("1002", firstName="Changed"),
            headers=CLIENT_A,
        ),
        client.delete(
            f"{DATA}/studentSchoolAssociations/{world['ssa-1002-255901002']}", headers=CLIENT_A
        ),
        client.delete(f"{DATA}/students/{world['1004']}", headers=CLIENT_A),
    ]
    for r in denied:
        assert r.status_code == 403, r.text
        assert r.json()["type"] == AUTHZ
    assert document_count(session_factory) == before
    assert client.get(f"{DATA}/students/{world['1002']}", headers=ADMIN).json()["firstName"] == (
        "Lisa"
    )

    # a school's client may move its own student data and write within its school
    r = post(client, "students", student("1001", firstName="Lise"), CLIENT_A)
    assert r.status_code == 200, r.text
    ok(client, "studentSchoolAssociations", enrollment("1003", A, "2024-09-01"), CLIENT_A)

    # a new student can be POSTed, but is only readable once enrolled at one of the schools
    new = ok(client, "students", student("1005"), CLIENT_A)
    assert client.get(f"{DATA}/students/{new}", headers=CLIENT_A).status_code == 403
    assert "1005" not in students_of(client, CLIENT_A)
    assert post(client, "students", student("1005", firstName="X"), CLIENT_A).status_code == 403
    ok(client, "studentSchoolAssociations", enrollment("1005", A), CLIENT_A)
    assert client.get(f"{DATA}/students/{new}", headers=CLIENT_A).status_code == 200
    assert "1005" in students_of(client, CLIENT_A)
    assert "1005" not in students_of(client, CLIENT_B)

    # the LEA's client adds a school under the LEA, then sees it
    ok(client, "schools", in_lea(255901003), CLIENT_LEA)
    assert 255901003 in values(client, "schools", CLIENT_LEA, "schoolId")
    assert 255901003 not in values(client, "schools", CLIENT_A, "schoolId")


def test_relationships_follow_association_changes(
    client: TestClient, world: dict[str, str]
) -> None:
    start = client.get("/edfi/changeQueries/v1/availableChangeVersions", headers=ADMIN).json()
    since = {"minChangeVersion": start["newestChangeVersion"] + 1}
    # 1001 enrolls at B as well: B now sees the student and, through them, contact C1
    ok(client, "studentSchoolAssociations", enrollment("1001", B))
    assert "1001" in students_of(client, CLIENT_B)
    assert values(client, "contacts", CLIENT_B, "contactUniqueId") == {"C1", "C2"}
    # 1003 leaves B: B no longer sees them
    r = client.delete(
        f"{DATA}/studentSchoolAssociations/{world['ssa-1003-255901002']}", headers=CLIENT_B
    )
    assert r.status_code == 204, r.text
    assert "1003" not in students_of(client, CLIENT_B)
    assert "1003" in students_of(client, CLIENT_A)
    # /deletes shows the deletion to B and the LEA, not to A
    for auth, expected in ((CLIENT_B, 1), (CLIENT_LEA, 1), (CLIENT_A, 0), (ADMIN, 1)):
        r = client.get(
            f"{DATA}/studentSchoolAssociations/deletes",
            params={**since, "totalCount": "true"},
            headers=auth,
        )
        assert r.status_code == 200
        assert len(r.json()) == expected
        assert r.headers["Total-Count"] == str(expected)
    # a contact association removed: the contact leaves with it
    r = client.delete(f"{DATA}/studentContactAssociations/{world['sca-C2']}", headers=CLIENT_B)
    assert r.status_code == 204
    assert values(client, "contacts", CLIENT_B, "contactUniqueId") == {"C1"}
    r = client.get(f"{DATA}/studentContactAssociations/deletes", params=since, headers=CLIENT_A)
    assert r.json() == []
    # the staff member starts working at B too: B's client records it and then sees them
    ok(client, "staffSchoolAssociations", staff_at("S1", B), CLIENT_B)
    assert values(client, "staffs", CLIENT_B, "staffUniqueId") == {"S1"}


def test_key_change_moves_the_relationship(client: TestClient, world: dict[str, str]) -> None:
    # an SSA's school changes from A to B (PUT natural-key change, allowed for SSAs)
    body = enrollment("1001", B)
    r = client.put(
        f"{DATA}/studentSchoolAssociations/{world['ssa-1001-255901001']}", json=body, headers=ADMIN
    )
    assert r.status_code == 204, r.text
    assert "1001" not in students_of(client, CLIENT_A)
    assert "1001" in students_of(client, CLIENT_B)
    # a school client cannot move another school's enrollment into its own school
    r = client.put(
        f"{DATA}/studentSchoolAssociations/{world['ssa-1002-255901002']}",
        json=enrollment("1002", A),
        headers=CLIENT_A,
    )
    assert r.status_code == 403
    r = client.get(f"{DATA}/studentSchoolAssociations/keyChanges", headers=CLIENT_B)
    assert [i["id"] for i in r.json()] == [world["ssa-1001-255901001"]]
    assert client.get(f"{DATA}/studentSchoolAssociations/keyChanges", headers=CLIENT_A).json() == []


def _index(session_factory: sessionmaker[Session]) -> dict[str, set[int]]:
    with session_factory() as session:
        stmt = select(EdfiDocument.id, edorgs.DOCUMENTS_EDORG_ID).join(
            edorgs.DOCUMENT_EDORGS, edorgs.DOCUMENT_EDORGS.c.document_seq == EdfiDocument.seq
        )
        found: dict[str, set[int]] = {}
        for document_id, edorg in session.execute(stmt):
            found.setdefault(document_id, set()).add(int(edorg))
        return found


def test_reindex_reproduces_the_maintained_index(
    client: TestClient,
    world: dict[str, str],
    session_factory: sessionmaker[Session],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTEROP_HUB_DATABASE_URL", settings.resolved_database_url())
    ok(client, "studentSchoolAssociations", enrollment("1001", B))
    client.delete(f"{DATA}/studentSchoolAssociations/{world['ssa-1003-255901002']}", headers=ADMIN)
    maintained = _index(session_factory)
    assert maintained[world["1003"]] == {A}
    assert maintained[world["C1"]] == {A, B}
    assert maintained[world["sca-C1"]] == {A, B}
    assert world["1004"] not in maintained
    assert world["lea"] in maintained
    with session_scope(session_factory) as session:
        session.execute(delete(edorgs.DOCUMENT_EDORGS))
    assert _index(session_factory) == {}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["edfi", "reindex"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert f"Indexed {sum(map(len, maintained.values()))} " in result.output
    assert _index(session_factory) == maintained


@pytest.fixture
def https(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def test_the_token_carries_the_clients_grant(
    https: TestClient, world: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    del world
    creds = provision_client(
        "School B SIS", ["edfi.read", "edfi.write"], edorgs=[B], session_factory=session_factory
    )
    assert creds.education_organization_ids == [B]
    r = https.post(
        "/edfi/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(creds.client_id, creds.client_secret),
    )
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert values(https, "schools", auth, "schoolId") == {B}
    assert students_of(https, auth) == {"1002", "1003"}
    # a client without a grant stays unrestricted
    open_creds = provision_client("Statewide", ["edfi.read"], session_factory=session_factory)
    r = https.post(
        "/edfi/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(open_creds.client_id, open_creds.client_secret),
    )
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert values(https, "schools", auth, "schoolId") == {A, B, C}


def test_reads_outside_the_grant_are_not_disclosed(
    client: TestClient, world: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    from interop_hub.models import Disclosure

    del world
    items(client, "students", CLIENT_B)
    with session_factory() as session:
        rows = session.execute(
            select(Disclosure.person_ids, Disclosure.record_count).where(
                Disclosure.client_id == "school-b", Disclosure.entity_type == "students"
            )
        ).all()
    assert rows
    assert all(count == 2 for _, count in rows)
    assert all(set(p or ()) == {"student:1002", "student:1003"} for p, _ in rows)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    import orjson

    from interop_hub.generator import generate_district
    from interop_hub.generator.edfi import EDFI_RESOURCES, write_edfi_dataset

    root = tmp_path_factory.mktemp("edfi-authz")
    generate_district(root / "or", 40, seed=5)
    write_edfi_dataset(root / "or", root / "edfi")
    return {
        r: [orjson.loads(x) for x in (root / "edfi" / f"{r}.jsonl").read_text().splitlines()]
        for r in EDFI_RESOURCES
        if (root / "edfi" / f"{r}.jsonl").exists()
    }


def test_a_generated_district_is_partitioned_by_school(
    client: TestClient,
    session_factory: sessionmaker[Session],
    district: dict[str, list[dict[str, Any]]],
) -> None:
    from interop_hub.edfi.seed import load_school_years
    from interop_hub.generator.edfi import EDFI_RESOURCES

    with session_scope(session_factory) as session:
        load_descriptors(session)
        load_school_years(session)
    for resource in EDFI_RESOURCES:
        if resource != "schoolYearTypes":
            for doc in district.get(resource, []):
                ok(client, resource, doc)
    schools = sorted(s["schoolId"] for s in district["schools"])
    leas = sorted(x["localEducationAgencyId"] for x in district["localEducationAgencies"])
    assert len(schools) >= 2
    assert leas
    first = headers([schools[0]], "first-school")
    sections = {s["sectionIdentifier"] for s in district["sections"]}
    mine = {
        s["sectionIdentifier"]
        for s in district["sections"]
        if s["courseOfferingReference"]["schoolId"] == schools[0]
    }
    assert mine
    assert mine != sections
    assert values(client, "sections", first, "sectionIdentifier") == mine
    enrolled = {
        a["studentReference"]["studentUniqueId"]
        for a in district["studentSchoolAssociations"]
        if a["schoolReference"]["schoolId"] == schools[0]
    }
    assert students_of(client, first) == enrolled
    roster = items(client, "studentSectionAssociations", first)
    assert roster
    assert all(r["sectionReference"]["schoolId"] == schools[0] for r in roster)
    assert {r["studentReference"]["studentUniqueId"] for r in roster} <= enrolled
    # the district's client sees everything its schools hold
    whole = headers(leas, "district")
    assert values(client, "sections", whole, "sectionIdentifier") == sections
    assert len(items(client, "studentSectionAssociations", whole)) == len(
        district["studentSectionAssociations"]
    )
    # incremental maintenance and a rebuild from scratch agree
    maintained = _index(session_factory)
    with session_scope(session_factory) as session:
        edorgs.rebuild(session)
    assert _index(session_factory) == maintained
