"""OneRoster 1.1 rostering paths at ``/ims/oneroster/v1p1`` with 1.1 shapes (users carry a
scalar ``role`` and ``orgs[]``). Same store, same semantics as 1.2; accepts the 1.1 scopes
and their 1.2 equivalents. Operation ids end in ``V1p1`` to stay unique."""

from __future__ import annotations

from typing import Final

from interop_hub.auth.dependencies import V1p1DemographicsRead, V1p1RosterCoreRead, V1p1RosterRead
from interop_hub.oneroster.endpoints import Binding

__all__ = ["BINDING", "PREFIX"]

PREFIX: Final = "/ims/oneroster/v1p1"

BINDING = Binding(
    version="v1p1",
    prefix=PREFIX,
    tag="OneRoster 1.1 Rostering",
    scopes={
        "core": V1p1RosterCoreRead,
        "roster": V1p1RosterRead,
        "demographics": V1p1DemographicsRead,
    },
    operation_suffix="V1p1",
)
