"""OAuth scope URIs the hub understands, and the one place short names are expanded."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from interop_hub.core.errors import InvalidRequest

__all__ = [
    "ALL_SCOPES",
    "ONEROSTER_V1P1_SCOPE_PREFIX",
    "ONEROSTER_V1P2_SCOPE_PREFIX",
    "ROSTER_CORE_READONLY",
    "ROSTER_DEMOGRAPHICS_READONLY",
    "ROSTER_READONLY",
    "SCOPE_DESCRIPTIONS",
    "V1P1_EQUIVALENTS",
    "V1P1_ROSTER_CORE_READONLY",
    "V1P1_ROSTER_DEMOGRAPHICS_READONLY",
    "V1P1_ROSTER_READONLY",
    "UnknownScopeError",
    "expand_scope",
    "normalize_scopes",
    "parse_scope",
    "short_scope",
]

ONEROSTER_V1P2_SCOPE_PREFIX: Final = "https://purl.imsglobal.org/spec/or/v1p2/scope/"
ONEROSTER_V1P1_SCOPE_PREFIX: Final = "https://purl.imsglobal.org/spec/or/v1p1/scope/"

ROSTER_CORE_READONLY: Final = ONEROSTER_V1P2_SCOPE_PREFIX + "roster-core.readonly"
ROSTER_READONLY: Final = ONEROSTER_V1P2_SCOPE_PREFIX + "roster.readonly"
ROSTER_DEMOGRAPHICS_READONLY: Final = ONEROSTER_V1P2_SCOPE_PREFIX + "roster-demographics.readonly"

# OneRoster 1.1 (2020 OAuth2 errata) equivalents, accepted on the /ims/oneroster/v1p1 routes.
V1P1_ROSTER_CORE_READONLY: Final = ONEROSTER_V1P1_SCOPE_PREFIX + "roster-core.readonly"
V1P1_ROSTER_READONLY: Final = ONEROSTER_V1P1_SCOPE_PREFIX + "roster.readonly"
V1P1_ROSTER_DEMOGRAPHICS_READONLY: Final = (
    ONEROSTER_V1P1_SCOPE_PREFIX + "roster-demographics.readonly"
)

ALL_SCOPES: Final = frozenset({ROSTER_CORE_READONLY, ROSTER_READONLY, ROSTER_DEMOGRAPHICS_READONLY})


def parse_scope(value: str | None) -> frozenset[str]:
    """Split an OAuth ``scope`` string (space-separated) into a set."""
    return frozenset(s for s in (value or "").split() if s)


SCOPE_DESCRIPTIONS: Final[dict[str, str]] = {
    ROSTER_CORE_READONLY: "Read the base OneRoster rostering collections "
    "(orgs, schools, sessions, courses, classes, users, enrollments); not demographics.",
    ROSTER_READONLY: "Read every OneRoster rostering endpoint except demographics, "
    "including the nested '...For...' endpoints.",
    ROSTER_DEMOGRAPHICS_READONLY: "Read OneRoster demographics (sensitive personal data).",
}


V1P1_EQUIVALENTS: Final[dict[str, str]] = {
    V1P1_ROSTER_CORE_READONLY: ROSTER_CORE_READONLY,
    V1P1_ROSTER_READONLY: ROSTER_READONLY,
    V1P1_ROSTER_DEMOGRAPHICS_READONLY: ROSTER_DEMOGRAPHICS_READONLY,
}
"""OneRoster 1.1 scope URI -> the 1.2 scope a client must be allowed to be granted it. The
registry stores 1.2 scopes only; a 1.1 consumer may still ask the token endpoint for the
1.1 URIs (2020 errata), which the /ims/oneroster/v1p1 routes accept."""


class UnknownScopeError(InvalidRequest):
    """One or more scope names are not scopes this hub understands."""

    code_minor = "invalid_scope"

    def __init__(self, unknown: Iterable[str]) -> None:
        self.unknown = tuple(sorted(set(unknown)))
        known = ", ".join(sorted(short_scope(s) for s in ALL_SCOPES))
        super().__init__(
            f"Unknown scope: {' '.join(self.unknown)}. Known scopes: {known} "
            f"(short names, or full URIs under {ONEROSTER_V1P2_SCOPE_PREFIX})."
        )


def expand_scope(name: str) -> str:
    """A full scope URI for ``name``: a known URI as is, a short name such as
    ``roster-core.readonly`` prefixed with the OneRoster 1.2 scope prefix.
    Raises ``UnknownScopeError`` for anything else."""
    name = name.strip()
    candidate = name if "/" in name else ONEROSTER_V1P2_SCOPE_PREFIX + name
    if candidate not in ALL_SCOPES:
        raise UnknownScopeError([name])
    return candidate


def normalize_scopes(names: Iterable[str]) -> frozenset[str]:
    """Expand every name (each may itself be a space-separated list) to a full URI.

    Reports every unknown name at once rather than only the first.
    """
    expanded: set[str] = set()
    unknown: list[str] = []
    for value in names:
        for name in value.split():
            try:
                expanded.add(expand_scope(name))
            except UnknownScopeError:
                unknown.append(name)
    if unknown:
        raise UnknownScopeError(unknown)
    return frozenset(expanded)


def short_scope(uri: str) -> str:
    """``https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly`` -> ``roster.readonly``."""
    return uri.removeprefix(ONEROSTER_V1P2_SCOPE_PREFIX)
