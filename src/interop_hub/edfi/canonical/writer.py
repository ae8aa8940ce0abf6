"""Writes of one Ed-Fi request onto the canonical tables, stamped with its change version.

Only rows whose values change are written (a restated document changes nothing); every
changed row gets the request's change version and time, ``source='edfi'``, and is active.
Nothing is hard-deleted: a removed entity becomes ``tobedeleted``. Child rows (roles,
agents, class terms) carry no status; changing them stamps their parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import orjson
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from interop_hub.edfi import documents
from interop_hub.edfi.extract import key_hash
from interop_hub.models import Crosswalk
from interop_hub.models.base import EntityMixin

__all__ = ["SOURCE", "Writer"]

SOURCE: Final = "edfi"


@dataclass
class Writer:
    session: Session
    version: int
    now: datetime

    def upsert(self, model: type[EntityMixin], sourced_id: str, values: dict[str, Any]) -> None:
        row = self.session.get(model, sourced_id)
        if row is None:
            self.session.add(
                model(  # type: ignore[call-arg]
                    sourced_id=sourced_id,
                    status="active",
                    **self._stamp(),
                    **values,
                )
            )
            return
        if row.status == "active" and all(getattr(row, k) == v for k, v in values.items()):
            return
        for name, value in {"status": "active", **self._stamp(), **values}.items():
            setattr(row, name, value)

    def tombstone(self, model: type[EntityMixin], sourced_id: str) -> None:
        row = self.session.get(model, sourced_id)
        if row is not None and row.status != "tobedeleted":
            row.status = "tobedeleted"
            for name, value in self._stamp().items():
                setattr(row, name, value)

    def touch(self, model: type[EntityMixin], sourced_id: str) -> None:
        """Stamp a parent whose child rows changed."""
        row = self.session.get(model, sourced_id)
        if row is not None:
            row.change_version = self.version
            row.date_last_modified = self.now

    def replace_children(
        self, model: type[Any], where: dict[str, Any], rows: list[dict[str, Any]]
    ) -> bool:
        """Make the rows of ``model`` matching ``where`` equal ``rows``; True if they changed."""
        cond = [getattr(model, k) == v for k, v in where.items()]
        current = list(self.session.scalars(select(model).where(*cond)))
        names = sorted({k for r in rows for k in r} | set(where))
        have = sorted(tuple(getattr(c, n) for n in names) for c in current)
        want = sorted(tuple({**where, **r}.get(n) for n in names) for r in rows)
        if have == want:
            return False
        self.session.execute(delete(model).where(*cond))
        self.session.add_all(model(**where, **r) for r in rows)
        self.session.flush()
        return True

    def crosswalk(self, entity: str, key: str) -> str | None:
        row = self.session.get(Crosswalk, (SOURCE, entity, key))
        return row.hub_id if row is not None else None

    def link(self, entity: str, key: str, hub_id: str) -> None:
        row = self.session.get(Crosswalk, (SOURCE, entity, key))
        if row is None:
            self.session.add(
                Crosswalk(
                    source=SOURCE,
                    entity_type=entity,
                    source_key=key,
                    hub_id=hub_id,
                    first_seen_at=self.now,
                    last_seen_at=self.now,
                )
            )
        else:
            row.last_seen_at = self.now

    def document(self, resource: str, key: dict[str, Any]) -> dict[str, Any] | None:
        """The stored Ed-Fi document of ``resource`` with natural key ``key``."""
        stored = documents.load_by_hash(self.session, key_hash(resource, key))
        if stored is None:
            return None
        body: dict[str, Any] = orjson.loads(stored.body)
        return body

    def _stamp(self) -> dict[str, Any]:
        return {
            "change_version": self.version,
            "date_last_modified": self.now,
            "source": SOURCE,
            "source_seen_at": self.now,
        }
