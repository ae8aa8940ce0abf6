"""Durable record of each import/sync run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import JsonType, UTCDateTime

__all__ = ["SyncRun"]


class SyncRun(Base):
    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    change_version: Mapped[int | None] = mapped_column(BigInteger, default=None)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    report: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
