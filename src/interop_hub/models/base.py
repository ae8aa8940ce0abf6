"""Column mixins shared by every canonical table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["DateType", "EntityMixin", "JsonType", "UTCDateTime"]

JsonType = JSON().with_variant(JSONB(), "postgresql")
DateType = Date


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (stored naive) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        from datetime import UTC

        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        from datetime import UTC

        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EntityMixin:
    """Base fields of every OneRoster-visible entity, plus hub bookkeeping.

    ``sourced_id`` is the stable hub id (the emitted OneRoster sourcedId).
    ``change_version`` is the global change version of the last change to the row;
    ``date_last_modified`` is the hub's time of that change (not the source's claim),
    so ``dateLastModified>`` delta pulls return exactly what changed in the hub.
    ``source``/``source_seen_at`` record provenance: which source last asserted the row.
    ``row_hash`` is a digest of the row's content, used to detect real changes.
    """

    sourced_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    date_last_modified: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    change_version: Mapped[int] = mapped_column(BigInteger, index=True)
    extension: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    source: Mapped[str | None] = mapped_column(String(255), default=None)
    source_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    row_hash: Mapped[str | None] = mapped_column(String(64), default=None)
