"""Write path of the disclosure log (the ``disclosures`` table).

One row per primary read served to a client: who, when, which endpoint and query, which
entity type, how many records, which persons' records and which fields. Rows are only ever
inserted; they commit with the request, before the response is sent.

The insert is a Core statement built once per dialect (bound parameters only, so it is
compiled once and reused) and run on the session's connection, in the request's
transaction. The JSON columns (``person_ids``, ``fields``) are encoded with orjson and
bound as text: a 1000-record page names up to 1000 persons, which the generic JSON bind
processor would encode with the standard library on every request. PostgreSQL casts the
text to ``jsonb``; SQLite stores it as the JSON text it is. Either way the stored value is
the same JSON array the ORM would have written (SQL ``NULL`` when there are no persons).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

import orjson
from sqlalchemy import String, Table, bindparam, insert
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from interop_hub.core.clock import utcnow
from interop_hub.models import Disclosure

__all__ = ["DisclosureEvent", "record_disclosure"]

_table = cast(Table, Disclosure.__table__)


@dataclass(frozen=True)
class DisclosureEvent:
    client_id: str
    endpoint: str
    query: str | None
    entity_type: str
    record_count: int
    person_ids: Sequence[str] | None
    fields: Sequence[str]


def _insert(json_text: Any) -> Any:
    return insert(_table).values(
        at=bindparam("at", type_=_table.c.at.type),
        client_id=bindparam("client_id"),
        endpoint=bindparam("endpoint"),
        query=bindparam("query"),
        entity_type=bindparam("entity_type"),
        record_count=bindparam("record_count"),
        person_ids=json_text("person_ids"),
        fields=json_text("fields"),
    )


def _pg_json(name: str) -> Any:
    return sql_cast(bindparam(name, type_=String()), JSONB())


def _sqlite_json(name: str) -> Any:
    return bindparam(name, type_=String())


_INSERTS: Final = {"postgresql": _insert(_pg_json), "sqlite": _insert(_sqlite_json)}


def record_disclosure(session: Session, event: DisclosureEvent) -> None:
    conn = session.connection()
    persons = event.person_ids
    conn.execute(
        _INSERTS[conn.dialect.name],
        {
            "at": utcnow(),
            "client_id": event.client_id,
            "endpoint": event.endpoint,
            "query": event.query or None,
            "entity_type": event.entity_type,
            "record_count": event.record_count,
            "person_ids": None if persons is None else orjson.dumps(list(persons)).decode(),
            "fields": orjson.dumps(list(event.fields)).decode(),
        },
    )
