"""Per-client rate limiting in fixed one-minute windows, counted in the database so that every
API worker on every machine shares one budget (nothing is kept in process memory).

A hit is one atomic ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING count`` run on its own
connection in autocommit mode: no ORM session, no separate ``BEGIN``/``COMMIT`` round trips,
and the statements are module-level constants with bound parameters, so SQLAlchemy compiles
each once per dialect. The budget check therefore costs one statement per request (two on
the first request of a new window, which also forgets the client's older windows).
"""

from __future__ import annotations

import time
from typing import Any, Final, cast

from sqlalchemy import Connection, Engine, Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.core.errors import RateLimited
from interop_hub.models import RateLimitWindow

__all__ = ["WINDOW_SECONDS", "enforce_rate_limit", "record_hit"]

WINDOW_SECONDS = 60

_windows = cast(Table, RateLimitWindow.__table__)


def _upsert(insert: Any) -> Any:
    t = _windows
    values = insert(t).values(
        client_id=bindparam("client_id"), window_start=bindparam("window_start"), count=1
    )
    return values.on_conflict_do_update(
        index_elements=[t.c.client_id, t.c.window_start], set_={"count": t.c.count + 1}
    ).returning(t.c.count)


_HIT: Final = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}
_FORGET: Final = delete(_windows).where(
    _windows.c.client_id == bindparam("client_id"),
    _windows.c.window_start < bindparam("window_start"),
)


def _record(conn: Connection, client_id: str, window_start: int) -> int:
    params = {"client_id": client_id, "window_start": window_start}
    count = int(conn.execute(_HIT[conn.dialect.name], params).scalar_one())
    if count == 1:  # first request of a new window: forget this client's older windows
        conn.execute(_FORGET, params)
    return count


def record_hit(session: Session, client_id: str, window_start: int) -> int:
    """Count one request of ``client_id`` in the window (in ``session``'s transaction);
    return the window's count so far."""
    return _record(session.connection(), client_id, window_start)


def enforce_rate_limit(
    factory: sessionmaker[Session], client_id: str, per_minute: int, now: float | None = None
) -> None:
    """Raise ``RateLimited`` (429 with ``Retry-After``) once ``client_id`` exceeds
    ``per_minute`` requests in the current window."""
    now = time.time() if now is None else now
    window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    engine = cast(Engine, factory.kw["bind"])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        count = _record(conn, client_id, window_start)
    if count > per_minute:
        retry_after = max(1, int(window_start + WINDOW_SECONDS - now + 0.999))
        raise RateLimited(
            f"Rate limit of {per_minute} requests per minute exceeded for this client; "
            f"retry after {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )
