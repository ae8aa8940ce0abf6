"""Persons (OneRoster users) with their roles, agents (guardian relationships) and profiles.

Passwords from source feeds are never stored: the hub does not act as a credential store.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import EntityMixin, JsonType

__all__ = ["User", "UserAgent", "UserProfile", "UserRole"]


class User(EntityMixin, Base):
    __tablename__ = "users"

    enabled_user: Mapped[bool] = mapped_column(Boolean, default=True)
    username: Mapped[str | None] = mapped_column(String(255), default=None)
    user_ids: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    given_name: Mapped[str] = mapped_column(String(255))
    family_name: Mapped[str] = mapped_column(String(255))
    middle_name: Mapped[str | None] = mapped_column(String(255), default=None)
    preferred_first_name: Mapped[str | None] = mapped_column(String(255), default=None)
    preferred_middle_name: Mapped[str | None] = mapped_column(String(255), default=None)
    preferred_last_name: Mapped[str | None] = mapped_column(String(255), default=None)
    pronouns: Mapped[str | None] = mapped_column(String(64), default=None)
    identifier: Mapped[str | None] = mapped_column(String(255), default=None)
    user_master_identifier: Mapped[str | None] = mapped_column(String(255), default=None)
    email: Mapped[str | None] = mapped_column(String(320), default=None, index=True)
    sms: Mapped[str | None] = mapped_column(String(64), default=None)
    phone: Mapped[str | None] = mapped_column(String(64), default=None)
    grades: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
    primary_org_id: Mapped[str | None] = mapped_column(String(255), default=None)


class UserRole(Base):
    """One role a user holds at one org (1.2 ``roles[]``; 1.1 scalar role + orgs)."""

    __tablename__ = "user_roles"
    __table_args__ = (
        Index("ix_user_roles_role_user", "role", "user_id"),
        Index("ix_user_roles_org_role", "org_id", "role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(255), index=True)
    role_type: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[str] = mapped_column(String(255))
    user_profile: Mapped[str | None] = mapped_column(String(1024), default=None)
    begin_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    source_key: Mapped[str | None] = mapped_column(String(255), default=None)


class UserAgent(Base):
    """Person-to-person relationship: ``agent_id`` is an agent of ``user_id``
    (a guardian of a student, or the student of a guardian), in source order."""

    __tablename__ = "user_agents"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)
    relationship: Mapped[str | None] = mapped_column(String(64), default=None)
    ordinal: Mapped[int] = mapped_column(Integer, default=0)


class UserProfile(EntityMixin, Base):
    """A user's profile for an app (1.2 ``userProfiles[]``); credentials hold no passwords."""

    __tablename__ = "user_profiles"

    user_id: Mapped[str] = mapped_column(String(255), index=True)
    profile_type: Mapped[str] = mapped_column(String(255))
    vendor_id: Mapped[str] = mapped_column(String(255))
    application_id: Mapped[str | None] = mapped_column(String(255), default=None)
    description: Mapped[str | None] = mapped_column(String(1024), default=None)
    credentials: Mapped[list[Any] | None] = mapped_column(JsonType, default=None)
