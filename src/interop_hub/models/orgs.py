"""Organisations: state, district, school, department..."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import EntityMixin

__all__ = ["Org"]


class Org(EntityMixin, Base):
    __tablename__ = "orgs"

    name: Mapped[str] = mapped_column(String(512))
    type: Mapped[str] = mapped_column(String(64), index=True)
    identifier: Mapped[str | None] = mapped_column(String(255), default=None)
    parent_id: Mapped[str | None] = mapped_column(String(255), default=None, index=True)
