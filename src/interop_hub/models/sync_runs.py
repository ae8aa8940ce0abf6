"""Durable record of each import/sync run (states: ``sync.states``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import JsonType, UTCDateTime

__all__ = ["ACTIVE_STATES", "SyncRun"]

# At most one run per source in these states (a partial unique index enforces it).
ACTIVE_STATES = ("fetching", "staged", "resolved")
_ACTIVE_SQL = "state IN ('fetching', 'staged', 'resolved')"


class SyncRun(Base):
    __tablename__ = "sync_runs"
    __table_args__ = (
        Index(
            "uq_sync_runs_active_source",
            "source",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    change_version: Mapped[int | None] = mapped_column(BigInteger, default=None)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    report: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    instance_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    mode: Mapped[str | None] = mapped_column(String(16), default=None)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger: Mapped[str | None] = mapped_column(String(32), default=None)
    progress: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    diff: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    hold_reasons: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    bookmarks: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decided_by: Mapped[str | None] = mapped_column(String(255), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    error: Mapped[str | None] = mapped_column(String(4000), default=None)
