"""Whole-child records: attendance events, grades and assessment results of a person.

Hub bookkeeping as on every entity (``EntityMixin``: stable id, status + tombstones, change
version, provenance). ``user_id`` is the person's hub user id; org, class and session ids
are hub ids of those entities. Descriptor-valued facts keep the source's code value
(``category``, ``grade_type``): vocabularies differ by source and are mapped when served.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import EntityMixin, JsonType

__all__ = ["AssessmentResult", "AttendanceEvent", "GradeRecord"]


class AttendanceEvent(EntityMixin, Base):
    """A person's attendance on a day, at a school (``class_id`` empty) or in a class."""

    __tablename__ = "attendance_events"

    user_id: Mapped[str] = mapped_column(String(255), index=True)
    org_id: Mapped[str] = mapped_column(String(255), index=True)
    class_id: Mapped[str | None] = mapped_column(String(255), default=None, index=True)
    session_id: Mapped[str | None] = mapped_column(String(255), default=None)
    event_date: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(String(255), default=None)
    duration: Mapped[float | None] = mapped_column(Float, default=None)


class GradeRecord(EntityMixin, Base):
    """A grade a person earned in a class for a grading period."""

    __tablename__ = "grades"

    user_id: Mapped[str] = mapped_column(String(255), index=True)
    class_id: Mapped[str] = mapped_column(String(255), index=True)
    grading_period: Mapped[str] = mapped_column(String(255))
    grade_type: Mapped[str] = mapped_column(String(255))
    letter_grade: Mapped[str | None] = mapped_column(String(64), default=None)
    numeric_grade: Mapped[float | None] = mapped_column(Float, default=None)
    current: Mapped[bool | None] = mapped_column(Boolean, default=None)


class AssessmentResult(EntityMixin, Base):
    """A person's result on an assessment administration."""

    __tablename__ = "assessment_results"

    user_id: Mapped[str] = mapped_column(String(255), index=True)
    assessment_identifier: Mapped[str] = mapped_column(String(255))
    assessment_namespace: Mapped[str] = mapped_column(String(255))
    administration_date: Mapped[date | None] = mapped_column(Date, default=None)
    school_id: Mapped[str | None] = mapped_column(String(255), default=None)
    scores: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    performance_levels: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
