"""Planner statistics after bulk writes.

Paging and delta queries pick their indexes from the planner's statistics; a table that
grew from nothing in one bulk run has none until autovacuum gets to it (which may be off:
it is on this project's CI machines). Bulk writers call ``refresh_statistics`` after a
changing run: PostgreSQL ``ANALYZE`` samples a bounded number of rows per table; SQLite's
``PRAGMA optimize`` analyses only tables whose statistics are stale.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

__all__ = ["refresh_statistics"]


def refresh_statistics(conn: Connection, tables: Iterable[str]) -> None:
    """Refresh the statistics of ``tables`` (PostgreSQL) or of the stale ones (SQLite), in
    the connection's current transaction."""
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.execute(text(f"ANALYZE {table}"))
    else:
        conn.execute(text("PRAGMA analysis_limit=1000"))
        conn.execute(text("PRAGMA optimize"))
