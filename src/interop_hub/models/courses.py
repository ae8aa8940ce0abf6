"""Courses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import EntityMixin, JsonType

__all__ = ["Course"]


class Course(EntityMixin, Base):
    __tablename__ = "courses"

    title: Mapped[str] = mapped_column(String(512))
    course_code: Mapped[str] = mapped_column(String(255))
    school_year_id: Mapped[str | None] = mapped_column(String(255), default=None)
    org_id: Mapped[str | None] = mapped_column(String(255), default=None, index=True)
    grades: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    subjects: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    subject_codes: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
