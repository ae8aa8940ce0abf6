"""What the matcher sees of one source's person record, and what it decides.

Pure data (no SQLAlchemy, no FastAPI): built by the sync from the canonical user, its
demographics and ``userIds[]``, by the evaluation harness from generated records, and by the
tests directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "Action",
    "Identifier",
    "PersonRecord",
    "RecordRef",
    "Role",
    "SourceTier",
]

Role = Literal["student", "staff", "guardian"]
"""Matching population: each role has its own rules and never links across roles."""

SourceTier = Literal["state", "sis", "lms", "assessment", "other"]
"""What kind of system a source is; survivorship ranks them state > sis > lms > assessment."""

Action = Literal["link", "review", "new"]


@dataclass(frozen=True, slots=True)
class Identifier:
    """An id together with the system that issued it. ``system`` is e.g. ``state:CA``
    (a state student id), ``district:<district key>`` (a district SIS number), or
    ``source:<source name>`` (only meaningful inside that source). Two different values
    from the same ``system`` for one person are a hard conflict."""

    system: str
    value: str
    authoritative: bool = False
    """True when the id links on its own (state id; district id within its district)."""


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A source record's identity: which source, and its key there."""

    source: str
    key: str


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One source's view of one person. Every field but ``ref``, ``role`` and ``tier`` may be
    missing; placeholder values (a 1900-01-01 birth date) are the engine's to discount."""

    ref: RecordRef
    role: Role
    tier: SourceTier
    given_name: str | None = None
    middle_name: str | None = None
    family_name: str | None = None
    preferred_given_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    email: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    household: str | None = None
    """A key shared by the people of one household (address, or the set of guardians)."""
    school: str | None = None
    grade: str | None = None
