"""Shared test helpers: configs, a connector with no retry waits, store queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from interop_hub.connectors.oneroster_rest import OneRosterRestConfig, OneRosterRestConnector
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.sync.extract import StageResult, stage
from interop_hub.sync.oneroster_csv import import_package
from tests.connectors.sdk.helpers import Sleeps

__all__ = [
    "TOKEN_URL",
    "Sleeps",
    "connector",
    "rows",
    "run",
    "token_body",
    "v11_config",
    "v12_config",
]

TOKEN_URL = "https://auth.lakeview.example.org/oauth/token"
SOURCE = "oneroster-rest:test"


def v12_config(**overrides: Any) -> OneRosterRestConfig:
    values: dict[str, Any] = {
        "base_url": "https://sis.lakeview.example.org",
        "version": "1.2",
        "auth": "oauth2",
        "token_url": TOKEN_URL,
        "client_id": "hub-lakeview",
        "client_secret": "s3cret-value",
        "max_attempts": 3,
    }
    return OneRosterRestConfig.model_validate(values | overrides)


def v11_config(**overrides: Any) -> OneRosterRestConfig:
    values: dict[str, Any] = {
        "base_url": "https://lakeview-il.oneroster.example.com/",
        "version": "1.1",
        "auth": "oauth1",
        "client_id": "b008b35ac38bccb56a910e2323f66049",
        "client_secret": "7c4f1f2a9d",
        "max_attempts": 3,
    }
    return OneRosterRestConfig.model_validate(values | overrides)


def token_body(token: str = "eyJhbGciOi.test.token") -> dict[str, Any]:  # noqa: S107
    return {"access_token": token, "token_type": "bearer", "expires_in": 3600}


def connector(config: OneRosterRestConfig, sleeps: Sleeps | None = None) -> OneRosterRestConnector:
    return OneRosterRestConnector(config, sleep=sleeps if sleeps is not None else (lambda s: None))


def run(
    conn: OneRosterRestConnector,
    folder: Path,
    engine: Engine | None = None,
    *,
    mode: str = "full",
    bookmarks: dict[str, str] | None = None,
) -> StageResult:
    """Stage ``conn`` into ``folder`` and, given an engine, import it as the test source."""
    ctx = ExtractContext(mode="incremental" if mode == "incremental" else "full")
    if bookmarks:
        ctx.bookmarks = bookmarks
    try:
        result = stage(conn, folder, ctx)
    finally:
        conn.close()
    if engine is not None:
        import_package(engine, folder, source=SOURCE)
    return result


def rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]
