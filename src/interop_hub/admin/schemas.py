"""Wire shapes of the admin API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interop_hub.sync.gate import Blackout, GateConfig

__all__ = ["ConnectorChange", "ConnectorCreate", "RunRequest"]


class ConnectorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Unique name: lowercase letters, digits, '.', '_', '-'.")
    kind: str = Field(description="Connector kind (GET /admin/connector-kinds).")
    config: dict[str, Any] = Field(description="Per the kind's config_schema.")
    schedule_interval_seconds: int | None = Field(default=None, ge=60)
    schedule_cron: str | None = None
    schedule_mode: Literal["full", "incremental"] = "incremental"
    gate: GateConfig | None = None
    blackouts: list[Blackout] = Field(default_factory=list)
    paused: bool = False


class ConnectorChange(BaseModel):
    """Only the fields given change; secrets not given keep their stored values."""

    model_config = ConfigDict(extra="forbid")

    config: dict[str, Any] | None = None
    schedule_interval_seconds: int | None = Field(default=None, ge=60)
    schedule_cron: str | None = None
    schedule_mode: Literal["full", "incremental"] | None = None
    gate: GateConfig | None = None
    blackouts: list[Blackout] | None = None
    paused: bool | None = None


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["full", "incremental"] = "full"
    dry_run: bool = False
