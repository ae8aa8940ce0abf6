"""Crosswalk from ``(source, entity type, source key)`` to the stable hub id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import UTCDateTime

__all__ = ["Crosswalk"]


class Crosswalk(Base):
    __tablename__ = "crosswalk"
    __table_args__ = (Index("ix_crosswalk_entity_hub", "entity_type", "hub_id"),)

    source: Mapped[str] = mapped_column(String(255), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hub_id: Mapped[str] = mapped_column(String(255))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
