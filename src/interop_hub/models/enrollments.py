"""Enrollments of users in classes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import EntityMixin

__all__ = ["Enrollment"]


class Enrollment(EntityMixin, Base):
    __tablename__ = "enrollments"

    user_id: Mapped[str] = mapped_column(String(255), index=True)
    class_id: Mapped[str] = mapped_column(String(255), index=True)
    school_id: Mapped[str] = mapped_column(String(255), index=True)
    role: Mapped[str] = mapped_column(String(64))
    primary: Mapped[bool | None] = mapped_column(Boolean, default=None)
    begin_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
