"""The safety gate: which diffs are held for an admin instead of applied.

A run is held when, for any entity type with records from this source before the run,
the share of them it would tombstone exceeds ``max_delete_ratio`` (default 10%) or the
share it would update exceeds ``max_update_ratio`` (default 75%); also every run inside a
rollover blackout window, and every run a source asks to hold (``hold_always``). The
thresholds are per source (``connector_instances.gate``). An entity type the source never
held before (a first sync) has no base and is never held for ratios.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Blackout", "GateConfig", "hold_reasons", "in_blackout"]


class GateConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_delete_ratio: float = Field(default=0.10, ge=0, le=1)
    max_update_ratio: float = Field(default=0.75, ge=0, le=1)
    hold_always: bool = Field(default=False, description="Hold every run for approval.")


class Blackout(BaseModel):
    """A rollover window: runs inside it are never applied without an admin."""

    model_config = ConfigDict(extra="forbid")

    start: date
    end: date
    reason: str = "rollover"


@dataclass(frozen=True)
class Counts:
    before: int
    updated: int
    tombstoned: int


def hold_reasons(gate: GateConfig, counts: Mapping[str, Counts]) -> list[str]:
    reasons: list[str] = []
    if gate.hold_always:
        reasons.append("this source holds every run for approval")
    for entity, c in sorted(counts.items()):
        if c.before <= 0:
            continue
        deleted = c.tombstoned / c.before
        updated = c.updated / c.before
        if deleted > gate.max_delete_ratio:
            reasons.append(
                f"{entity}: {c.tombstoned} of {c.before} records would be deleted "
                f"({deleted:.1%} > {gate.max_delete_ratio:.0%})"
            )
        if updated > gate.max_update_ratio:
            reasons.append(
                f"{entity}: {c.updated} of {c.before} records would be updated "
                f"({updated:.1%} > {gate.max_update_ratio:.0%})"
            )
    return reasons


def in_blackout(blackouts: list[Any] | None, now: datetime) -> Blackout | None:
    today = now.date()
    for raw in blackouts or ():
        window = Blackout.model_validate(raw)
        if window.start <= today <= window.end:
            return window
    return None
