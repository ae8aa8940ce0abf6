"""Bulk loads into (near-)empty tables build secondary indexes after the rows, and leave the
schema exactly as alembic created it (also when the run fails)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, insert, inspect

from interop_hub.models import Crosswalk
from interop_hub.sync.indexes import deferred_indexes
from interop_hub.sync.oneroster_csv import import_package
from interop_hub.sync.sql import SqlRunner
from tests.sync.test_oneroster_csv_large import write_district

TABLES = ("enrollments", "users", "user_roles", "user_agents", "crosswalk", "classes")


def _index_set(bind: Engine | Connection, table: str) -> set[tuple[str, tuple[str, ...]]]:
    return {
        (str(ix["name"]), tuple(str(c) for c in ix["column_names"]))
        for ix in inspect(bind).get_indexes(table)
    }


def _indexes(engine: Engine) -> dict[str, set[tuple[str, tuple[str, ...]]]]:
    return {t: _index_set(engine, t) for t in TABLES}


def test_first_import_defers_and_restores_secondary_indexes(
    db_engine: Engine, tmp_path: Path
) -> None:
    before = _indexes(db_engine)
    assert before["enrollments"], "the migration creates secondary indexes on enrollments"
    pkg = tmp_path / "district"
    write_district(pkg, schools=2, students=600, classes_per_school=10, per_student=4)

    result = import_package(db_engine, pkg)

    assert result.stats["enrollments"].added == 20 + 600 * 4
    assert _indexes(db_engine) == before
    # A second run over a full table keeps its indexes in place and changes nothing.
    again = import_package(db_engine, pkg)
    assert again.change_version is None
    assert _indexes(db_engine) == before


def test_indexes_are_dropped_only_inside_the_load(db_engine: Engine) -> None:
    before = _index_set(db_engine, "enrollments")
    with db_engine.connect() as conn:
        with deferred_indexes(SqlRunner(conn), {"enrollments": 50_000}):
            during = _index_set(conn, "enrollments")
        after = _index_set(conn, "enrollments")
        conn.rollback()
    assert during == set()
    assert after == before


def test_small_loads_and_populated_tables_keep_their_indexes(db_engine: Engine) -> None:
    before = _index_set(db_engine, "crosswalk")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with db_engine.begin() as conn:
        conn.execute(
            insert(Crosswalk),
            [
                {"source": "s", "entity_type": "user", "source_key": f"k{i}", "hub_id": f"h{i}",
                 "first_seen_at": now, "last_seen_at": now}
                for i in range(600)
            ],
        )  # fmt: skip
    with db_engine.connect() as conn:
        sql = SqlRunner(conn)
        with deferred_indexes(sql, {"crosswalk": 999}):
            small = _index_set(conn, "crosswalk")
        # 5,000 more rows would grow 600 held rows less than tenfold.
        with deferred_indexes(sql, {"crosswalk": 5000}):
            populated = _index_set(conn, "crosswalk")
        conn.rollback()
    assert small == before
    assert populated == before


def test_a_failed_load_rolls_the_drop_back(db_engine: Engine) -> None:
    before = _indexes(db_engine)
    with db_engine.connect() as conn:
        with (
            pytest.raises(RuntimeError),
            deferred_indexes(SqlRunner(conn), {"enrollments": 50_000}),
        ):
            raise RuntimeError("apply failed")
        conn.rollback()
    assert _indexes(db_engine) == before
