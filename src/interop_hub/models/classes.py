"""Classes (sections) and their terms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import EntityMixin, JsonType

__all__ = ["Class", "ClassTerm"]


class Class(EntityMixin, Base):
    __tablename__ = "classes"

    title: Mapped[str] = mapped_column(String(512))
    class_code: Mapped[str | None] = mapped_column(String(255), default=None)
    class_type: Mapped[str | None] = mapped_column(String(64), default=None)
    location: Mapped[str | None] = mapped_column(String(255), default=None)
    course_id: Mapped[str] = mapped_column(String(255), index=True)
    school_id: Mapped[str] = mapped_column(String(255), index=True)
    grades: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    subjects: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    subject_codes: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    periods: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)


class ClassTerm(Base):
    """A class meets in one or more terms (OneRoster ``terms[]``), in source order."""

    __tablename__ = "class_terms"

    class_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    term_id: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)
    ordinal: Mapped[int] = mapped_column(Integer, default=0)
