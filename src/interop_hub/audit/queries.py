"""Auditor queries over the disclosure log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import String, Table, column, exists, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from interop_hub.models import Disclosure

__all__ = ["disclosures_of_person"]


def disclosures_of_person(
    session: Session, person_id: str, *, since: datetime | None = None, limit: int = 1000
) -> list[tuple[Any, ...]]:
    """Every disclosure whose records included ``person_id``, newest first."""
    t = cast(Table, Disclosure.__table__)
    if session.get_bind().dialect.name == "postgresql":
        elements = func.jsonb_array_elements_text(t.c.person_ids).table_valued(
            column("value", String)
        )
    else:
        elements = func.json_each(type_coerce(t.c.person_ids, String)).table_valued(
            column("value", String)
        )
    contains = exists(select(literal(1)).select_from(elements).where(elements.c.value == person_id))
    stmt = select(
        t.c.id, t.c.at, t.c.client_id, t.c.endpoint, t.c.query, t.c.entity_type, t.c.record_count
    ).where(t.c.person_ids.is_not(None), contains)
    if since is not None:
        stmt = stmt.where(t.c.at >= since)
    rows = session.execute(stmt.order_by(t.c.at.desc(), t.c.id.desc()).limit(limit))
    return [tuple(row) for row in rows]
