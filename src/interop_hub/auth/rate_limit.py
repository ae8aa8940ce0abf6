"""Per-client rate limiting in fixed one-minute windows, counted in the database so that every
API worker on every machine shares one budget.

A hit is one atomic ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING count`` run on its own
connection in autocommit mode: no ORM session, no separate ``BEGIN``/``COMMIT`` round trips,
and the statements are module-level constants with bound parameters, so SQLAlchemy compiles
each once per dialect.

**Leases** (``RateLimiter``, what the request path uses). One write per request is still a
durable commit per request (on SQLite it even queues for the database's single write lock
next to the data writes). So a worker takes its slots in blocks: the statement adds ``n``
to the window's count and the worker then admits up to ``n`` requests from memory. The
database count is therefore the number of slots *handed out*, never less than the requests
admitted, so all workers together still admit at most ``per_minute`` requests per window
(never more). The price is that slots a worker holds but does not use are unavailable to
the others until the window ends, so a client spread over several workers may get its 429
slightly early; the block size is bounded by ``LEASE_MAX`` and shrinks with what is left of
the budget (``remaining // LEASE_DIVISOR``, at least 1), so near the limit every request is
counted one by one, exactly as before, and small budgets (under ``2 * LEASE_DIVISOR``) are
always exact.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import Connection, Engine, Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.core.errors import RateLimited
from interop_hub.models import RateLimitWindow

__all__ = [
    "LEASE_MAX",
    "WINDOW_SECONDS",
    "RateLimiter",
    "enforce_rate_limit",
    "limiter_for",
    "record_hit",
]

WINDOW_SECONDS = 60
LEASE_MAX: Final = 100
LEASE_DIVISOR: Final = 16

_windows = cast(Table, RateLimitWindow.__table__)


def _upsert(insert: Any) -> Any:
    t = _windows
    values = insert(t).values(
        client_id=bindparam("client_id"), window_start=bindparam("window_start"), count=1
    )
    return values.on_conflict_do_update(
        index_elements=[t.c.client_id, t.c.window_start], set_={"count": t.c.count + 1}
    ).returning(t.c.count)


def _take(insert: Any) -> Any:
    t = _windows
    values = insert(t).values(
        client_id=bindparam("client_id"),
        window_start=bindparam("window_start"),
        count=bindparam("n"),
    )
    return values.on_conflict_do_update(
        index_elements=[t.c.client_id, t.c.window_start],
        set_={"count": t.c.count + values.excluded.count},
    ).returning(t.c.count)


_HIT: Final = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}
_TAKE: Final = {"postgresql": _take(postgresql.insert), "sqlite": _take(sqlite.insert)}
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


def _window(now: float) -> int:
    return int(now // WINDOW_SECONDS) * WINDOW_SECONDS


def _limited(per_minute: int, window_start: int, now: float) -> RateLimited:
    retry_after = max(1, int(window_start + WINDOW_SECONDS - now + 0.999))
    return RateLimited(
        f"Rate limit of {per_minute} requests per minute exceeded for this client; "
        f"retry after {retry_after} s.",
        headers={"Retry-After": str(retry_after)},
    )


@dataclass
class _Lease:
    window_start: int
    slots: int  # admitted from memory before the next statement
    counted: int  # the window's count the last statement returned


class RateLimiter:
    """The request path's limiter for one database: slots are taken in blocks (see the
    module docstring). ``admit`` answers from memory when it can; otherwise it says how many
    slots to take with ``take`` (a statement, run off the event loop by the caller)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._leases: dict[str, _Lease] = {}
        self._lock = threading.Lock()
        self._take_lock = threading.Lock()

    def admit(self, client_id: str, per_minute: int, now: float) -> bool:
        """Use a held slot: True if the request is admitted without the database."""
        window_start = _window(now)
        with self._lock:
            lease = self._leases.get(client_id)
            if lease is not None and lease.window_start == window_start and lease.slots > 0:
                lease.slots -= 1
                return True
        return False

    def take(self, client_id: str, per_minute: int, now: float) -> None:
        """Take a block of slots from the shared count and use one; raise ``RateLimited``
        when the budget is spent. One take at a time per process: concurrent requests that
        ran out together wait for it and use its block instead of each taking one."""
        window_start = _window(now)
        with self._take_lock:
            if self.admit(client_id, per_minute, now):
                return  # another request refilled the lease meanwhile
            with self._lock:
                lease = self._leases.get(client_id)
                current = lease is not None and lease.window_start == window_start
                counted = lease.counted if lease is not None and current else 0
            n = max(1, min(LEASE_MAX, (per_minute - counted) // LEASE_DIVISOR))
            params = {"client_id": client_id, "window_start": window_start, "n": n}
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                count = int(conn.execute(_TAKE[conn.dialect.name], params).scalar_one())
                if count == n:  # the window's first slots: forget the client's older windows
                    conn.execute(_FORGET, params)
            granted = min(n, per_minute - (count - n))
            with self._lock:
                self._leases[client_id] = _Lease(window_start, max(0, granted - 1), count)
        if granted <= 0:
            raise _limited(per_minute, window_start, now)


_limiters: weakref.WeakKeyDictionary[Engine, RateLimiter] = weakref.WeakKeyDictionary()
_limiters_lock = threading.Lock()


def limiter_for(factory: sessionmaker[Session]) -> RateLimiter:
    """The process's ``RateLimiter`` of the sessionmaker's database."""
    engine = cast(Engine, factory.kw["bind"])
    with _limiters_lock:
        limiter = _limiters.get(engine)
        if limiter is None:
            limiter = _limiters[engine] = RateLimiter(engine)
        return limiter


def enforce_rate_limit(
    factory: sessionmaker[Session], client_id: str, per_minute: int, now: float | None = None
) -> None:
    """Raise ``RateLimited`` (429 with ``Retry-After``) once ``client_id`` exceeds
    ``per_minute`` requests in the current window."""
    now = time.time() if now is None else now
    window_start = _window(now)
    engine = cast(Engine, factory.kw["bind"])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        count = _record(conn, client_id, window_start)
    if count > per_minute:
        raise _limited(per_minute, window_start, now)
