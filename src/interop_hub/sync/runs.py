"""Durable ``sync_runs`` rows: ``running`` → ``applied`` | ``rejected`` | ``failed``.

The ``running`` row is committed on its own before the import starts, so a crash leaves
a trace; the final state is written in the import's own transaction when it is applied
(atomic with the data), or in a separate short transaction when it is rejected or fails.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, insert, update

from interop_hub.core.clock import utcnow
from interop_hub.models import SyncRun

__all__ = ["finish_run", "start_run"]


def start_run(engine: Engine, *, source: str, kind: str, stats: dict[str, Any]) -> int:
    with engine.begin() as conn:
        run_id = conn.execute(
            insert(SyncRun)
            .values(source=source, kind=kind, state="running", started_at=utcnow(), stats=stats)
            .returning(SyncRun.id)
        ).scalar_one()
    return int(run_id)


def finish_run(
    conn: Connection,
    run_id: int,
    *,
    state: str,
    stats: dict[str, Any] | None = None,
    report: list[Any] | None = None,
    change_version: int | None = None,
) -> None:
    conn.execute(
        update(SyncRun)
        .where(SyncRun.id == run_id)
        .values(
            state=state,
            finished_at=utcnow(),
            stats=stats,
            report=report,
            change_version=change_version,
        )
    )
