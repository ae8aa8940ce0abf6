"""Change queries: the available change versions, and the window an incremental run reads.

``GET {changeQueries}/availableChangeVersions`` answers ``{"NewestChangeVersion": n}`` on
ODS/API 5.x and ``{"oldestChangeVersion": o, "newestChangeVersion": n}`` on 6.x/7.x
(edfi_api_client reads the keys case-insensitively for the same reason). Versions are one
global sequence per ODS.

The sync recipe (Ed-Fi's, and the API Publisher's): note the newest version *before* a
full read and keep it as the bookmark; an incremental run then reads every resource, its
``/deletes`` and its ``/keyChanges`` with ``minChangeVersion = bookmark + 1`` and
``maxChangeVersion = newest`` (both inclusive) and stores that newest version. Changes
made while a run reads fall after its window, so the next run sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interop_hub.core.errors import SourceDataError

__all__ = ["ChangeVersions", "Window", "parse_change_versions", "window_after"]


@dataclass(frozen=True)
class ChangeVersions:
    oldest: int | None
    newest: int


@dataclass(frozen=True)
class Window:
    """Inclusive change-version bounds; empty when nothing changed since the bookmark."""

    low: int
    high: int

    @property
    def empty(self) -> bool:
        return self.low > self.high

    def params(self) -> dict[str, str]:
        return {"minChangeVersion": str(self.low), "maxChangeVersion": str(self.high)}


def _version(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SourceDataError(f"{where}: a change version must be an integer, got {value!r}")
    try:
        return int(value)
    except ValueError:
        raise SourceDataError(
            f"{where}: a change version must be an integer, got {value!r}"
        ) from None


def parse_change_versions(body: Any, url: str) -> ChangeVersions:
    if not isinstance(body, dict):
        raise SourceDataError(f"GET {url}: expected an object with newestChangeVersion")
    folded = {str(k).lower(): v for k, v in body.items()}
    if "newestchangeversion" not in folded:
        raise SourceDataError(f"GET {url}: the answer has no newestChangeVersion: {body!r:.200}")
    newest = _version(folded["newestchangeversion"], f"GET {url}")
    oldest = folded.get("oldestchangeversion")
    return ChangeVersions(
        oldest=_version(oldest, f"GET {url}") if oldest is not None else None, newest=newest
    )


def window_after(bookmark: str, versions: ChangeVersions, url: str) -> Window:
    """The window after ``bookmark``; a bookmark the source cannot continue from (not a
    number, newer than the source, or older than the changes it still keeps) is an error
    that asks for a full run rather than a silent gap."""
    try:
        last = int(bookmark)
    except ValueError:
        raise SourceDataError(
            f"the stored Ed-Fi change version {bookmark!r} is not a number; run a full sync"
        ) from None
    if last > versions.newest:
        raise SourceDataError(
            f"the stored change version {last} is newer than the source's newest "
            f"({versions.newest} at {url}): the ODS was restored or replaced; run a full sync"
        )
    if versions.oldest is not None and last + 1 < versions.oldest:
        raise SourceDataError(
            f"the source keeps changes from version {versions.oldest} on ({url}) but the last "
            f"sync stopped at {last}: changes in between are lost; run a full sync"
        )
    return Window(last + 1, versions.newest)
