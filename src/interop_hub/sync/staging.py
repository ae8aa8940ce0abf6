"""Staging tables: one temporary table per stream, filled in batches.

SQLite: temp tables (the import connection switches ``temp_store`` to FILE so millions of
staged rows do not live in RAM) written with ``executemany``. PostgreSQL: ``ON COMMIT DROP``
temp tables written with ``COPY`` (psycopg 3 ``cursor.copy``). Temp tables are run-time
scratch space, not schema: the canonical schema is only created by alembic.

Besides the stream's fields each table has the hub-id columns the sync fills in: ``hub_id``
(entity streams) and the ``hub_field`` of every reference declared on the stream.
"""

# ruff: noqa: S608  (SQL is built from internal table/column constants; values are bound)

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from interop_hub.connectors.oneroster_csv.streams import REFERENCES, STREAMS, Stream
from interop_hub.sync.sql import SqlRunner, q

__all__ = ["Staging", "staging_table"]


def staging_table(stream: str) -> str:
    return f"stg_{stream}"


def hub_columns(stream: Stream) -> list[str]:
    """Columns the sync resolves: ``hub_id`` first, then reference and derived columns."""
    cols: list[str] = ["hub_id"] if stream.entity else []
    for ref in REFERENCES:
        if ref.stream == stream.name and ref.hub_field not in cols:
            cols.append(ref.hub_field)
    for extra in stream.keep_if_null:
        if extra not in cols:
            cols.append(extra)
    return cols


class Staging:
    """Creates, fills and indexes the staging tables of one import run."""

    def __init__(self, sql: SqlRunner) -> None:
        self.sql = sql
        self.counts: dict[str, int] = dict.fromkeys(STREAMS, 0)
        # Streams with duplicate source keys; streams whose ``hub_id`` is resolved.
        self.duplicated: set[str] = set()
        self.resolved: set[str] = set()

    def create(self) -> None:
        if self.sql.pg:
            # Scratch tables are analysed only so that joins pick hash plans: a small
            # sample (3,000 rows rather than 30,000) does; this run's transaction only.
            self.sql.run("SET LOCAL default_statistics_target = 10")
        for stream in STREAMS.values():
            table = staging_table(stream.name)
            cols = [f"{q(n)} {self.sql.type_for(k)}" for n, k in stream.fields]
            cols += [f"{q(c)} VARCHAR" for c in hub_columns(stream)]
            suffix = " ON COMMIT DROP" if self.sql.pg else ""
            self.sql.run(f"DROP TABLE IF EXISTS {table}")
            self.sql.run(f"CREATE TEMPORARY TABLE {table} ({', '.join(cols)}){suffix}")

    def drop(self) -> None:
        for stream in STREAMS:
            self.sql.run(f"DROP TABLE IF EXISTS {staging_table(stream)}")
            self.sql.run(f"DROP TABLE IF EXISTS {staging_table(stream)}_new")
        for scratch in ("tmp_desired", "tmp_affected", "tmp_changed"):
            self.sql.run(f"DROP TABLE IF EXISTS {scratch}")

    def write(self, stream: str, records: Iterable[tuple[Any, ...]]) -> None:
        spec = STREAMS[stream]
        table = staging_table(stream)
        names = ", ".join(q(n) for n in spec.field_names)
        rows = records if isinstance(records, list) else list(records)
        self.counts[stream] += len(rows)
        if self.sql.pg:
            raw = self.sql.conn.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in spec.fields)
            self.sql.conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def index_keys(self) -> None:
        """Index source keys once loaded (cheaper than maintaining them while loading).

        PostgreSQL joins staging tables by hashing (no index needed) once they are
        analysed; SQLite joins by index probes, so it gets the indexes."""
        for stream in STREAMS.values():
            if not self.counts[stream.name]:
                continue
            table = staging_table(stream.name)
            if self.sql.pg:
                self.sql.run(f"ANALYZE {table}")
            elif "source_key" in stream.field_names:
                self.sql.run(f"CREATE INDEX ix_{table}_source_key ON {table} (source_key)")

    def rebuild(self, stream: Stream, select: str, **params: Any) -> None:
        """Replace a staging table by ``select`` (one pass, hash joins) and re-index it:
        much cheaper than several ``UPDATE``s that each rewrite every row."""
        table = staging_table(stream.name)
        suffix = " ON COMMIT DROP" if self.sql.pg else ""
        self.sql.run(f"DROP TABLE IF EXISTS {table}_new")
        self.sql.run(f"CREATE TEMPORARY TABLE {table}_new{suffix} AS {select}", **params)
        self.sql.run(f"DROP TABLE {table}")
        self.sql.run(f"ALTER TABLE {table}_new RENAME TO {table}")
        if not self.counts[stream.name]:
            return
        if self.sql.pg:
            self.sql.run(f"ANALYZE {table}")
            return
        if "source_key" in stream.field_names:
            self.sql.run(f"CREATE INDEX ix_{table}_source_key ON {table} (source_key)")
        if stream.entity:
            self.sql.run(f"CREATE INDEX ix_{table}_hub_id ON {table} (hub_id)")
