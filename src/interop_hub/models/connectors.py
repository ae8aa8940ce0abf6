"""Configured connector instances, their bookmarks, and the staged files of their runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import JsonType, UTCDateTime

__all__ = ["ConnectorBookmark", "ConnectorInstance", "SyncRunFile"]


class ConnectorInstance(Base):
    """A registered source: a connector kind plus its configuration.

    ``source`` (``<kind>:<name>``) names the feed in the crosswalk and in provenance; it
    never changes, so renaming is not offered. ``config`` holds the non-secret settings;
    ``secrets`` the secret ones, encrypted (``core.crypto``). ``gate`` overrides the safety
    thresholds; ``blackouts`` lists rollover windows (``[{start, end, reason}]``)."""

    __tablename__ = "connector_instances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(255), unique=True)
    config: Mapped[dict[str, Any]] = mapped_column(JsonType)
    secrets: Mapped[str | None] = mapped_column(Text, default=None)
    schedule_interval_seconds: Mapped[int | None] = mapped_column(Integer, default=None)
    schedule_cron: Mapped[str | None] = mapped_column(String(100), default=None)
    schedule_mode: Mapped[str] = mapped_column(String(16), default="incremental")
    gate: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    blackouts: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ConnectorBookmark(Base):
    """Where an incremental read of one stream resumes; written with the applied data."""

    __tablename__ = "connector_bookmarks"

    instance_id: Mapped[int] = mapped_column(
        ForeignKey("connector_instances.id", ondelete="CASCADE"), primary_key=True
    )
    stream: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    run_id: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SyncRunFile(Base):
    """A chunk of a staged file (gzip), so staged data survives a crash on any worker."""

    __tablename__ = "sync_run_files"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("sync_runs.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
