"""OneRoster 1.2 Rostering REST binding at ``/ims/oneroster/rostering/v1p2``."""

from __future__ import annotations

from typing import Final

from interop_hub.auth.dependencies import DemographicsRead, RosterCoreRead, RosterRead
from interop_hub.oneroster.endpoints import Binding

__all__ = ["BINDING", "PREFIX"]

PREFIX: Final = "/ims/oneroster/rostering/v1p2"

BINDING = Binding(
    version="v1p2",
    prefix=PREFIX,
    tag="OneRoster 1.2 Rostering",
    scopes={"core": RosterCoreRead, "roster": RosterRead, "demographics": DemographicsRead},
)
