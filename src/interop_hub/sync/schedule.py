"""Scheduling: which connector instances are due, and starting their runs.

``tick`` is the whole scheduler: it claims each due instance by moving its
``next_run_at`` forward in a guarded ``UPDATE`` (so two schedulers never start the same
slot twice), starts a run (``trigger="schedule"``; a snapshot-only connector runs full),
and hands the run id to ``dispatch``. It skips paused instances, instances inside a
blackout window, and instances with a held or active run (the slot moves on; the next
tick tries again). On the embedded default ``InProcessScheduler`` calls it every few
seconds in a thread; with PostgreSQL a procrastinate periodic task calls it
(``sync.queue``), and dispatch defers a job to the worker pool.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, select, update

from interop_hub.config import Settings
from interop_hub.core.clock import utcnow
from interop_hub.core.errors import HubError
from interop_hub.models import ConnectorInstance
from interop_hub.sync.gate import in_blackout
from interop_hub.sync.instances import next_due
from interop_hub.sync.runner import execute_run, recover, start_run

__all__ = ["InProcessScheduler", "tick"]

log = logging.getLogger(__name__)


def tick(engine: Engine, settings: Settings, dispatch: Callable[[int], None]) -> list[int]:
    """Start every due run; return their ids."""
    now = utcnow()
    started: list[int] = []
    with engine.connect() as conn:
        due = list(
            conn.execute(
                select(ConnectorInstance).where(
                    ConnectorInstance.next_run_at.is_not(None),
                    ConnectorInstance.next_run_at <= now,
                )
            )
        )
    for row in due:
        with engine.begin() as conn:
            claimed = conn.execute(
                update(ConnectorInstance)
                .where(
                    ConnectorInstance.id == row.id,
                    ConnectorInstance.next_run_at == row.next_run_at,
                )
                .values(next_run_at=next_due(row, now))
            ).rowcount
        if not claimed or row.paused or in_blackout(row.blackouts, now):
            continue
        try:
            run_id = start_run(engine, settings, row.id, mode=row.schedule_mode, trigger="schedule")
        except HubError as exc:
            log.info("scheduled run of %s skipped: %s", row.name, exc.message)
            continue
        dispatch(run_id)
        started.append(run_id)
    return started


class InProcessScheduler:
    """The embedded default: a scheduler thread plus a small pool that executes runs."""

    def __init__(self, engine: Engine, settings: Settings, *, interval: float = 5.0) -> None:
        self.engine = engine
        self.settings = settings
        self.interval = interval
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sync")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def dispatch(self, run_id: int) -> None:
        self.pool.submit(self._execute, run_id)

    def _execute(self, run_id: int) -> None:
        try:
            execute_run(self.engine, self.settings, run_id)
        except Exception:  # a run's failure is recorded on its row; keep the pool alive
            log.exception("sync run %s crashed", run_id)

    def start(self) -> None:
        # A single process owns the embedded store: whatever was active died with the
        # previous process. Resume staged runs, fail fetching ones.
        self.pool.submit(recover, self.engine, self.settings)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                tick(self.engine, self.settings, self.dispatch)
            except Exception:
                log.exception("scheduler tick failed")
