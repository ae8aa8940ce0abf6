"""Sync runs on worker processes and machines: procrastinate, a PostgreSQL job queue.

With PostgreSQL, ``interop-hub worker`` starts a procrastinate worker (any number, on
any machine sharing the database). Two tasks:

* ``interop_hub.sync_run(run_id)`` executes one run. Its ``queueing_lock`` is the run's
  source, so at most one job per source waits in the queue; the partial unique index on
  ``sync_runs`` already guarantees at most one *active* run per source.
* ``interop_hub.schedule_tick`` is a periodic task (every minute) that calls
  ``sync.schedule.tick``; procrastinate defers each periodic slot once however many
  workers run, and ``tick`` claims due instances with a guarded update.

Admin API and CLI requests defer ``sync_run`` instead of executing in-process.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from interop_hub.config import Settings
from interop_hub.core.errors import HubError

__all__ = ["build_app", "conninfo", "defer_run"]

log = logging.getLogger(__name__)


def conninfo(database_url: str) -> str:
    """A libpq connection string from the SQLAlchemy URL."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise HubError("the job queue needs PostgreSQL (INTEROP_HUB_DATABASE_URL)")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(engine: Engine, settings: Settings, *, sync_connector: bool = False) -> Any:
    """The procrastinate app with the hub's tasks. ``sync_connector``: for deferring from
    synchronous code (the API and CLI) rather than running a worker."""
    import procrastinate

    from interop_hub.sync.runner import execute_run
    from interop_hub.sync.schedule import tick

    info = conninfo(settings.resolved_database_url())
    connector: Any = (
        procrastinate.SyncPsycopgConnector(conninfo=info)
        if sync_connector
        else procrastinate.PsycopgConnector(conninfo=info)
    )
    app = procrastinate.App(connector=connector)

    @app.task(name="interop_hub.sync_run", queue="sync")
    def sync_run(run_id: int) -> None:
        execute_run(engine, settings, run_id)

    def dispatch(run_id: int) -> None:
        _defer_with(info, run_id)

    @app.periodic(cron="* * * * *", periodic_id="schedule")
    @app.task(name="interop_hub.schedule_tick", queue="sync", queueing_lock="schedule-tick")
    def schedule_tick(timestamp: int) -> None:
        tick(engine, settings, dispatch)

    return app


def _defer_with(info: str, run_id: int, source: str | None = None) -> None:
    import procrastinate

    app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=info))
    with app.open():
        app.configure_task(
            "interop_hub.sync_run",
            queue="sync",
            queueing_lock=f"sync-run:{source}" if source else None,
        ).defer(run_id=run_id)


@lru_cache
def _queue_tables(info: str) -> bool:
    import psycopg

    with psycopg.connect(info) as conn:
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
    return bool(row and row[0])


def defer_run(settings: Settings, run_id: int, source: str | None = None) -> bool:
    """Queue run ``run_id`` for a worker; ``False`` when there is no queue (SQLite)."""
    url = settings.resolved_database_url()
    if make_url(url).get_backend_name() != "postgresql":
        return False
    info = conninfo(url)
    if not _queue_tables(info):
        return False
    _defer_with(info, run_id, source)
    return True
