"""Shared fixtures: one migrated database per test session (SQLite by default, PostgreSQL when
``INTEROP_HUB_TEST_DATABASE_URL`` points at a server), emptied after every test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, delete, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.app import create_app
from interop_hub.auth.tokens import issue_token
from interop_hub.config import Settings
from interop_hub.core.db import Base, create_db_engine, make_sessionmaker
from interop_hub.core.migrate import upgrade
from interop_hub.models import HubState

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TEST_JWT_SECRET = "test-signing-key-0123456789abcdef0123456789abcdef"
TEST_SECRETS_KEY = "dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU="


@cache
def official_edfi_components() -> dict[str, Any]:
    """``components`` of the official Ed-Fi DS 5.0 resources OpenAPI in ``../shared/data``
    (parsed once per test run: the YAML takes seconds even with the C loader)."""
    path = shared_data("edfi", "openapi", "resources-ds-5.0.yml")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    components: dict[str, Any] = document["components"]
    return components


def shared_data(*parts: str) -> Path:
    """A path under ``../shared/data``; skips the test with a clear message if absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path} (needs the ../shared checkout)")
    return path


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("INTEROP_HUB_TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    # A throwaway database on the given PostgreSQL server, dropped afterwards.
    name = f"hubtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    eng = create_db_engine(database_url)
    yield eng
    eng.dispose()


def _clean(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != HubState.__tablename__:
                conn.execute(delete(table))
        conn.execute(update(HubState).values(change_version=0))


@pytest.fixture
def db_engine(engine: Engine) -> Iterator[Engine]:
    """The migrated engine; every table is emptied after the test."""
    yield engine
    _clean(engine)


@pytest.fixture
def session_factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(db_engine)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # No scheduler thread in tests: runs started through /admin still execute in the
    # app's pool; scheduling is tested through sync.schedule.tick directly.
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        jwt_secret=TEST_JWT_SECRET,
        secrets_key=TEST_SECRETS_KEY,
        sync_scheduler=False,
    )


@pytest.fixture
def app(settings: Settings, db_engine: Engine) -> FastAPI:
    return create_app(settings, engine=db_engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def bearer() -> Callable[..., dict[str, str]]:
    """``bearer(scope1, scope2, ...)`` → Authorization header for a token with those scopes."""

    def make(*scopes: str, client_id: str = "test-client", ttl: int = 600) -> dict[str, str]:
        token = issue_token(TEST_JWT_SECRET.encode(), client_id, frozenset(scopes), ttl)
        return {"Authorization": f"Bearer {token.token}"}

    return make
