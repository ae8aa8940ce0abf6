"""Running the Clever connector into the store, and reading the store back by Clever id."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from interop_hub.connectors.sdk import ExtractContext, Mode
from interop_hub.models import Crosswalk, UserAgent, UserRole
from interop_hub.sync.extract import StageResult, stage
from interop_hub.sync.oneroster_csv import import_package
from interop_hub.sync.result import ImportResult
from tests.connectors.clever.conftest import make_connector
from tests.connectors.sdk.helpers import Sleeps

SOURCE = "clever:test"


def run(
    tmp_path: Path,
    engine: Engine,
    name: str = "run1",
    *,
    mode: Mode = "full",
    bookmarks: Mapping[str, str] | None = None,
    **config: Any,
) -> tuple[StageResult, ImportResult]:
    """Stage one run of the connector and import it."""
    connector = make_connector(Sleeps(), **config)
    folder = tmp_path / name
    try:
        staged = stage(connector, folder, ExtractContext(mode=mode, bookmarks=bookmarks or {}))
    finally:
        connector.close()
    return staged, import_package(engine, folder, source=SOURCE)


def by_key(engine: Engine, model: Any, entity: str) -> dict[str, Any]:
    """Canonical rows of ``model`` by their Clever key (through the crosswalk)."""
    stmt = (
        select(Crosswalk.source_key, model)
        .join(Crosswalk, Crosswalk.hub_id == model.sourced_id)
        .where(Crosswalk.source == SOURCE, Crosswalk.entity_type == entity)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return {row[0]: row for row in rows}


def keys(engine: Engine, entity: str) -> dict[str, str]:
    """Hub id → Clever key of every ``entity`` of the source."""
    stmt = select(Crosswalk.hub_id, Crosswalk.source_key).where(
        Crosswalk.source == SOURCE, Crosswalk.entity_type == entity
    )
    with engine.connect() as conn:
        return {str(h): str(k) for h, k in conn.execute(stmt)}


def hub(engine: Engine, entity: str, key: str) -> str:
    stmt = select(Crosswalk.hub_id).where(
        Crosswalk.source == SOURCE, Crosswalk.entity_type == entity, Crosswalk.source_key == key
    )
    with engine.connect() as conn:
        return str(conn.execute(stmt).scalar_one())


def roles(engine: Engine) -> set[tuple[str, str, str, str]]:
    """Every stored role as (user key, org key, role, role type)."""
    user_key, org_key = keys(engine, "user"), keys(engine, "org")
    stmt = select(UserRole.user_id, UserRole.org_id, UserRole.role, UserRole.role_type)
    with engine.connect() as conn:
        return {
            (user_key[u], org_key[o], role, kind)
            for u, o, role, kind in conn.execute(stmt)
            if u in user_key
        }


def agents(engine: Engine) -> dict[str, list[str]]:
    """User key → its agents' keys, in order."""
    user_key = keys(engine, "user")
    stmt = select(UserAgent.user_id, UserAgent.agent_id).order_by(
        UserAgent.user_id, UserAgent.ordinal
    )
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for user, agent in conn.execute(stmt):
            out.setdefault(user_key[user], []).append(user_key[agent])
    return out
