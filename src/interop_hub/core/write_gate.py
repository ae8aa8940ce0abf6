"""SQLite: one writer at a time, queued instead of spinning on ``busy_timeout``.

SQLite allows one write transaction per database file. A connection that finds the write
lock taken does not wait on it: SQLite's busy handler *sleeps* and retries (1, 2, 5, 10,
15... ms), so with a few concurrent request threads, and several uvicorn workers, writers
spend more time asleep than writing (measured: 1 connection 304 POSTs/s, 8 connections
212/s). The gate queues them instead: a write transaction first takes a process-wide lock
(threads of one worker) and then an ``flock`` on ``<database>.write-lock`` (the other
worker processes on this machine); the kernel wakes the next waiter as soon as the holder
commits. The gate is released when the session's outermost transaction ends (commit,
rollback or close; ``after_transaction_end``), so it covers exactly the write transaction.

Writers that do not take the gate (the OneRoster importer, the rate limiter, ...) still
work: they and the gated writers meet on SQLite's own lock and ``busy_timeout`` as before.
PostgreSQL needs none of this (row locks queue waiters), so ``enter`` is a no-op there.

Trade-offs: the lock file sits next to the database (one per database, never removed; it
holds no data); a worker process killed while holding the gate releases the ``flock``
with its file descriptor. A thread that opens a second gated session while its first one
is still open would wait for itself; the wait is bounded (``TIMEOUT``) and then falls
back to SQLite's own locking, so such code is slow rather than stuck.
"""

from __future__ import annotations

import fcntl
import os
import threading
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

__all__ = ["TIMEOUT", "enter"]

TIMEOUT: Final = 30.0  # seconds, as the hub's SQLite busy_timeout
_KEY: Final = "interop_hub.write_gate"


class _Gate:
    def __init__(self, path: str | None) -> None:
        self.lock = threading.Lock()
        self.fd: int | None = None
        if path is not None:
            self.fd = os.open(f"{path}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self) -> bool:
        if not self.lock.acquire(timeout=TIMEOUT):
            return False
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_EX)  # blocks without the GIL
        return True

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.lock.release()


_gates: dict[str, _Gate] = {}
_gates_lock = threading.Lock()


def _gate_for(database: str | None) -> _Gate:
    name = database or ":memory:"
    with _gates_lock:
        gate = _gates.get(name)
        if gate is None:
            on_disk = name != ":memory:" and not name.startswith("file:")
            gate = _gates[name] = _Gate(os.path.abspath(name) if on_disk else None)
        return gate


def enter(session: Session) -> None:
    """Before the first statement of a write transaction: on SQLite, wait for the gate
    (once per transaction; released when the transaction ends). No-op elsewhere."""
    if _KEY in session.info:
        return
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return
    gate = _gate_for(bind.engine.url.database)
    if gate.acquire():
        session.info[_KEY] = gate


@event.listens_for(Session, "after_transaction_end")
def _release(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        gate: Any = session.info.pop(_KEY, None)
        if gate is not None:
            gate.release()
