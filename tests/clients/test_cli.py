"""``interop-hub clients`` against the test database."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import (
    ADMIN,
    ALL_SCOPES,
    EDFI_READ,
    EDFI_WRITE,
    ROSTER_CORE_READONLY,
    ROSTER_READONLY,
)
from interop_hub.cli import main
from interop_hub.config import get_settings
from interop_hub.core.db import session_scope
from interop_hub.models import ApiClient


@pytest.fixture
def runner(
    db_engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[CliRunner]:
    monkeypatch.setenv("INTEROP_HUB_DATABASE_URL", database_url)
    monkeypatch.setenv("INTEROP_HUB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INTEROP_HUB_PUBLIC_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _field(output: str, name: str) -> str:
    match = re.search(rf"^{name}:\s+(\S+)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def test_create_prints_credentials_once_and_they_work(
    runner: CliRunner,
    session_factory: sessionmaker[Session],
    app: object,
) -> None:
    result = runner.invoke(main, ["clients", "create", "--name", "Acme LMS"])
    assert result.exit_code == 0, result.output
    client_id = _field(result.stdout, "client_id")
    secret = _field(result.stdout, "client_secret")
    assert "shown only now" in result.stderr
    curl = next(line for line in result.stdout.splitlines() if "curl" in line)
    assert "http://127.0.0.1:8000/oauth/token" in curl
    assert shlex.split(curl)[shlex.split(curl).index("-u") + 1] == f"{client_id}:{secret}"

    with session_scope(session_factory) as session:
        row = session.scalars(select(ApiClient)).one()
        assert row.client_id == client_id
        assert secret not in row.secret_hash
        assert set(row.scopes.split()) == {ROSTER_CORE_READONLY, ROSTER_READONLY}

    # The printed credentials get a token (the same thing the curl line does).
    from fastapi import FastAPI

    assert isinstance(app, FastAPI)
    with TestClient(app, base_url="https://testserver") as http:
        r = http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
    assert r.status_code == 200, r.text

    listing = runner.invoke(main, ["clients", "list"])
    assert listing.exit_code == 0, listing.output
    assert client_id in listing.stdout
    assert "Acme LMS" in listing.stdout
    assert secret not in listing.output


def test_create_with_scopes_and_json(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [
            "clients",
            "create",
            "--name",
            "Full",
            "--scope",
            "roster-core.readonly",
            "--scope",
            "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly",
            "--scope",
            "roster.readonly",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload["scopes"]) == ALL_SCOPES - {EDFI_READ, EDFI_WRITE, ADMIN}
    assert payload["client_secret"].startswith("ihs_")

    listing = runner.invoke(main, ["clients", "list", "--json"])
    rows = json.loads(listing.stdout)
    assert [r["client_id"] for r in rows] == [payload["client_id"]]
    assert "client_secret" not in rows[0]
    assert payload["client_secret"] not in listing.output


def test_unknown_scope_is_a_clear_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["clients", "create", "--name", "X", "--scope", "roster.write"])
    assert result.exit_code != 0
    assert "Unknown scope: roster.write" in result.output
    assert "roster-core.readonly" in result.output


def test_disable(runner: CliRunner, session_factory: sessionmaker[Session]) -> None:
    created = runner.invoke(main, ["clients", "create", "--name", "X", "--json"])
    client_id = json.loads(created.stdout)["client_id"]
    result = runner.invoke(main, ["clients", "disable", client_id])
    assert result.exit_code == 0, result.output
    with session_scope(session_factory) as session:
        row = session.get(ApiClient, client_id)
        assert row is not None
        assert not row.enabled
    assert "disabled" in runner.invoke(main, ["clients", "list"]).stdout

    missing = runner.invoke(main, ["clients", "disable", "ihc_nope"])
    assert missing.exit_code != 0
    assert "No API client" in missing.output


def test_list_empty(runner: CliRunner) -> None:
    result = runner.invoke(main, ["clients", "list"])
    assert result.exit_code == 0
    assert "No API clients" in result.stdout
