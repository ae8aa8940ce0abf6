"""Data imported from OneRoster CSV is served by the Ed-Fi API after publishing: valid DS 5
documents, only changes written on later runs, removals reported by change queries."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import EDFI_READ
from interop_hub.auth.tokens import issue_token
from interop_hub.core.db import session_scope
from interop_hub.edfi.canonical import publish as publish_module
from interop_hub.edfi.canonical.publish import PublishResult, descriptors_loaded, publish
from interop_hub.edfi.seed import load_descriptors, load_school_years
from interop_hub.generator import generate_district
from interop_hub.models import Class, Enrollment
from interop_hub.sync.oneroster_csv import import_package
from tests.conftest import TEST_JWT_SECRET, official_edfi_components
from tests.edfi.conftest import DATA


def _validator(schema: str) -> jsonschema.Draft4Validator:
    ref = {"$ref": f"#/components/schemas/{schema}", "components": official_edfi_components()}
    return jsonschema.Draft4Validator(ref)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_district(tmp_path_factory.mktemp("publish") / "d", 60, seed=5).path


def _publish(session_factory: sessionmaker[Session]) -> PublishResult:
    with session_scope(session_factory) as session:
        return publish(session)


def _get(client: TestClient, headers: dict[str, str], resource: str, **params: Any) -> Any:
    r = client.get(f"{DATA}/{resource}", params={"limit": 500, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return r


@pytest.mark.parametrize("hooks_up_to", [100_000, 0], ids=["index-per-document", "index-rebuilt"])
def test_imported_data_is_served_by_edfi_and_follows_changes(
    hooks_up_to: int,
    monkeypatch: pytest.MonkeyPatch,
    db_engine: Engine,
    session_factory: sessionmaker[Session],
    client: TestClient,
    bearer: Callable[..., dict[str, str]],
    package: Path,
    tmp_path: Path,
) -> None:
    # The authorization index is kept per document for small runs, rebuilt for large ones.
    monkeypatch.setattr(publish_module, "_HOOKS_UP_TO", hooks_up_to)
    import_package(db_engine, package, source="sis")
    with session_scope(session_factory) as session:
        assert not descriptors_loaded(session)
        load_descriptors(session)
        load_school_years(session)
        assert descriptors_loaded(session)

    first = _publish(session_factory)
    assert not first.rejected
    assert first.written["sections"] > 0

    h = bearer(EDFI_READ)
    with session_factory() as session:
        class_ids = set(session.scalars(select(Class.sourced_id)))
    r = _get(client, h, "sections", totalCount="true")
    sections = r.json()
    assert int(r.headers["Total-Count"]) == len(class_ids) == len(sections)
    assert {s["sectionIdentifier"] for s in sections} == class_ids
    for item in sections[:50]:
        _validator("edFi_section").validate(item)
    students = _get(client, h, "students").json()
    assert len(students) == first.written["students"]
    for item in students[:50]:
        _validator("edFi_student").validate(item)
    for resource, schema in (
        ("studentSectionAssociations", "edFi_studentSectionAssociation"),
        ("studentSchoolAssociations", "edFi_studentSchoolAssociation"),
        ("schools", "edFi_school"),
    ):
        for item in _get(client, h, resource).json()[:20]:
            _validator(schema).validate(item)

    # A client granted one school sees that school's published sections and students only.
    school = _get(client, h, "schools").json()[0]["schoolId"]
    token = issue_token(
        TEST_JWT_SECRET.encode(), "school-app", frozenset({EDFI_READ}), 600, [school]
    )
    restricted = {"Authorization": f"Bearer {token.token}"}
    mine = _get(client, restricted, "sections").json()
    assert mine
    assert {s["courseOfferingReference"]["schoolId"] for s in mine} == {school}
    expected = {
        s["sectionIdentifier"]
        for s in sections
        if s["courseOfferingReference"]["schoolId"] == school
    }
    assert {s["sectionIdentifier"] for s in mine} == expected
    enrolled = {
        a["studentReference"]["studentUniqueId"]
        for a in _get(client, h, "studentSchoolAssociations", schoolId=school).json()
    }
    assert {s["studentUniqueId"] for s in _get(client, restricted, "students").json()} == enrolled

    # Nothing changed: nothing is written.
    again = _publish(session_factory)
    assert sum(again.written.values()) == 0
    assert again.change_version is None

    # A renamed student and a dropped enrollment reach Ed-Fi on the next run.
    changed = tmp_path / "changed"
    shutil.copytree(package, changed)
    student = students[0]
    dropped = _rewrite(changed, student["studentUniqueId"])
    import_package(db_engine, changed, source="sis")
    with session_factory() as session:
        assert session.get(Enrollment, dropped) is not None
    third = _publish(session_factory)
    assert third.written["students"] == 1
    assert third.deleted["studentSectionAssociations"] == 1
    renamed = _get(client, h, "students", studentUniqueId=student["studentUniqueId"]).json()
    assert renamed[0]["firstName"] == "Renamed"
    deletes = _get(
        client, h, "studentSectionAssociations/deletes", minChangeVersion=third.change_version
    ).json()
    assert len(deletes) == 1
    assert deletes[0]["keyValues"]["studentUniqueId"]


def _rewrite(package: Path, unique_id: str) -> str:
    """Rename the student whose identifier is ``unique_id``; drop one student enrollment.
    Returns the dropped enrollment's sourcedId."""
    users = _read(package / "users.csv")
    for row in users:
        if row["identifier"] == unique_id or row["sourcedId"] == unique_id:
            row["givenName"] = "Renamed"
    _write(package / "users.csv", users)
    enrollments = _read(package / "enrollments.csv")
    index = next(i for i, r in enumerate(enrollments) if r["role"] == "student")
    dropped = enrollments.pop(index)["sourcedId"]
    _write(package / "enrollments.csv", enrollments)
    return dropped


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
