"""The global change version (``hub_state`` row 1).

``lock_next`` takes the row lock for the rest of the transaction (``SELECT ... FOR UPDATE``
on PostgreSQL; on SQLite a no-op write takes the database write lock) and returns the
version this run will stamp. ``commit_version`` stores it, only if the run changed
something, so a run that changes nothing leaves the version where it was.
"""

from __future__ import annotations

from interop_hub.sync.sql import SqlRunner

__all__ = ["commit_version", "lock_next"]


def lock_next(sql: SqlRunner) -> int:
    if sql.pg:
        current = sql.scalar("SELECT change_version FROM hub_state WHERE id = 1 FOR UPDATE")
    else:
        sql.run("UPDATE hub_state SET change_version = change_version WHERE id = 1")
        current = sql.scalar("SELECT change_version FROM hub_state WHERE id = 1")
    if current is None:
        raise RuntimeError("hub_state row 1 is missing; run `interop-hub db upgrade`")
    return int(current) + 1


def commit_version(sql: SqlRunner, version: int) -> None:
    sql.run("UPDATE hub_state SET change_version = :v WHERE id = 1", v=version)
