"""Clever's events feed, collapsed into one change per record.

``GET /events?starting_after=<id>`` lists, oldest first, what changed in the district
after the event ``<id>``: each event is ``{"id", "type": "<collection>.<action>",
"created", "data": {"object": <the record>}}``; ``updated`` events also carry
``previous_attributes`` (the changed fields' prior values; read from ``data`` or from the
event itself). Clever keeps events for 30 days.

A delta package may hold each record once (the importer rejects duplicates), so the
events of one record collapse: the last event decides the record's state (its object, or
a tombstone when it was ``deleted``), and the first one tells the state before the
window: none for ``created``, the object with ``previous_attributes`` laid over it for
``updated``, the object itself for ``deleted``. That earlier state is what lets a delta
retire the roles a user lost and the enrollments of students who left a section.

Collections the hub does not map (``resources``, and whatever Clever adds later) and
unknown actions are counted in ``ignored`` and otherwise skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from interop_hub.connectors.clever.records import deep_merge, text
from interop_hub.core.errors import SourceDataError

__all__ = ["COLLECTIONS", "Change", "EventLog"]

# In the order a delta emits them (referenced records first, as in a full run).
COLLECTIONS: Final = ("districts", "schools", "terms", "courses", "users", "sections")
_ACTIONS: Final = frozenset({"created", "updated", "deleted"})


@dataclass
class Change:
    """The net change of one record over the events read."""

    collection: str
    id: str
    before: dict[str, Any] | None  # the record before the first event (None: it was new)
    after: dict[str, Any]  # the record as of the last event
    deleted: bool  # the last event deleted it
    created: str  # when the last event happened
    events: int = 1


def _previous(event: Mapping[str, Any], data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for holder in (data, event):
        previous = holder.get("previous_attributes")
        if isinstance(previous, Mapping):
            return previous
    return None


class EventLog:
    def __init__(self) -> None:
        self.changes: dict[tuple[str, str], Change] = {}
        self.ignored: Counter[str] = Counter()
        self.read = 0

    def add(self, event: Mapping[str, Any]) -> None:
        self.read += 1
        kind = text(event.get("type"))
        collection, _, action = kind.partition(".")
        if collection not in COLLECTIONS or action not in _ACTIONS:
            self.ignored[kind or "(no type)"] += 1
            return
        data = event.get("data")
        obj = data.get("object") if isinstance(data, Mapping) else None
        record_id = text(obj.get("id")) if isinstance(obj, Mapping) else ""
        if not isinstance(data, Mapping) or not isinstance(obj, Mapping) or not record_id:
            raise SourceDataError(
                f"events: event {text(event.get('id')) or '(no id)'} ({kind}) has no "
                "data.object with an id"
            )
        after = dict(obj)
        created = text(event.get("created"))
        key = (collection, record_id)
        change = self.changes.get(key)
        if change is None:
            if action == "created":
                before: dict[str, Any] | None = None
            elif action == "updated":
                previous = _previous(event, data)
                before = deep_merge(after, previous) if previous else dict(after)
            else:
                before = dict(after)
            self.changes[key] = Change(
                collection, record_id, before, after, action == "deleted", created
            )
            return
        change.after = after
        change.deleted = action == "deleted"
        change.created = created or change.created
        change.events += 1

    def ordered(self) -> Iterator[Change]:
        """The changes, collection by collection (``COLLECTIONS``), in first-event order."""
        for collection in COLLECTIONS:
            for (name, _), change in self.changes.items():
                if name == collection:
                    yield change
