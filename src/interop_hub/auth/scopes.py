"""OAuth scope URIs the hub understands."""

from __future__ import annotations

from typing import Final

__all__ = [
    "ALL_SCOPES",
    "ONEROSTER_V1P1_SCOPE_PREFIX",
    "ONEROSTER_V1P2_SCOPE_PREFIX",
    "ROSTER_CORE_READONLY",
    "ROSTER_DEMOGRAPHICS_READONLY",
    "ROSTER_READONLY",
    "parse_scope",
]

ONEROSTER_V1P2_SCOPE_PREFIX: Final = "https://purl.imsglobal.org/spec/or/v1p2/scope/"
ONEROSTER_V1P1_SCOPE_PREFIX: Final = "https://purl.imsglobal.org/spec/or/v1p1/scope/"

ROSTER_CORE_READONLY: Final = ONEROSTER_V1P2_SCOPE_PREFIX + "roster-core.readonly"
ROSTER_READONLY: Final = ONEROSTER_V1P2_SCOPE_PREFIX + "roster.readonly"
ROSTER_DEMOGRAPHICS_READONLY: Final = ONEROSTER_V1P2_SCOPE_PREFIX + "roster-demographics.readonly"

ALL_SCOPES: Final = frozenset({ROSTER_CORE_READONLY, ROSTER_READONLY, ROSTER_DEMOGRAPHICS_READONLY})


def parse_scope(value: str | None) -> frozenset[str]:
    """Split an OAuth ``scope`` string (space-separated) into a set."""
    return frozenset(s for s in (value or "").split() if s)
