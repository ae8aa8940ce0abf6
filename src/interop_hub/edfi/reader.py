"""The one read path of Ed-Fi data: every document, delete or key change that leaves the hub
is read here, under the client's authorization filter (``authorization.py``), and recorded in
the disclosure log (``audit``) with the persons whose records were returned.

Person ids in the log are ``{kind}:{uniqueId}`` (``student:604822``) taken from the natural
key of person-keyed resources; a later phase maps them to hub person ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import JSON as PG_JSON
from sqlalchemy.orm import Session

from interop_hub.audit.disclosures import DisclosureEvent, record_disclosure
from interop_hub.edfi.authorization import (
    EdorgAccess,
    access_for,
    deny_read,
    document_filter,
    tombstone_filter,
)
from interop_hub.edfi.documents import DOCUMENTS, TOMBSTONES
from interop_hub.edfi.registry import QueryField, ResourceSpec

__all__ = ["EdfiReader", "Window"]


@dataclass(frozen=True)
class Window:
    offset: int = 0
    limit: int = 25
    min_change_version: int | None = None
    max_change_version: int | None = None


def _persons(resource: ResourceSpec, keys: Sequence[str]) -> list[str] | None:
    person = resource.person_kind
    if person is None:
        return None
    name, kind = person
    found = []
    for key in keys:
        value = orjson.loads(key).get(name)
        if value is not None:
            found.append(f"{kind}:{value}")
    return list(dict.fromkeys(found))


@dataclass
class EdfiReader:
    session: Session
    client_id: str
    endpoint: str
    query: str | None = None
    edorgs: frozenset[int] | None = None  # the client's ed-org grant (None: unrestricted)
    _access: EdorgAccess | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._access = access_for(self.edorgs)

    @property
    def _pg(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _disclose(self, resource: ResourceSpec, count: int, keys: Sequence[str]) -> None:
        record_disclosure(
            self.session,
            DisclosureEvent(
                client_id=self.client_id,
                endpoint=self.endpoint,
                query=self.query,
                entity_type=resource.name,  # the endpoint column shows the surface (/edfi)
                record_count=count,
                person_ids=_persons(resource, keys),
                fields=sorted(resource.plan.known),
            ),
        )

    def _field_condition(self, item: QueryField, value: Any) -> ColumnElement[bool]:
        """``item == value``; a value held in several references (key unification) is read
        from the first one present."""
        if self._pg:
            body = sql_cast(DOCUMENTS.c.body, PG_JSON)
            parts = [body[path].astext for path in item.paths]
            value = value if isinstance(value, str) else orjson.dumps(value).decode()
        else:
            parts = [
                func.json_extract(DOCUMENTS.c.body, "$." + ".".join(path)) for path in item.paths
            ]
            value = int(value) if isinstance(value, bool) else value
        extracted = parts[0] if len(parts) == 1 else func.coalesce(*parts)
        condition: ColumnElement[bool] = extracted == value
        return condition

    def _conditions(
        self,
        resource: ResourceSpec,
        filters: Sequence[tuple[QueryField, Any]],
        window: Window,
        document_id: str | None,
        *,
        restricted: bool = True,
    ) -> list[ColumnElement[bool]]:
        conditions = [DOCUMENTS.c.resource == resource.name]
        if document_id is not None:
            conditions.append(DOCUMENTS.c.id == document_id)
        conditions += [self._field_condition(item, value) for item, value in filters]
        if window.min_change_version is not None:
            conditions.append(DOCUMENTS.c.change_version >= window.min_change_version)
        if window.max_change_version is not None:
            conditions.append(DOCUMENTS.c.change_version <= window.max_change_version)
        restriction = document_filter(self.session, self._access, resource) if restricted else None
        if restriction is not None:
            conditions.append(restriction)
        return conditions

    def get(self, resource: ResourceSpec, document_id: str) -> tuple[str, int, datetime] | None:
        """(body, change version, last modified) of one document, or None; 403 when it
        exists but the client's ed-org grant does not cover it."""
        conditions = self._conditions(resource, (), Window(), document_id, restricted=False)
        restriction = document_filter(self.session, self._access, resource)
        columns: list[ColumnElement[Any]] = [
            DOCUMENTS.c.body,
            DOCUMENTS.c.change_version,
            DOCUMENTS.c.last_modified,
            DOCUMENTS.c.natural_key,
        ]
        if restriction is not None:
            columns.append(restriction.label("allowed"))
        row = self.session.execute(select(*columns).where(*conditions)).first()
        if row is None:
            return None
        if restriction is not None and not row[4]:
            deny_read(resource)
        self._disclose(resource, 1, [row[3]])
        return row[0], int(row[1]), row[2]

    def page(
        self,
        resource: ResourceSpec,
        filters: Sequence[tuple[QueryField, Any]],
        window: Window,
        *,
        with_total: bool = False,
    ) -> tuple[list[tuple[str, str, int, datetime]], int | None]:
        """A page of (id, body, change version, last modified), and the total if asked."""
        conditions = self._conditions(resource, filters, window, None)
        total = None
        if with_total:
            count = select(func.count()).select_from(DOCUMENTS).where(*conditions)
            total = int(self.session.execute(count).scalar_one())
        rows: list[tuple[str, str, int, datetime]] = []
        keys: list[str] = []
        if window.limit > 0:
            stmt = (
                select(
                    DOCUMENTS.c.id,
                    DOCUMENTS.c.body,
                    DOCUMENTS.c.change_version,
                    DOCUMENTS.c.last_modified,
                    DOCUMENTS.c.natural_key,
                )
                .where(*conditions)
                .order_by(DOCUMENTS.c.seq)
                .limit(window.limit)
                .offset(window.offset)
            )
            for row in self.session.execute(stmt):
                rows.append((row[0], row[1], int(row[2]), row[3]))
                keys.append(row[4])
        self._disclose(resource, len(rows), keys)
        return rows, total

    def _tombstone_conditions(
        self, resource: ResourceSpec, kind: str, window: Window
    ) -> list[ColumnElement[bool]]:
        conditions = [TOMBSTONES.c.resource == resource.name, TOMBSTONES.c.kind == kind]
        restriction = tombstone_filter(self.session, self._access, resource)
        if restriction is not None:
            conditions.append(restriction)
        if window.min_change_version is not None:
            conditions.append(TOMBSTONES.c.change_version >= window.min_change_version)
        if window.max_change_version is not None:
            conditions.append(TOMBSTONES.c.change_version <= window.max_change_version)
        return conditions

    def deletes(
        self, resource: ResourceSpec, window: Window, *, with_total: bool = False
    ) -> tuple[list[dict[str, Any]], int | None]:
        conditions = self._tombstone_conditions(resource, "delete", window)
        total = None
        if with_total:
            count = select(func.count()).select_from(TOMBSTONES).where(*conditions)
            total = int(self.session.execute(count).scalar_one())
        stmt = (
            select(TOMBSTONES.c.document_id, TOMBSTONES.c.change_version, TOMBSTONES.c.old_key)
            .where(*conditions)
            .order_by(TOMBSTONES.c.change_version, TOMBSTONES.c.seq)
            .limit(window.limit)
            .offset(window.offset)
        )
        rows = self.session.execute(stmt).all()
        self._disclose(resource, len(rows), [r[2] for r in rows])
        items = [
            {"id": r[0], "changeVersion": int(r[1]), "keyValues": orjson.loads(r[2])} for r in rows
        ]
        return items, total

    def key_changes(
        self, resource: ResourceSpec, window: Window, *, with_total: bool = False
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One entry per document whose key changed in the window, with the key it had
        before the first change and the key after the last one (ODS semantics)."""
        conditions = self._tombstone_conditions(resource, "key_change", window)
        grouped = (
            select(
                TOMBSTONES.c.document_id,
                func.max(TOMBSTONES.c.change_version).label("cv"),
            )
            .where(*conditions)
            .group_by(TOMBSTONES.c.document_id)
            .subquery()
        )
        total = None
        if with_total:
            count = select(func.count()).select_from(grouped)
            total = int(self.session.execute(count).scalar_one())
        stmt = (
            select(grouped.c.document_id, grouped.c.cv)
            .order_by(grouped.c.cv, grouped.c.document_id)
            .limit(window.limit)
            .offset(window.offset)
        )
        page = [(str(r[0]), int(r[1])) for r in self.session.execute(stmt)]
        changes: dict[str, list[tuple[str, str | None]]] = {}
        if page:
            detail = (
                select(TOMBSTONES.c.document_id, TOMBSTONES.c.old_key, TOMBSTONES.c.new_key)
                .where(*conditions, TOMBSTONES.c.document_id.in_([p[0] for p in page]))
                .order_by(TOMBSTONES.c.change_version, TOMBSTONES.c.seq)
            )
            for document_id, old, new in self.session.execute(detail):
                changes.setdefault(document_id, []).append((old, new))
        items: list[dict[str, Any]] = []
        keys: list[str] = []
        for document_id, cv in page:
            steps = changes[document_id]
            keys.append(steps[-1][1] or steps[0][0])
            items.append(
                {
                    "id": document_id,
                    "changeVersion": cv,
                    "oldKeyValues": orjson.loads(steps[0][0]),
                    "newKeyValues": orjson.loads(steps[-1][1] or "{}"),
                }
            )
        self._disclose(resource, len(items), keys)
        return items, total
