"""OAuth scope URIs the hub understands, and the one place short names are expanded."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from interop_hub.core.errors import InvalidRequest

__all__ = [
    "ADMIN",
    "ALL_SCOPES",
    "EDFI_READ",
    "EDFI_SCOPE_PREFIX",
    "EDFI_WRITE",
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

# Ed-Fi API (/edfi): the hub's own scope names (the ODS/API has claim sets, not OAuth
# scopes). edfi.read reads every resource, descriptor and change query; edfi.write creates,
# updates and deletes (and reads). Education-organization limits come in a later phase.
EDFI_SCOPE_PREFIX: Final = "urn:interop-hub:scope:"
EDFI_READ: Final = EDFI_SCOPE_PREFIX + "edfi.read"
EDFI_WRITE: Final = EDFI_SCOPE_PREFIX + "edfi.write"
# District IT: connectors, sync runs, holds (/admin). Never granted to vendors.
ADMIN: Final = EDFI_SCOPE_PREFIX + "admin"

ALL_SCOPES: Final = frozenset(
    {
        ROSTER_CORE_READONLY,
        ROSTER_READONLY,
        ROSTER_DEMOGRAPHICS_READONLY,
        EDFI_READ,
        EDFI_WRITE,
        ADMIN,
    }
)


def parse_scope(value: str | None) -> frozenset[str]:
    """Split an OAuth ``scope`` string (space-separated) into a set."""
    return frozenset(s for s in (value or "").split() if s)


SCOPE_DESCRIPTIONS: Final[dict[str, str]] = {
    ROSTER_CORE_READONLY: "Read the base OneRoster rostering collections "
    "(orgs, schools, sessions, courses, classes, users, enrollments); not demographics.",
    ROSTER_READONLY: "Read every OneRoster rostering endpoint except demographics, "
    "including the nested '...For...' endpoints.",
    ROSTER_DEMOGRAPHICS_READONLY: "Read OneRoster demographics (sensitive personal data).",
    EDFI_READ: "Read every Ed-Fi resource, descriptor and change query under /edfi.",
    EDFI_WRITE: "Create, update and delete Ed-Fi resources and descriptors under /edfi "
    "(includes reading them).",
    ADMIN: "Administer the hub: register and run connectors, approve or discard held sync "
    "runs (/admin). For district IT, not for vendors.",
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
            f"(short names, or full URIs under {ONEROSTER_V1P2_SCOPE_PREFIX} "
            f"and {EDFI_SCOPE_PREFIX})."
        )


def expand_scope(name: str) -> str:
    """A full scope URI for ``name``: a known URI as is, a short name such as
    ``roster-core.readonly`` (OneRoster 1.2 prefix) or ``edfi.write`` (Ed-Fi prefix) expanded.
    Raises ``UnknownScopeError`` for anything else."""
    name = name.strip()
    if name in ALL_SCOPES:
        return name
    candidate = _SHORT_NAMES.get(name)
    if candidate is None:
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
    """``https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly`` -> ``roster.readonly``,
    ``urn:interop-hub:scope:edfi.read`` -> ``edfi.read``."""
    return uri.removeprefix(ONEROSTER_V1P2_SCOPE_PREFIX).removeprefix(EDFI_SCOPE_PREFIX)


_SHORT_NAMES: Final = {short_scope(uri): uri for uri in ALL_SCOPES}
