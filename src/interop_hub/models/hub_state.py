"""Single-row hub state: the global change version."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base

__all__ = ["HubState"]


class HubState(Base):
    __tablename__ = "hub_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_version: Mapped[int] = mapped_column(BigInteger, default=0)
