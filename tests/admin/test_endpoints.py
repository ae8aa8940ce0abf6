"""The admin API: connectors (register, test, edit, pause, delete), runs, holds."""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, select

from interop_hub.auth.scopes import ADMIN, ROSTER_READONLY
from interop_hub.connectors.sdk import Check, Connector, ConnectorConfig, registry
from interop_hub.generator import generate_district
from interop_hub.models import ConnectorInstance

Headers = Callable[..., dict[str, str]]


class _VaultConfig(ConnectorConfig):
    url: str
    api_key: SecretStr


class _VaultConnector(Connector):
    kind: ClassVar[str] = "vault-test"
    title: ClassVar[str] = "test connector with a secret"
    config_model: ClassVar[type[ConnectorConfig]] = _VaultConfig

    def check(self) -> list[Check]:
        assert isinstance(self.config, _VaultConfig)
        ok = self.config.api_key.get_secret_value() == "s3cret"
        return [Check("api", ok, "key accepted" if ok else "key rejected")]


@pytest.fixture(autouse=True)
def _fake_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    found, broken = registry._load()
    monkeypatch.setattr(
        registry, "_load", lambda: ({**found, "vault-test": _VaultConnector}, broken)
    )


@pytest.fixture
def admin(bearer: Headers) -> dict[str, str]:
    return bearer(ADMIN)


def _wait(client: TestClient, admin: dict[str, str], run_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = client.get(f"/admin/runs/{run_id}", headers=admin).json()
        if run["state"] not in ("fetching", "staged", "resolved"):
            return dict(run)
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} did not finish")


def test_admin_routes_need_the_admin_scope(client: TestClient, bearer: Headers) -> None:
    assert client.get("/admin/connectors").status_code == 401
    response = client.get("/admin/connectors", headers=bearer(ROSTER_READONLY))
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_kinds_list_config_schemas(client: TestClient, admin: dict[str, str]) -> None:
    body = client.get("/admin/connector-kinds", headers=admin).json()
    kinds = {k["kind"]: k for k in body["kinds"]}
    assert "inbox" in kinds["oneroster-csv"]["config_schema"]["properties"]
    assert kinds["vault-test"]["config_schema"]["required"] == ["url", "api_key"]


def test_secrets_are_encrypted_at_rest_and_never_shown(
    client: TestClient, admin: dict[str, str], db_engine: Engine
) -> None:
    created = client.post(
        "/admin/connectors",
        headers=admin,
        json={
            "name": "vault",
            "kind": "vault-test",
            "config": {"url": "https://x", "api_key": "s3cret"},
        },
    )
    assert created.status_code == 201, created.text
    assert "s3cret" not in created.text
    assert created.json()["secrets"] == {"api_key": "set"}
    with db_engine.connect() as conn:
        row = conn.execute(select(ConnectorInstance)).one()
    assert "s3cret" not in str(row.config)
    assert row.secrets
    assert "s3cret" not in row.secrets
    assert row.config == {"url": "https://x"}

    checked = client.post("/admin/connectors/vault/test", headers=admin).json()
    assert checked == {
        "ok": True,
        "checks": [{"target": "api", "ok": True, "detail": "key accepted"}],
    }
    # Editing another field keeps the stored secret.
    edited = client.patch(
        "/admin/connectors/vault", headers=admin, json={"config": {"url": "https://y"}}
    )
    assert edited.status_code == 200
    assert edited.json()["config"] == {"url": "https://y"}
    assert client.post("/admin/connectors/vault/test", headers=admin).json()["ok"] is True


def test_bad_config_is_a_clear_error(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/admin/connectors",
        headers=admin,
        json={"name": "vault", "kind": "vault-test", "config": {"url": "https://x"}},
    )
    assert response.status_code == 400
    assert "api_key" in response.json()["message"]
    unknown = client.post(
        "/admin/connectors", headers=admin, json={"name": "x", "kind": "nope", "config": {}}
    )
    assert unknown.status_code == 404
    assert "unknown connector kind 'nope'" in unknown.json()["message"]
    cron = client.post(
        "/admin/connectors",
        headers=admin,
        json={
            "name": "v2",
            "kind": "vault-test",
            "schedule_cron": "every day",
            "config": {"url": "u", "api_key": "k"},
        },
    )
    assert cron.status_code == 400
    assert "cron" in cron.json()["message"]


def test_upload_run_hold_approve_through_the_api(
    client: TestClient, admin: dict[str, str], tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    created = client.post(
        "/admin/connectors",
        headers=admin,
        json={
            "name": "sis",
            "kind": "oneroster-csv",
            "config": {"inbox": str(inbox)},
            "schedule_interval_seconds": 3600,
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["schedule"]["next_run_at"]
    pkg = tmp_path / "pkg.zip"
    generate_district(pkg, students=120, seed=3, zip=True)
    with pkg.open("rb") as f:
        started = client.post(
            "/admin/connectors/sis/uploads",
            headers=admin,
            files={"file": ("export.zip", f, "application/zip")},
        )
    assert started.status_code == 202, started.text
    first = _wait(client, admin, started.json()["id"])
    assert first["state"] == "applied", first
    assert first["stats"]["entities"]["users"]["added"] > 120

    # A second export whose users.csv lost every row: held, not applied.
    buffer = io.BytesIO()
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "users.csv":
                data = data.split(b"\r\n", 1)[0] + b"\r\n"
            dst.writestr(item.filename, data)
    time.sleep(1.1)  # a newer file in the inbox
    started = client.post(
        "/admin/connectors/sis/uploads",
        headers=admin,
        files={"file": ("export2.zip", buffer.getvalue(), "application/zip")},
    )
    second = _wait(client, admin, started.json()["id"])
    assert second["state"] in ("held", "rejected"), second
    runs = client.get("/admin/runs", headers=admin, params={"connector": "sis"}).json()["runs"]
    assert [r["id"] for r in runs] == [second["id"], first["id"]]
    if second["state"] == "held":
        assert second["hold_reasons"]
        discarded = client.post(f"/admin/runs/{second['id']}/discard", headers=admin)
        assert discarded.json()["state"] == "discarded"
    again = client.post(f"/admin/runs/{second['id']}/approve", headers=admin)
    assert again.status_code == 409


def test_pause_resume_delete(client: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    client.post(
        "/admin/connectors",
        headers=admin,
        json={"name": "sis", "kind": "oneroster-csv", "config": {"inbox": str(tmp_path)}},
    )
    assert client.post("/admin/connectors/sis/pause", headers=admin).json()["paused"] is True
    assert client.post("/admin/connectors/sis/resume", headers=admin).json()["paused"] is False
    assert client.delete("/admin/connectors/sis", headers=admin).status_code == 204
    assert client.get("/admin/connectors/sis", headers=admin).status_code == 404


def test_connectivity_check_reports_an_empty_inbox(
    client: TestClient, admin: dict[str, str], tmp_path: Path
) -> None:
    client.post(
        "/admin/connectors",
        headers=admin,
        json={"name": "sis", "kind": "oneroster-csv", "config": {"inbox": str(tmp_path / "no")}},
    )
    body = client.post("/admin/connectors/sis/test", headers=admin).json()
    assert body["ok"] is False
    assert "does not exist" in body["checks"][0]["detail"]
    shutil.rmtree(tmp_path / "no", ignore_errors=True)
