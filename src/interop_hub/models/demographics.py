"""Demographics; ``sourced_id`` equals the user's sourcedId."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import EntityMixin

__all__ = ["Demographics"]


class Demographics(EntityMixin, Base):
    __tablename__ = "demographics"

    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    sex: Mapped[str | None] = mapped_column(String(32), default=None)
    american_indian_or_alaska_native: Mapped[bool | None] = mapped_column(Boolean, default=None)
    asian: Mapped[bool | None] = mapped_column(Boolean, default=None)
    black_or_african_american: Mapped[bool | None] = mapped_column(Boolean, default=None)
    native_hawaiian_or_other_pacific_islander: Mapped[bool | None] = mapped_column(
        Boolean, default=None
    )
    white: Mapped[bool | None] = mapped_column(Boolean, default=None)
    demographic_race_two_or_more_races: Mapped[bool | None] = mapped_column(Boolean, default=None)
    hispanic_or_latino_ethnicity: Mapped[bool | None] = mapped_column(Boolean, default=None)
    country_of_birth_code: Mapped[str | None] = mapped_column(String(16), default=None)
    state_of_birth_abbreviation: Mapped[str | None] = mapped_column(String(16), default=None)
    city_of_birth: Mapped[str | None] = mapped_column(String(255), default=None)
    public_school_residence_status: Mapped[str | None] = mapped_column(String(255), default=None)
