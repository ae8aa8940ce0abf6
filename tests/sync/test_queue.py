"""PostgreSQL: runs deferred to the procrastinate queue are executed by a worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from interop_hub.config import Settings
from interop_hub.generator import generate_district
from interop_hub.models import SyncRun
from interop_hub.sync.instances import create_instance
from interop_hub.sync.queue import build_app, defer_run
from interop_hub.sync.runner import start_run


def test_deferred_run_is_executed_by_a_worker(
    db_engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    if db_engine.dialect.name != "postgresql":
        assert defer_run(settings, 1) is False  # no queue on SQLite: runs stay in-process
        pytest.skip("the job queue is PostgreSQL-only")
    generate_district(tmp_path / "inbox" / "a", students=80, seed=2)
    with db_engine.begin() as conn:
        create_instance(
            conn,
            settings,
            name="sis",
            kind="oneroster-csv",
            config={"inbox": str(tmp_path / "inbox")},
        )
    run_id = start_run(db_engine, settings, "sis")
    assert defer_run(settings, run_id, "oneroster-csv:sis") is True
    app = build_app(db_engine, settings)
    app.run_worker(queues=["sync"], wait=False, install_signal_handlers=False)
    with db_engine.connect() as conn:
        assert conn.execute(select(SyncRun.state).where(SyncRun.id == run_id)).scalar_one() == (
            "applied"
        )
