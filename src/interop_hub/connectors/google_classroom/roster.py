"""The people of a Classroom domain, gathered across course rosters.

``students.list`` and ``teachers.list`` return one entry per course membership, each
carrying the member's ``UserProfile``; a student in six courses comes six times. The
staged users file must hold each person once (the importer rejects a repeated
sourcedId), so ``People`` keeps the first profile of every user id and the roles the
memberships give them: ``teacher`` and/or ``student`` at the school, the teacher role
primary when a user holds both (a teacher taking a professional-development course).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["People", "split_name"]

_RANK: Final = {"teacher": 0, "student": 1}
_UNKNOWN: Final = "(unknown)"


def split_name(profile: Mapping[str, Any]) -> tuple[str, str]:
    """``(givenName, familyName)``; both are required by OneRoster. Google may return an
    empty or partial ``name`` (a profile the caller may not fully see): fall back on
    ``fullName`` split at its last space (a one-word name fills both), then on
    ``(unknown)``."""
    name = profile.get("name")
    name = name if isinstance(name, Mapping) else {}
    given = _text(name.get("givenName"))
    family = _text(name.get("familyName"))
    head, _, tail = _text(name.get("fullName")).rpartition(" ")
    given = given or head.strip() or tail
    family = family or tail
    return given or _UNKNOWN, family or _UNKNOWN


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass
class People:
    school_id: str
    _profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    _roles: dict[str, set[str]] = field(default_factory=dict)

    def add(self, user_id: str, role: str, profile: object) -> None:
        if user_id not in self._profiles:
            self._profiles[user_id] = dict(profile) if isinstance(profile, Mapping) else {}
        self._roles.setdefault(user_id, set()).add(role)

    def __len__(self) -> int:
        return len(self._profiles)

    def records(self) -> Iterator[dict[str, Any]]:
        """One ``people`` record per user: the profile plus the mapping's ``_`` fields."""
        for user_id, profile in self._profiles.items():
            given, family = split_name(profile)
            roles = sorted(self._roles[user_id], key=lambda r: _RANK.get(r, 9))
            yield {
                "id": user_id,
                "profile": profile,
                "_given": given,
                "_family": family,
                "_user_ids": f"{{Google:{user_id}}}",
                "_school": self.school_id,
                "_roles": [
                    {
                        "sourcedId": f"{user_id}:{self.school_id}:{role}",
                        "role": role,
                        "roleType": "primary" if i == 0 else "secondary",
                    }
                    for i, role in enumerate(roles)
                ],
            }
