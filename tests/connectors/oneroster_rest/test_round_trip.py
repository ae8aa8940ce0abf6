"""Round trip through a real provider: another Interop Hub.

Hub A (its own SQLite database) imports a small generated district and serves it over
OneRoster REST, with its real token endpoint, scopes, paging headers and 1.1/1.2 shapes.
The connector pulls it (OAuth 2, small pages so paging is exercised), the staged package
is imported into the test database as ``oneroster-rest:test``, and the canonical rows of
both stores are compared. Requests reach hub A through respx, forwarded to its TestClient.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from interop_hub.app import create_app
from interop_hub.auth.scopes import (
    ROSTER_CORE_READONLY,
    ROSTER_DEMOGRAPHICS_READONLY,
    ROSTER_READONLY,
)
from interop_hub.clients.provision import provision_client
from interop_hub.config import Settings
from interop_hub.connectors.oneroster_rest import OneRosterRestConfig
from interop_hub.core.db import create_db_engine, make_sessionmaker
from interop_hub.core.migrate import upgrade
from interop_hub.generator import generate_district
from interop_hub.sync.oneroster_csv import import_package
from tests.conftest import TEST_JWT_SECRET
from tests.connectors.oneroster_rest.helpers import connector, rows, run

HUB_A = "https://hub-a.example"
_DROP = {"content-encoding", "content-length", "transfer-encoding"}

# Canonical content compared between the two stores (hub bookkeeping columns left out).
QUERIES = {
    "orgs": "SELECT sourced_id, status, name, type, identifier, parent_id FROM orgs",
    "academic_sessions": "SELECT sourced_id, title, type, start_date, end_date, parent_id, "
    "school_year FROM academic_sessions",
    "courses": "SELECT sourced_id, title, course_code, grades, org_id, school_year_id, "
    "subjects, subject_codes FROM courses",
    "classes": "SELECT sourced_id, title, class_code, class_type, location, course_id, "
    "school_id, grades, subjects, subject_codes, periods FROM classes",
    "class_terms": "SELECT class_id, term_id, ordinal FROM class_terms",
    "users": "SELECT sourced_id, enabled_user, username, user_ids, given_name, family_name, "
    "middle_name, preferred_first_name, identifier, email, grades, primary_org_id FROM users",
    "user_roles": "SELECT user_id, role_type, role, org_id, begin_date, end_date FROM user_roles",
    "user_agents": "SELECT user_id, agent_id FROM user_agents",
    "enrollments": 'SELECT sourced_id, user_id, class_id, school_id, role, "primary", '
    "begin_date, end_date FROM enrollments",
    "demographics": "SELECT sourced_id, birth_date, sex, asian, white, "
    "hispanic_or_latino_ethnicity FROM demographics",
}


@dataclass
class HubA:
    engine: Engine
    client: TestClient
    client_id: str
    client_secret: str

    def forward(self, request: httpx.Request) -> httpx.Response:
        answer = self.client.request(
            request.method,
            str(request.url),
            headers=dict(request.headers),
            content=request.content,
        )
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in _DROP}
        return httpx.Response(answer.status_code, headers=headers, content=answer.content)


@pytest.fixture(scope="module")
def hub_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubA]:
    folder = tmp_path_factory.mktemp("hub_a")
    url = f"sqlite:///{folder / 'hub_a.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    package = generate_district(folder / "district", 20, seed=3).path
    import_package(engine, package)
    credentials = provision_client(
        "round trip",
        [ROSTER_CORE_READONLY, ROSTER_READONLY, ROSTER_DEMOGRAPHICS_READONLY],
        session_factory=make_sessionmaker(engine),
    )
    settings = Settings(data_dir=folder, database_url=url, jwt_secret=TEST_JWT_SECRET)
    with TestClient(create_app(settings, engine=engine), base_url=HUB_A) as client:
        yield HubA(engine, client, credentials.client_id, credentials.client_secret)
    engine.dispose()


def _config(hub: HubA, version: str) -> OneRosterRestConfig:
    return OneRosterRestConfig(
        base_url=HUB_A,
        version="1.2" if version == "1.2" else "1.1",
        auth="oauth2",
        token_url=f"{HUB_A}/oauth/token",
        client_id=hub.client_id,
        client_secret=SecretStr(hub.client_secret),
        page_size=40,
    )


def _content(engine: Engine, table: str) -> list[tuple[object, ...]]:
    """The rows in one form whatever the database (SQLite hands dates and JSON back as text)."""
    return sorted((tuple(map(_plain, row)) for row in rows(engine, QUERIES[table])), key=repr)


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("[", "{"):
        return json.loads(value)
    return value


def test_v1p2_round_trip_reproduces_the_district(
    hub_a: HubA, db_engine: Engine, tmp_path: Path
) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.route(host="hub-a.example").mock(side_effect=hub_a.forward)
        result = run(connector(_config(hub_a, "1.2")), tmp_path / "staged", db_engine)
        pages = route.call_count
    assert result.records["enrollments"] == 249
    assert pages > 14  # token + several pages of 40 for the larger collections
    for table in QUERIES:
        assert _content(db_engine, table) == _content(hub_a.engine, table), table

    # Nothing changed at hub A since: its filter grammar accepts the delta predicate and
    # answers with nothing, and the empty delta package imports cleanly.
    with respx.mock(assert_all_called=False) as router:
        route = router.route(host="hub-a.example").mock(side_effect=hub_a.forward)
        delta = run(
            connector(_config(hub_a, "1.2")),
            tmp_path / "delta",
            db_engine,
            mode="incremental",
            bookmarks=result.bookmarks,
        )
        filters = [c.request.url.params.get("filter") for c in route.calls][1:]
    assert delta.records == {}
    assert filters == [f"dateLastModified>'{result.bookmarks['orgs']}'", *filters[1:]]
    assert all(f and f.startswith("dateLastModified>'") for f in filters)
    assert delta.bookmarks == result.bookmarks


def test_v1p1_round_trip_lifts_users_to_roles(
    hub_a: HubA, db_engine: Engine, tmp_path: Path
) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.route(host="hub-a.example").mock(side_effect=hub_a.forward)
        result = run(connector(_config(hub_a, "1.1")), tmp_path / "staged", db_engine)
    assert result.records["users"] == 83
    for table in ("orgs", "academic_sessions", "courses", "classes", "class_terms",
                  "user_agents", "enrollments", "demographics"):  # fmt: skip
        assert _content(db_engine, table) == _content(hub_a.engine, table), table
    # 1.1 carries one role name per user plus their orgs: the (user, org) pairs survive,
    # the first org becomes the one primary role (1.2 allows a primary role per org).
    pairs = "SELECT DISTINCT user_id, org_id FROM user_roles"
    assert sorted(rows(db_engine, pairs)) == sorted(rows(hub_a.engine, pairs))
    primaries = "SELECT user_id, COUNT(*) FROM user_roles WHERE role_type = 'primary' GROUP BY 1"
    assert {count for _, count in rows(db_engine, primaries)} == {1}
    assert len(rows(db_engine, primaries)) == 83
    students = "SELECT user_id, org_id FROM user_roles WHERE role = 'student'"
    assert sorted(rows(db_engine, students)) == sorted(rows(hub_a.engine, students))
