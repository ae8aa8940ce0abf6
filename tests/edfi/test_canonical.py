"""Core resources written through Ed-Fi are served by OneRoster from the canonical store,
with the Ed-Fi → OneRoster mapping's ids; updates and deletes follow."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import (
    EDFI_READ,
    EDFI_WRITE,
    ROSTER_DEMOGRAPHICS_READONLY,
    ROSTER_READONLY,
)
from interop_hub.core.db import session_scope
from interop_hub.edfi.load_order import dependency_orders
from interop_hub.edfi.registry import get_registry
from interop_hub.edfi.seed import load_descriptors, load_school_years
from interop_hub.generator import generate_district
from interop_hub.generator.edfi import EDFI_RESOURCES, write_edfi_dataset
from tests.edfi.conftest import DATA

OR = "/ims/oneroster/rostering/v1p2"


def md5(*parts: object) -> str:
    return hashlib.md5("-".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("edfi-canonical")
    generate_district(root / "or", 60, seed=3)
    write_edfi_dataset(root / "or", root / "edfi")
    return {
        r: [orjson.loads(x) for x in (root / "edfi" / f"{r}.jsonl").read_text().splitlines()]
        for r in EDFI_RESOURCES
        if (root / "edfi" / f"{r}.jsonl").exists()
    }


@pytest.fixture
def loaded(
    client: TestClient,
    bearer: Callable[..., dict[str, str]],
    session_factory: sessionmaker[Session],
    dataset: dict[str, list[dict[str, Any]]],
) -> dict[str, dict[str, str]]:
    """The dataset POSTed through the Ed-Fi API in dependency order; returns the headers."""
    with session_scope(session_factory) as session:
        load_descriptors(session)
        load_school_years(session)
    edfi = bearer(EDFI_READ, EDFI_WRITE)
    # In the API's own dependency order, as lightbeam sends: ed-org and contact
    # associations come before school associations.
    order = dependency_orders(get_registry())
    for resource in sorted(EDFI_RESOURCES, key=lambda r: order[r]):
        if resource == "schoolYearTypes":
            continue  # preloaded
        for doc in dataset.get(resource, []):
            r = client.post(f"{DATA}/{resource}", json=doc, headers=edfi)
            assert r.status_code in (200, 201), (resource, r.text)
    return {"edfi": edfi, "or": bearer(ROSTER_READONLY, ROSTER_DEMOGRAPHICS_READONLY)}


def _all(client: TestClient, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    r = client.get(f"{OR}{path}", params={"limit": 10000}, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    return next(iter(body.values()))  # type: ignore[no-any-return]


def test_oneroster_serves_what_edfi_wrote_and_follows_changes(
    client: TestClient,
    loaded: dict[str, dict[str, str]],
    dataset: dict[str, list[dict[str, Any]]],
) -> None:
    h = loaded["or"]
    schools = {o["sourcedId"] for o in _all(client, "/schools", h)}
    assert schools == {md5(s["schoolId"]) for s in dataset["schools"]}

    students = {u["sourcedId"]: u for u in _all(client, "/students", h)}
    ssa = {
        d["studentReference"]["studentUniqueId"]: d for d in dataset["studentSchoolAssociations"]
    }
    assert set(students) == {
        md5(f"STU-{uid}", a["schoolReference"]["schoolId"]) for uid, a in ssa.items()
    }
    one = dataset["students"][0]
    uid = one["studentUniqueId"]
    user = students[md5(f"STU-{uid}", ssa[uid]["schoolReference"]["schoolId"])]
    assert (user["givenName"], user["familyName"]) == (one["firstName"], one["lastSurname"])
    assert user["roles"][0]["org"]["sourcedId"] == md5(ssa[uid]["schoolReference"]["schoolId"])
    assert {"type": "studentUniqueId", "identifier": uid} in user["userIds"]

    classes = {c["sourcedId"] for c in _all(client, "/classes", h)}
    expected = {
        md5(
            s["courseOfferingReference"]["localCourseCode"].lower(),
            s["courseOfferingReference"]["schoolId"],
            s["courseOfferingReference"]["schoolYear"],
            s["sectionIdentifier"].lower(),
            s["courseOfferingReference"]["sessionName"].lower(),
        )
        for s in dataset["sections"]
    }
    assert classes == expected

    enrollments = _all(client, "/enrollments", h)
    assert len(enrollments) == len(dataset["studentSectionAssociations"]) + len(
        dataset["staffSectionAssociations"]
    )
    assert {e["class"]["sourcedId"] for e in enrollments} <= classes
    teachers = [e for e in enrollments if e["role"] == "teacher"]
    assert teachers
    teacher_ids = {u["sourcedId"] for u in _all(client, "/teachers", h)}
    assert {e["user"]["sourcedId"] for e in teachers} <= teacher_ids

    demographics = {d["sourcedId"]: d for d in _all(client, "/demographics", h)}
    assert set(demographics) == set(students)
    assert demographics[user["sourcedId"]]["birthDate"] == one["birthDate"]
    seoa = next(
        a
        for a in dataset["studentEducationOrganizationAssociations"]
        if a["studentReference"]["studentUniqueId"] == uid
    )
    sexes = {"Female": "female", "Male": "male", "Non-binary": "other"}
    expected_sex = sexes.get(seoa.get("sexDescriptor", "#").split("#")[1])
    assert demographics[user["sourcedId"]].get("sex") == expected_sex

    users = _all(client, "/users", h)
    assert all(u["roles"] for u in users), "every projected user has a role at an org"
    guardians = [u for u in users if u["roles"][0]["role"] == "parent"]
    assert guardians
    assert all(u["agents"] for u in guardians)

    # (one load of the dataset serves both parts: it takes a few seconds)
    _updates_and_deletes_follow(client, loaded, dataset)


def _updates_and_deletes_follow(
    client: TestClient,
    loaded: dict[str, dict[str, str]],
    dataset: dict[str, list[dict[str, Any]]],
) -> None:
    edfi, h = loaded["edfi"], loaded["or"]
    one = dataset["students"][0]
    uid = one["studentUniqueId"]
    school_id = next(
        a["schoolReference"]["schoolId"]
        for a in dataset["studentSchoolAssociations"]
        if a["studentReference"]["studentUniqueId"] == uid
    )
    hub = md5(f"STU-{uid}", school_id)
    r = client.post(f"{DATA}/students", json={**one, "firstName": "Renamed"}, headers=edfi)
    assert r.status_code == 200
    user = client.get(f"{OR}/users/{hub}", headers=h).json()["user"]
    assert user["givenName"] == "Renamed"

    assoc = next(
        a
        for a in dataset["studentSectionAssociations"]
        if a["studentReference"]["studentUniqueId"] == uid
    )
    found = client.get(
        f"{DATA}/studentSectionAssociations",
        params={
            "studentUniqueId": uid,
            "sectionIdentifier": assoc["sectionReference"]["sectionIdentifier"],
        },
        headers=edfi,
    ).json()
    assert len(found) == 1
    assert (
        client.delete(
            f"{DATA}/studentSectionAssociations/{found[0]['id']}", headers=edfi
        ).status_code
        == 204
    )
    section = assoc["sectionReference"]
    enrollment_id = md5(
        uid.lower(),
        section["localCourseCode"].lower(),
        section["schoolId"],
        section["schoolYear"],
        section["sectionIdentifier"].lower(),
        section["sessionName"].lower(),
        assoc["beginDate"],
    )
    gone = client.get(f"{OR}/enrollments/{enrollment_id}", headers=h).json()["enrollment"]
    assert gone["status"] == "tobedeleted"
    # OneRoster delta consumers see both changes.
    assert gone["dateLastModified"] >= user["dateLastModified"]
