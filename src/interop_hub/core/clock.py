"""UTC time helpers (one place, so tests and the store agree on precision)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_datetime", "utcnow"]


def utcnow() -> datetime:
    """Now in UTC, truncated to milliseconds (the precision OneRoster timestamps carry)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)


def format_datetime(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a ``Z`` suffix, e.g. ``2024-01-02T03:04:05.678Z``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
