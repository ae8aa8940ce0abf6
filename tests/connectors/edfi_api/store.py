"""Reading the canonical store back in tests: rows by natural identifiers, ids through the
crosswalk of one source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, text

from interop_hub.connectors.edfi_api import EdFiApiConnector
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.sync.extract import StageResult, stage
from interop_hub.sync.oneroster_csv import import_package
from interop_hub.sync.result import ImportResult

SOURCE = "edfi-api:test"


def run(
    connector: EdFiApiConnector,
    folder: Path,
    engine: Engine | None = None,
    *,
    bookmarks: dict[str, str] | None = None,
) -> tuple[StageResult, ImportResult | None]:
    """Stage one run (incremental when ``bookmarks`` are given) and import it."""
    ctx = ExtractContext(mode="incremental" if bookmarks is not None else "full")
    if bookmarks is not None:
        ctx.bookmarks = bookmarks
    staged = stage(connector, folder, ctx)
    imported = import_package(engine, folder, source=SOURCE) if engine is not None else None
    return staged, imported


def query(engine: Engine, sql: str, **params: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql), params)]


def hub_id(engine: Engine, entity: str, key: str) -> str:
    found = query(
        engine,
        "SELECT hub_id FROM crosswalk WHERE source = :s AND entity_type = :e AND source_key = :k",
        s=SOURCE,
        e=entity,
        k=key,
    )
    assert found, f"no {entity} {key} in the crosswalk of {SOURCE}"
    return str(found[0]["hub_id"])


def users(engine: Engine) -> dict[str, dict[str, Any]]:
    """Users by their identifier (the Ed-Fi unique id); JSON columns decoded."""
    found: dict[str, dict[str, Any]] = {}
    for user in query(engine, "SELECT * FROM users"):
        for column in ("grades", "user_ids"):
            if isinstance(user[column], str):
                user[column] = orjson.loads(user[column])
        found[str(user["identifier"])] = user
    return found


def roles_of(engine: Engine, user: str) -> list[tuple[str, str, str]]:
    """``(roleType, role, org name)`` of a user's roles, primary first."""
    rows = query(
        engine,
        "SELECT r.role_type, r.role, o.name FROM user_roles r JOIN orgs o "
        "ON o.sourced_id = r.org_id WHERE r.user_id = :u ORDER BY r.role_type, o.name",
        u=user,
    )
    return [(r["role_type"], r["role"], r["name"]) for r in rows]


def flag(value: Any) -> bool | None:
    """A boolean column as read back (SQLite gives 0/1)."""
    return None if value is None else bool(value)
