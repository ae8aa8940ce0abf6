"""The scheduler: due instances start exactly one run per slot; paused, blacked-out and
held sources are skipped; cron and interval schedules advance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, update

from interop_hub.config import Settings
from interop_hub.core.clock import utcnow
from interop_hub.models import ConnectorInstance, SyncRun
from interop_hub.sync.instances import create_instance, next_due
from interop_hub.sync.schedule import tick


def _instance(engine: Engine, settings: Settings, tmp_path: Path, **kwargs: object) -> int:
    with engine.begin() as conn:
        row = create_instance(
            conn,
            settings,
            name="sis",
            kind="oneroster-csv",
            config={"inbox": str(tmp_path)},
            schedule_interval_seconds=3600,
            **kwargs,  # type: ignore[arg-type]
        )
        conn.execute(
            update(ConnectorInstance)
            .where(ConnectorInstance.id == row.id)
            .values(next_run_at=utcnow() - timedelta(seconds=5))
        )
    return int(row.id)


def test_a_due_instance_starts_one_run_and_moves_its_slot(
    db_engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    instance = _instance(db_engine, settings, tmp_path)
    dispatched: list[int] = []
    started = tick(db_engine, settings, dispatched.append)
    assert started == dispatched
    assert len(started) == 1
    # A second scheduler ticking at the same moment finds nothing due.
    assert tick(db_engine, settings, dispatched.append) == []
    with db_engine.connect() as conn:
        run = conn.execute(select(SyncRun)).one()
        row = conn.execute(select(ConnectorInstance)).one()
    assert (run.instance_id, run.trigger, run.mode) == (instance, "schedule", "full")
    assert row.next_run_at > utcnow() + timedelta(minutes=59)


def test_paused_and_blacked_out_sources_are_skipped(
    db_engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    _instance(db_engine, settings, tmp_path, paused=True)
    assert tick(db_engine, settings, lambda run_id: None) == []
    with db_engine.begin() as conn:
        today = utcnow().date()
        conn.execute(
            update(ConnectorInstance).values(
                paused=False,
                next_run_at=utcnow() - timedelta(seconds=1),
                blackouts=[{"start": str(today), "end": str(today), "reason": "rollover"}],
            )
        )
    assert tick(db_engine, settings, lambda run_id: None) == []
    with db_engine.connect() as conn:
        assert conn.execute(select(SyncRun)).first() is None


def test_an_active_run_makes_the_slot_pass(
    db_engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    _instance(db_engine, settings, tmp_path)
    assert len(tick(db_engine, settings, lambda run_id: None)) == 1
    with db_engine.begin() as conn:
        conn.execute(update(ConnectorInstance).values(next_run_at=utcnow() - timedelta(seconds=1)))
    assert tick(db_engine, settings, lambda run_id: None) == []


def test_cron_and_interval_schedules() -> None:
    class Row:
        schedule_cron: str | None = "30 2 * * *"
        schedule_interval_seconds: int | None = None

    after = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    assert next_due(Row(), after) == datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
    Row.schedule_cron, Row.schedule_interval_seconds = None, 900
    assert next_due(Row(), after) == after + timedelta(minutes=15)
