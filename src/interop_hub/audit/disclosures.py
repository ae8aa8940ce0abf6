"""Write path of the disclosure log (the ``disclosures`` table).

One row per primary read served to a client: who, when, which endpoint and query, which
entity type, how many records, which persons' records and which fields. Rows are only ever
inserted; they commit with the request, before the response is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, null
from sqlalchemy.orm import Session

from interop_hub.core.clock import utcnow
from interop_hub.models import Disclosure

__all__ = ["DisclosureEvent", "record_disclosure"]


@dataclass(frozen=True)
class DisclosureEvent:
    client_id: str
    endpoint: str
    query: str | None
    entity_type: str
    record_count: int
    person_ids: Sequence[str] | None
    fields: Sequence[str]


def record_disclosure(session: Session, event: DisclosureEvent) -> None:
    session.execute(
        insert(Disclosure).values(
            at=utcnow(),
            client_id=event.client_id,
            endpoint=event.endpoint,
            query=event.query or None,
            entity_type=event.entity_type,
            record_count=event.record_count,
            person_ids=list(event.person_ids) if event.person_ids is not None else null(),
            fields=list(event.fields),
        )
    )
