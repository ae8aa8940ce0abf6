"""Round trip through the hub's own Ed-Fi API: a generated district is POSTed to the hub,
the connector pulls it back over HTTP (respx forwards to a TestClient of the hub), and
what it stages must agree with the hub's own Ed-Fi -> OneRoster projection: the same ids
for orgs, sessions, courses, classes and enrollments, the same people as users.

The pulled package is imported as another source (``edfi-api:roundtrip``: the crosswalk is
per source), which proves it valid end to end; then a change made through the Ed-Fi API
comes back as a delta.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import respx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import EDFI_READ, EDFI_WRITE
from interop_hub.clients.service import create_client
from interop_hub.connectors.edfi_api import BOOKMARK, EdFiApiConfig, EdFiApiConnector
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.core.db import session_scope
from interop_hub.edfi.load_order import dependency_orders
from interop_hub.edfi.registry import get_registry
from interop_hub.edfi.seed import load_descriptors, load_school_years
from interop_hub.generator import generate_district
from interop_hub.generator.edfi import EDFI_RESOURCES, write_edfi_dataset
from interop_hub.sync.extract import stage
from interop_hub.sync.oneroster_csv import import_package
from tests.connectors.edfi_api.store import query

HUB = "https://testserver"
DATA = "/edfi/data/v3/ed-fi"


@pytest.fixture
def hub(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=HUB) as c:
        yield c


@pytest.fixture
def loaded(
    hub: TestClient,
    bearer: Callable[..., dict[str, str]],
    session_factory: sessionmaker[Session],
    tmp_path: Path,
) -> tuple[str, str, dict[str, str]]:
    """A generated district POSTed through the hub's Ed-Fi API in dependency order; returns
    a read-only API client's key and secret, and write headers."""
    generate_district(tmp_path / "or", 12, seed=8)
    write_edfi_dataset(tmp_path / "or", tmp_path / "edfi")
    with session_scope(session_factory) as session:
        load_descriptors(session)
        load_school_years(session)
        api_client, secret = create_client(session, "edfi-api connector", [EDFI_READ])
        key = api_client.client_id
    write = bearer(EDFI_READ, EDFI_WRITE)
    order = dependency_orders(get_registry())
    for resource in sorted(EDFI_RESOURCES, key=lambda r: order[r]):
        if resource == "schoolYearTypes":
            continue
        for line in (tmp_path / "edfi" / f"{resource}.jsonl").read_text().splitlines():
            r = hub.post(
                f"{DATA}/{resource}",
                content=line,
                headers={**write, "Content-Type": "application/json"},
            )
            assert r.status_code in (200, 201), (resource, r.text)
    return key, secret, write


@pytest.fixture
def forwarded(hub: TestClient) -> Iterator[respx.Router]:
    """respx sends every request for the hub's host to the TestClient."""

    def forward(request: httpx.Request) -> httpx.Response:
        answer = hub.request(
            request.method,
            request.url.raw_path.decode(),
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            content=request.content,
        )
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    with respx.mock(assert_all_called=False) as router:
        router.route(host="testserver").mock(side_effect=forward)
        yield router


def rows(folder: Path, target: str) -> list[dict[str, str]]:
    with (folder / f"{target}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def ids_of(engine: Engine, table: str) -> set[str]:
    return {r["sourced_id"] for r in query(engine, f"SELECT sourced_id FROM {table}")}  # noqa: S608


def test_pulling_the_hubs_own_ed_fi_api(
    loaded: tuple[str, str, dict[str, str]],
    forwarded: respx.Router,
    hub: TestClient,
    db_engine: Engine,
    tmp_path: Path,
) -> None:
    key, secret, write = loaded
    projected = {t: ids_of(db_engine, t) for t in ("orgs", "courses", "classes", "enrollments")}
    sessions = ids_of(db_engine, "academic_sessions")
    people = {r["identifier"] for r in query(db_engine, "SELECT identifier FROM users")}

    config = EdFiApiConfig(base_url=f"{HUB}/edfi", client_id=key, client_secret=secret)
    connector = EdFiApiConnector(config, sleep=lambda _: None)
    full = stage(connector, tmp_path / "full", ExtractContext())
    folder = tmp_path / "full"

    for target, table in (
        ("orgs", "orgs"),
        ("courses", "courses"),
        ("classes", "classes"),
        ("enrollments", "enrollments"),
    ):
        assert {r["sourcedId"] for r in rows(folder, target)} == projected[table], target
    assert {r["sourcedId"] for r in rows(folder, "academicSessions")} == sessions
    assert {r["identifier"] for r in rows(folder, "users")} == people
    # Staff with no mapped role are not OneRoster users on either side (the user sets above
    # agree); nothing else may be dropped.
    assert set(connector.skipped) <= {
        "staffs: no role at an org of this source (not a OneRoster user)"
    }

    imported = import_package(db_engine, folder, source="edfi-api:roundtrip")
    assert imported.state == "applied"
    assert full.bookmarks[BOOKMARK].isdigit()

    # A change through the Ed-Fi API comes back as a delta.
    student = orjson.loads(hub.get(f"{DATA}/students", params={"limit": 1}, headers=write).text)[0]
    student = {k: v for k, v in student.items() if k not in ("_etag", "_lastModifiedDate")}
    r = hub.put(
        f"{DATA}/students/{student['id']}", json={**student, "firstName": "Renamed"}, headers=write
    )
    assert r.status_code == 204, r.text
    enrollment: dict[str, Any] = orjson.loads(
        hub.get(f"{DATA}/studentSectionAssociations", params={"limit": 1}, headers=write).text
    )[0]
    r = hub.delete(f"{DATA}/studentSectionAssociations/{enrollment['id']}", headers=write)
    assert r.status_code == 204, r.text
    gone = {e["sourced_id"] for e in query(db_engine, "SELECT * FROM enrollments")} - ids_of(
        db_engine, "enrollments"
    )
    del gone

    delta = stage(
        EdFiApiConnector(config, sleep=lambda _: None),
        tmp_path / "delta",
        ExtractContext(mode="incremental", bookmarks=full.bookmarks),
    )
    assert int(delta.bookmarks[BOOKMARK]) > int(full.bookmarks[BOOKMARK])
    users = {r["identifier"]: r for r in rows(tmp_path / "delta", "users")}
    assert users[student["studentUniqueId"]]["givenName"] == "Renamed"
    tombstones = [
        r for r in rows(tmp_path / "delta", "enrollments") if r["status"] == "tobedeleted"
    ]
    # The hub retired the same enrollment id in its own projection.
    retired = {
        r["sourced_id"]
        for r in query(db_engine, "SELECT sourced_id FROM enrollments WHERE status = 'tobedeleted'")
    }
    assert [t["sourcedId"] for t in tombstones] == sorted(retired & projected["enrollments"])
    assert import_package(db_engine, tmp_path / "delta", source="edfi-api:roundtrip").state == (
        "applied"
    )
