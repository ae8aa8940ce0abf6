"""Disclosure log: who received which persons' records, when, through which endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import JsonType, UTCDateTime

__all__ = ["Disclosure"]


class Disclosure(Base):
    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    endpoint: Mapped[str] = mapped_column(String(512))
    query: Mapped[str | None] = mapped_column(Text, default=None)
    entity_type: Mapped[str] = mapped_column(String(64))
    record_count: Mapped[int] = mapped_column(Integer)
    person_ids: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    fields: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
