"""The generic resource API: upsert, read, replace, delete and their error answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import EDFI_READ, ROSTER_READONLY
from interop_hub.edfi.specdocs import RESOURCES_SPEC, spec_document
from interop_hub.models import Disclosure, EdfiDocument
from tests.edfi.conftest import DATA, GRADE, enrollment, school, student

pytestmark = pytest.mark.usefixtures("descriptors")


@cache
def _validator(schema_name: str) -> jsonschema.Draft4Validator:
    """A validator for one schema of the official DS 5.0 OpenAPI document."""
    document = spec_document(RESOURCES_SPEC)
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    return jsonschema.Draft4Validator(root)


def conforms(schema_name: str, item: dict[str, Any]) -> None:
    _validator(schema_name).validate(item)


def _post(edfi: TestClient, resource: str, body: dict[str, Any]) -> str:
    r = edfi.post(f"{DATA}/{resource}", json=body)
    assert r.status_code in (200, 201), r.text
    return r.headers["location"].rsplit("/", 1)[-1]


def _count(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        return int(session.execute(select(func.count()).select_from(EdfiDocument)).scalar_one())


def test_round_trip_school_student_enrollment(edfi: TestClient) -> None:
    sent = school(addresses=[])
    r = edfi.post(f"{DATA}/schools", json=sent)
    assert r.status_code == 201, r.text
    assert r.content == b""
    location = r.headers["location"]
    assert location.startswith("http://testserver/edfi/data/v3/ed-fi/schools/")
    school_id = location.rsplit("/", 1)[-1]
    assert len(school_id) == 32
    etag = r.headers["etag"]

    got = edfi.get(f"{DATA}/schools/{school_id}")
    assert got.status_code == 200
    assert got.headers["etag"] == etag
    item = got.json()
    assert item["id"] == school_id
    assert item["_etag"] == etag.strip('"')
    assert item["_lastModifiedDate"].endswith("Z")
    assert {k: v for k, v in item.items() if not k.startswith("_") and k != "id"} == sent
    conforms("edFi_school", item)

    _post(edfi, "students", student())
    ssa = enrollment(exitWithdrawDate="2025-06-01", primarySchool=True)
    ssa_id = _post(edfi, "studentSchoolAssociations", ssa)
    listed = edfi.get(f"{DATA}/studentSchoolAssociations", params={"schoolId": 255901001})
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["id"] == ssa_id
    assert {k: v for k, v in row.items() if k not in ("id", "_etag", "_lastModifiedDate")} == ssa
    conforms("edFi_studentSchoolAssociation", row)
    for other in edfi.get(f"{DATA}/students").json():
        conforms("edFi_student", other)


def test_post_upserts_by_natural_key(edfi: TestClient) -> None:
    first = edfi.post(f"{DATA}/schools", json=school())
    assert first.status_code == 201
    same = edfi.post(f"{DATA}/schools", json=school())
    assert same.status_code == 200
    assert same.headers["location"] == first.headers["location"]
    assert same.headers["etag"] == first.headers["etag"]  # nothing changed
    renamed = edfi.post(f"{DATA}/schools", json=school(nameOfInstitution="Renamed"))
    assert renamed.status_code == 200
    assert renamed.headers["etag"] != first.headers["etag"]
    items = edfi.get(f"{DATA}/schools").json()
    assert [i["nameOfInstitution"] for i in items] == ["Renamed"]


def test_unknown_properties_and_links_are_ignored(edfi: TestClient) -> None:
    body = school(somethingElse=1)
    ssa = enrollment()
    ssa["schoolReference"]["link"] = {"rel": "School", "href": "/ed-fi/schools/x"}
    _post(edfi, "schools", body)
    _post(edfi, "students", student())
    _post(edfi, "studentSchoolAssociations", ssa)
    [item] = edfi.get(f"{DATA}/schools").json()
    assert "somethingElse" not in item
    [row] = edfi.get(f"{DATA}/studentSchoolAssociations").json()
    assert row["schoolReference"] == {"schoolId": 255901001}


def test_put_replaces_and_checks_if_match(edfi: TestClient) -> None:
    school_id = _post(edfi, "schools", school())
    etag = edfi.get(f"{DATA}/schools/{school_id}").headers["etag"]
    stale = edfi.put(
        f"{DATA}/schools/{school_id}",
        json=school(nameOfInstitution="B"),
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:ed-fi:api:optimistic-lock-failed"
    ok = edfi.put(
        f"{DATA}/schools/{school_id}",
        json={**school(nameOfInstitution="B"), "id": school_id},
        headers={"If-Match": etag},
    )
    assert ok.status_code == 204, ok.text
    assert ok.headers["etag"] != etag
    assert edfi.get(f"{DATA}/schools/{school_id}").json()["nameOfInstitution"] == "B"
    missing = edfi.put(f"{DATA}/schools/{'0' * 32}", json=school())
    assert missing.status_code == 404
    assert missing.json()["type"] == "urn:ed-fi:api:not-found"
    assert edfi.delete(f"{DATA}/schools/{school_id}", headers={"If-Match": etag}).status_code == 412


def test_put_key_change_rules(edfi: TestClient) -> None:
    school_id = _post(edfi, "schools", school())
    changed = edfi.put(f"{DATA}/schools/{school_id}", json=school(255901002))
    assert changed.status_code == 400
    assert changed.json()["type"].endswith(":key-change-not-supported")
    _post(edfi, "students", student())
    ssa_id = _post(edfi, "studentSchoolAssociations", enrollment())
    moved = edfi.put(
        f"{DATA}/studentSchoolAssociations/{ssa_id}", json=enrollment(entry="2024-09-01")
    )
    assert moved.status_code == 204, moved.text
    changes = edfi.get(f"{DATA}/studentSchoolAssociations/keyChanges").json()
    assert changes == [
        {
            "id": ssa_id,
            "changeVersion": changes[0]["changeVersion"],
            "oldKeyValues": {
                "entryDate": "2024-08-20",
                "schoolId": 255901001,
                "studentUniqueId": "604822",
            },
            "newKeyValues": {
                "entryDate": "2024-09-01",
                "schoolId": 255901001,
                "studentUniqueId": "604822",
            },
        }
    ]


def test_unresolved_reference_is_409_and_nothing_is_stored(
    edfi: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _post(edfi, "schools", school())
    before = _count(session_factory)
    r = edfi.post(f"{DATA}/studentSchoolAssociations", json=enrollment())
    assert r.status_code == 409
    body = r.json()
    assert body["type"] == "urn:ed-fi:api:conflict:unresolved-reference"
    assert body["status"] == 409
    assert "Student" in body["detail"]
    assert body["correlationId"]
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _count(session_factory) == before


def test_delete_and_delete_while_referenced(edfi: TestClient) -> None:
    school_id = _post(edfi, "schools", school())
    student_id = _post(edfi, "students", student())
    ssa_id = _post(edfi, "studentSchoolAssociations", enrollment())
    blocked = edfi.delete(f"{DATA}/schools/{school_id}")
    assert blocked.status_code == 409
    assert blocked.json()["type"] == "urn:ed-fi:api:conflict:dependent-item-exists"
    assert edfi.delete(f"{DATA}/studentSchoolAssociations/{ssa_id}").status_code == 204
    assert edfi.get(f"{DATA}/studentSchoolAssociations/{ssa_id}").status_code == 404
    assert edfi.delete(f"{DATA}/students/{student_id}").status_code == 204
    assert edfi.delete(f"{DATA}/schools/{school_id}").status_code == 204
    assert edfi.delete(f"{DATA}/schools/{school_id}").status_code == 404


def test_descriptor_in_use_cannot_be_deleted(edfi: TestClient) -> None:
    _post(edfi, "schools", school())
    [ninth] = edfi.get(f"{DATA}/gradeLevelDescriptors", params={"codeValue": "Ninth grade"}).json()
    assert ninth["namespace"] == "uri://ed-fi.org/GradeLevelDescriptor"
    r = edfi.delete(f"{DATA}/gradeLevelDescriptors/{ninth['id']}")
    assert r.status_code == 409


@pytest.mark.parametrize(
    ("body", "path", "fragment"),
    [
        (school(schoolId="x"), "$.schoolId", "integer"),
        (
            {k: v for k, v in school().items() if k != "nameOfInstitution"},
            "$.nameOfInstitution",
            "required",
        ),
        (school(gradeLevels=[{}]), "$.gradeLevels[0].gradeLevelDescriptor", "required"),
        (
            school(
                gradeLevels=[{"gradeLevelDescriptor": "uri://ed-fi.org/GradeLevelDescriptor#Nope"}]
            ),
            "$.gradeLevels[0].gradeLevelDescriptor",
            "does not exist",
        ),
        (
            school(gradeLevels=[{"gradeLevelDescriptor": "Ninth grade"}]),
            "$.gradeLevels[0].gradeLevelDescriptor",
            "namespace#codeValue",
        ),
        (school(id="abc"), "$.id", "cannot be assigned"),
    ],
)
def test_validation_errors_name_the_field(
    edfi: TestClient,
    session_factory: sessionmaker[Session],
    body: dict[str, Any],
    path: str,
    fragment: str,
) -> None:
    before = _count(session_factory)
    r = edfi.post(f"{DATA}/schools", json=body)
    assert r.status_code == 400, r.text
    problem = r.json()
    assert problem["type"] == "urn:ed-fi:api:bad-request:data-validation-failed"
    assert fragment in " ".join(problem["validationErrors"][path])
    assert _count(session_factory) == before


def test_wrong_date_format_and_key_unification(edfi: TestClient) -> None:
    r = edfi.post(f"{DATA}/students", json=student(birthDate="14/05/2010"))
    assert r.status_code == 400
    assert "$.birthDate" in r.json()["validationErrors"]
    _post(edfi, "schools", school())
    _post(edfi, "students", student())
    r = edfi.post(
        f"{DATA}/studentSchoolAssociations",
        json=enrollment(calendarReference={"calendarCode": "C", "schoolId": 1, "schoolYear": 2025}),
    )
    assert r.status_code == 400
    assert "$.calendarReference.schoolId" in r.json()["validationErrors"]


def test_malformed_oversize_and_non_json_bodies(edfi: TestClient, app: Any) -> None:
    r = edfi.post(
        f"{DATA}/schools", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["type"] == "urn:ed-fi:api:bad-request"
    r = edfi.post(f"{DATA}/schools", content=b"[]", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    app.state.settings.edfi_max_body_bytes = 2048
    big = school(nameOfInstitution="x" * 4000)
    r = edfi.post(f"{DATA}/schools", json=big)
    assert r.status_code == 413
    assert r.json()["status"] == 413
    r = edfi.post(f"{DATA}/schools", content=b"schoolId=1", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_paging_filters_and_total_count(edfi: TestClient) -> None:
    for n in range(7):
        _post(edfi, "students", student(f"S{n}", firstName="Ann" if n % 2 else "Bob"))
    r = edfi.get(f"{DATA}/students", params={"limit": 3, "offset": 2, "totalCount": "true"})
    assert r.status_code == 200
    assert r.headers["total-count"] == "7"
    assert [s["studentUniqueId"] for s in r.json()] == ["S2", "S3", "S4"]
    assert "total-count" not in edfi.get(f"{DATA}/students").headers
    anns = edfi.get(f"{DATA}/students", params={"firstName": "Ann", "totalCount": "true"})
    assert anns.headers["total-count"] == "3"
    only = edfi.get(f"{DATA}/students", params={"studentUniqueId": "S4"}).json()
    assert [s["studentUniqueId"] for s in only] == ["S4"]
    counted = edfi.get(f"{DATA}/students", params={"limit": 0, "totalCount": "true"})
    assert counted.json() == []
    assert counted.headers["total-count"] == "7"
    too_many = edfi.get(f"{DATA}/students", params={"limit": 501})
    assert too_many.status_code == 400
    assert too_many.json()["type"] == "urn:ed-fi:api:bad-request:parameter-validation-failed"
    assert edfi.get(f"{DATA}/students", params={"limit": 500}).status_code == 200
    assert edfi.get(f"{DATA}/schools", params={"schoolId": "abc"}).status_code == 400


def test_if_none_match_gives_304(edfi: TestClient) -> None:
    school_id = _post(edfi, "schools", school())
    etag = edfi.get(f"{DATA}/schools/{school_id}").headers["etag"]
    r = edfi.get(f"{DATA}/schools/{school_id}", headers={"If-None-Match": etag})
    assert r.status_code == 304


def test_descriptors_can_be_posted(edfi: TestClient) -> None:
    local = {
        "codeValue": "Tenth grade plus",
        "namespace": "uri://district.example/GradeLevelDescriptor",
        "shortDescription": "Tenth+",
    }
    descriptor_id = _post(edfi, "gradeLevelDescriptors", local)
    got = edfi.get(f"{DATA}/gradeLevelDescriptors/{descriptor_id}").json()
    assert {k: got[k] for k in local} == local
    _post(
        edfi,
        "schools",
        school(
            gradeLevels=[{"gradeLevelDescriptor": f"{local['namespace']}#{local['codeValue']}"}]
        ),
    )


def test_methods_and_unknown_resources(edfi: TestClient) -> None:
    r = edfi.get(f"{DATA}/unicorns")
    assert r.status_code == 404
    assert r.json()["type"] == "urn:ed-fi:api:not-found"
    assert edfi.get("/edfi/data/v3/tpdm/schools").status_code == 404
    school_id = _post(edfi, "schools", school())
    assert edfi.post(f"{DATA}/schools/{school_id}", json=school()).status_code == 405
    assert edfi.put(f"{DATA}/schools", json=school()).status_code == 405
    assert edfi.patch(f"{DATA}/schools/{school_id}", json={}).status_code == 405


def test_scopes_are_enforced(client: TestClient, bearer: Callable[..., dict[str, str]]) -> None:
    r = client.get(f"{DATA}/schools")
    assert r.status_code == 401
    assert r.json()["type"] == "urn:ed-fi:api:security:authentication"
    r = client.get(f"{DATA}/schools", headers=bearer(ROSTER_READONLY))
    assert r.status_code == 403
    assert r.json()["type"] == "urn:ed-fi:api:security:authorization"
    reader = bearer(EDFI_READ)
    assert client.get(f"{DATA}/schools", headers=reader).status_code == 200
    assert client.post(f"{DATA}/schools", json=school(), headers=reader).status_code == 403


def test_reads_are_disclosed(edfi: TestClient, session_factory: sessionmaker[Session]) -> None:
    _post(edfi, "students", student())
    edfi.get(f"{DATA}/students")
    with session_factory() as session:
        row = session.execute(select(Disclosure)).scalars().one()
    assert row.entity_type == "students"
    assert row.endpoint == "/edfi/data/v3/ed-fi/students"
    assert row.person_ids == ["student:604822"]
    assert row.client_id == "test-client"
    assert row.record_count == 1
    assert GRADE  # the sample descriptors are loaded
