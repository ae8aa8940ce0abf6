"""Connector instances: registration, configuration with encrypted secrets, schedules.

A connector's pydantic config is split on save: ``SecretStr`` fields go, as one JSON
object, through ``core.crypto`` into ``secrets``; the rest is stored as plain JSON. Read
back for display, secrets show only whether they are set. Editing merges: a secret not
given keeps its stored value. Deleting an instance never deletes roster data: what it
delivered stays, with its provenance, until another source or an admin changes it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import orjson
from croniter import croniter
from pydantic import SecretStr, ValidationError
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from interop_hub.config import Settings
from interop_hub.connectors.sdk import Connector, ConnectorConfig
from interop_hub.connectors.sdk.registry import connector_class
from interop_hub.core.clock import utcnow
from interop_hub.core.crypto import secret_box
from interop_hub.core.errors import Conflict, InvalidRequest, NotFound
from interop_hub.models import ACTIVE_STATES, ConnectorBookmark, ConnectorInstance, SyncRun
from interop_hub.sync.gate import Blackout, GateConfig

__all__ = [
    "build_connector",
    "create_instance",
    "delete_instance",
    "get_instance",
    "list_instances",
    "next_due",
    "public_view",
    "update_instance",
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


def _secret_fields(model: type[ConnectorConfig]) -> set[str]:
    out = set()
    for name, info in model.model_fields.items():
        text = repr(info.annotation)
        if "SecretStr" in text:
            out.add(name)
    return out


def _validate_config(kind: str, config: dict[str, Any]) -> ConnectorConfig:
    model = connector_class(kind).config_model
    try:
        return model.model_validate(config)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidRequest(f"invalid {kind} configuration: {problems}") from None


def _split(config: ConnectorConfig, settings: Settings) -> tuple[dict[str, Any], str | None]:
    secrets = _secret_fields(type(config))
    plain = config.model_dump(mode="json", exclude=secrets)
    hidden = {
        name: value.get_secret_value() if isinstance(value, SecretStr) else value
        for name in secrets
        if (value := getattr(config, name)) is not None
    }
    if not hidden:
        return plain, None
    return plain, secret_box(settings).encrypt(orjson.dumps(hidden))


def _full_config(row: ConnectorInstance | Any, settings: Settings) -> dict[str, Any]:
    config = dict(row.config)
    if row.secrets:
        config |= orjson.loads(secret_box(settings).decrypt(row.secrets))
    return config


def build_connector(row: ConnectorInstance | Any, settings: Settings, **kwargs: Any) -> Connector:
    """The live connector of an instance row (secrets decrypted in memory only)."""
    cls = connector_class(row.kind)
    config = cls.config_model.model_validate(_full_config(row, settings))
    return cls(config, **kwargs) if kwargs else cls(config)


def _check_schedule(interval: int | None, cron: str | None) -> None:
    if interval is not None and cron:
        raise InvalidRequest("give a schedule interval or a cron expression, not both")
    if interval is not None and interval < 60:
        raise InvalidRequest("schedule_interval_seconds must be at least 60")
    if cron and not croniter.is_valid(cron):
        raise InvalidRequest(f"schedule_cron {cron!r} is not a valid cron expression")


def next_due(row: ConnectorInstance | Any, after: datetime) -> datetime | None:
    if row.schedule_cron:
        return croniter(row.schedule_cron, after).get_next(datetime)
    if row.schedule_interval_seconds:
        return after + timedelta(seconds=row.schedule_interval_seconds)
    return None


def create_instance(
    conn: Connection,
    settings: Settings,
    *,
    name: str,
    kind: str,
    config: dict[str, Any],
    schedule_interval_seconds: int | None = None,
    schedule_cron: str | None = None,
    schedule_mode: str = "incremental",
    gate: dict[str, Any] | None = None,
    blackouts: list[dict[str, Any]] | None = None,
    paused: bool = False,
) -> Any:
    if not _NAME.match(name):
        raise InvalidRequest(
            f"connector name {name!r}: use 1-100 lowercase letters, digits, '.', '_' or '-'"
        )
    if schedule_mode not in ("full", "incremental"):
        raise InvalidRequest("schedule_mode is full or incremental")
    validated = _validate_config(kind, config)
    _check_schedule(schedule_interval_seconds, schedule_cron)
    gate_json = GateConfig.model_validate(gate or {}).model_dump() if gate is not None else None
    windows = [Blackout.model_validate(b).model_dump(mode="json") for b in blackouts or ()]
    plain, secrets = _split(validated, settings)
    now = utcnow()
    values = {
        "name": name,
        "kind": kind,
        "source": f"{kind}:{name}",
        "config": plain,
        "secrets": secrets,
        "schedule_interval_seconds": schedule_interval_seconds,
        "schedule_cron": schedule_cron,
        "schedule_mode": schedule_mode,
        "gate": gate_json,
        "blackouts": windows or None,
        "paused": paused,
        "created_at": now,
        "updated_at": now,
    }
    try:
        with conn.begin_nested():
            new_id = conn.execute(
                insert(ConnectorInstance).values(**values).returning(ConnectorInstance.id)
            ).scalar_one()
    except IntegrityError:
        raise Conflict(f"a connector named {name!r} already exists") from None
    row = get_instance(conn, new_id)
    due = next_due(row, now)
    if due is not None:
        conn.execute(
            update(ConnectorInstance).where(ConnectorInstance.id == new_id).values(next_run_at=due)
        )
    return get_instance(conn, new_id)


def get_instance(conn: Connection, ref: int | str) -> Any:
    """An instance by id or by name (``NotFound`` otherwise)."""
    stmt = select(ConnectorInstance)
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        stmt = stmt.where(ConnectorInstance.id == int(ref))
    else:
        stmt = stmt.where(ConnectorInstance.name == ref)
    row = conn.execute(stmt).first()
    if row is None:
        raise NotFound(f"no connector {ref!r}")
    return row


def list_instances(conn: Connection) -> list[Any]:
    return list(conn.execute(select(ConnectorInstance).order_by(ConnectorInstance.id)))


def update_instance(
    conn: Connection, settings: Settings, ref: int | str, changes: dict[str, Any]
) -> Any:
    row = get_instance(conn, ref)
    values: dict[str, Any] = {}
    if "config" in changes and changes["config"] is not None:
        merged = _full_config(row, settings) | dict(changes["config"])
        plain, secrets = _split(_validate_config(row.kind, merged), settings)
        values |= {"config": plain, "secrets": secrets}
    interval = changes.get("schedule_interval_seconds", row.schedule_interval_seconds)
    cron = changes.get("schedule_cron", row.schedule_cron)
    if "schedule_interval_seconds" in changes or "schedule_cron" in changes:
        _check_schedule(interval, cron)
        values |= {"schedule_interval_seconds": interval, "schedule_cron": cron}
    if changes.get("schedule_mode") is not None:
        if changes["schedule_mode"] not in ("full", "incremental"):
            raise InvalidRequest("schedule_mode is full or incremental")
        values["schedule_mode"] = changes["schedule_mode"]
    if "gate" in changes:
        gate = changes["gate"]
        values["gate"] = GateConfig.model_validate(gate).model_dump() if gate else None
    if "blackouts" in changes:
        values["blackouts"] = [
            Blackout.model_validate(b).model_dump(mode="json") for b in changes["blackouts"] or ()
        ] or None
    if changes.get("paused") is not None:
        values["paused"] = bool(changes["paused"])
    now = utcnow()
    values["updated_at"] = now
    conn.execute(update(ConnectorInstance).where(ConnectorInstance.id == row.id).values(**values))
    fresh = get_instance(conn, row.id)
    if "schedule_interval_seconds" in values:
        conn.execute(
            update(ConnectorInstance)
            .where(ConnectorInstance.id == row.id)
            .values(next_run_at=next_due(fresh, now))
        )
        fresh = get_instance(conn, row.id)
    return fresh


def delete_instance(conn: Connection, ref: int | str) -> None:
    row = get_instance(conn, ref)
    active = conn.execute(
        select(SyncRun.id).where(SyncRun.source == row.source, SyncRun.state.in_(ACTIVE_STATES))
    ).first()
    if active is not None:
        raise Conflict(f"connector {row.name!r} has an active run ({active.id}); wait or fail it")
    conn.execute(delete(ConnectorBookmark).where(ConnectorBookmark.instance_id == row.id))
    conn.execute(delete(ConnectorInstance).where(ConnectorInstance.id == row.id))


def public_view(row: Any) -> dict[str, Any]:
    """An instance as the admin API shows it: secrets only as ``set``."""
    cls = None
    try:
        cls = connector_class(row.kind)
    except NotFound:
        pass
    secret_names = sorted(_secret_fields(cls.config_model)) if cls else []
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "source": row.source,
        "config": dict(row.config),
        "secrets": {name: "set" if row.secrets else "unset" for name in secret_names},
        "schedule": {
            "interval_seconds": row.schedule_interval_seconds,
            "cron": row.schedule_cron,
            "mode": row.schedule_mode,
            "next_run_at": row.next_run_at.isoformat() if row.next_run_at else None,
        },
        "gate": GateConfig.model_validate(row.gate or {}).model_dump(),
        "blackouts": row.blackouts or [],
        "paused": row.paused,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }
