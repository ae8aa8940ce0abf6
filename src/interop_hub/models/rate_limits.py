"""Per-client request counters in fixed one-minute windows (shared by every API worker)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base

__all__ = ["RateLimitWindow"]


class RateLimitWindow(Base):
    __tablename__ = "rate_limit_windows"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # epoch seconds
    count: Mapped[int] = mapped_column(Integer)
