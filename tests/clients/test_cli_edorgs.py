"""``interop-hub clients create --edorg``: Ed-Fi education organization grants."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.tokens import verify_token
from interop_hub.cli import main
from interop_hub.clients import service
from interop_hub.config import get_settings
from interop_hub.core.db import session_scope
from tests.conftest import TEST_JWT_SECRET


@pytest.fixture
def runner(
    db_engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[CliRunner]:
    monkeypatch.setenv("INTEROP_HUB_DATABASE_URL", database_url)
    monkeypatch.setenv("INTEROP_HUB_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _create(runner: CliRunner, *args: str) -> dict[str, object]:
    result = runner.invoke(
        main, ["clients", "create", "--name", "SIS", "--scope", "edfi.read", *args, "--json"]
    )
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def test_edorg_grants_are_stored_listed_and_put_in_tokens(
    runner: CliRunner, session_factory: sessionmaker[Session], app: FastAPI
) -> None:
    granted = _create(runner, "--edorg", "255901001", "--edorg", "255901", "--edorg", "255901")
    assert granted["education_organization_ids"] == [255901, 255901001]
    unrestricted = _create(runner)
    assert unrestricted["education_organization_ids"] == []

    with session_scope(session_factory) as session:
        assert service.client_edorgs(session, str(granted["client_id"])) == {255901, 255901001}
        assert service.client_edorgs(session, str(unrestricted["client_id"])) is None

    listing = runner.invoke(main, ["clients", "list"])
    assert listing.exit_code == 0, listing.output
    lines = {line.split()[0]: line for line in listing.stdout.splitlines()}
    assert lines[str(granted["client_id"])].endswith("ed-orgs: 255901,255901001")
    assert lines[str(unrestricted["client_id"])].endswith("ed-orgs: all")
    rows = json.loads(runner.invoke(main, ["clients", "list", "--json"]).stdout)
    by_id = {r["client_id"]: r for r in rows}
    assert by_id[granted["client_id"]]["education_organization_ids"] == [255901, 255901001]

    with TestClient(app, base_url="https://testserver") as http:
        for payload, expected in ((granted, {255901, 255901001}), (unrestricted, None)):
            credentials = (str(payload["client_id"]), str(payload["client_secret"]))
            r = http.post(
                "/edfi/oauth/token", data={"grant_type": "client_credentials"}, auth=credentials
            )
            assert r.status_code == 200, r.text
            claims = verify_token(TEST_JWT_SECRET.encode(), r.json()["access_token"])
            assert claims.edorgs == expected


def test_text_output_names_the_grant(runner: CliRunner) -> None:
    result = runner.invoke(main, ["clients", "create", "--name", "A", "--edorg", "255901001"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^ed-orgs:\s+255901001$", result.stdout, re.MULTILINE)
    result = runner.invoke(main, ["clients", "create", "--name", "B"])
    assert re.search(r"^ed-orgs:\s+all \(unrestricted\)$", result.stdout, re.MULTILINE)


def test_bad_edorg_ids_are_refused(runner: CliRunner) -> None:
    for bad in ("0", "-5", "abc"):
        result = runner.invoke(main, ["clients", "create", "--name", "X", "--edorg", bad])
        assert result.exit_code != 0
        assert "--edorg" in result.output
    assert "UNRESTRICTED" in runner.invoke(main, ["clients", "create", "--help"]).stdout
