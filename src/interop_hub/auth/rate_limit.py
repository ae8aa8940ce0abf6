"""Per-client rate limiting in fixed one-minute windows, counted in the database so that every
API worker on every machine shares one budget (nothing is kept in process memory)."""

from __future__ import annotations

import time

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.core.db import session_scope
from interop_hub.core.errors import RateLimited
from interop_hub.models import RateLimitWindow

__all__ = ["WINDOW_SECONDS", "enforce_rate_limit", "record_hit"]

WINDOW_SECONDS = 60


def record_hit(session: Session, client_id: str, window_start: int) -> int:
    """Count one request of ``client_id`` in the window; return the window's count so far."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = insert(RateLimitWindow).values(client_id=client_id, window_start=window_start, count=1)
    stmt = values.on_conflict_do_update(
        index_elements=[RateLimitWindow.client_id, RateLimitWindow.window_start],
        set_={"count": RateLimitWindow.count + 1},
    ).returning(RateLimitWindow.count)
    count = int(session.execute(stmt).scalar_one())
    if count == 1:  # first request of a new window: forget this client's older windows
        session.execute(
            delete(RateLimitWindow).where(
                RateLimitWindow.client_id == client_id,
                RateLimitWindow.window_start < window_start,
            )
        )
    return count


def enforce_rate_limit(
    factory: sessionmaker[Session], client_id: str, per_minute: int, now: float | None = None
) -> None:
    """Raise ``RateLimited`` (429 with ``Retry-After``) once ``client_id`` exceeds
    ``per_minute`` requests in the current window."""
    now = time.time() if now is None else now
    window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    with session_scope(factory) as session:
        count = record_hit(session, client_id, window_start)
    if count > per_minute:
        retry_after = max(1, int(window_start + WINDOW_SECONDS - now + 0.999))
        raise RateLimited(
            f"Rate limit of {per_minute} requests per minute exceeded for this client; "
            f"retry after {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )
