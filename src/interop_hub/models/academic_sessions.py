"""Academic sessions: school years, semesters, terms, grading periods."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import EntityMixin

__all__ = ["AcademicSession"]


class AcademicSession(EntityMixin, Base):
    __tablename__ = "academic_sessions"

    title: Mapped[str] = mapped_column(String(512))
    type: Mapped[str] = mapped_column(String(64), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    parent_id: Mapped[str | None] = mapped_column(String(255), default=None, index=True)
    school_year: Mapped[str] = mapped_column(String(16))
    # The org that owns the session (a school), when known; drives /schools/{id}/terms.
    org_id: Mapped[str | None] = mapped_column(String(255), default=None, index=True)
