"""The few dialect differences the set-based sync needs (SQLite ≥ 3.33 and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, CursorResult, TextClause, bindparam, text

from interop_hub.models.base import UTCDateTime

__all__ = ["SqlRunner", "q"]

_SQLITE_UUID: Final = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || "
    "'-' || lower(hex(randomblob(6)))"
)
_DATETIME_PARAMS: Final = ("now",)


def q(name: str) -> str:
    """Quote an identifier (``primary`` is a reserved word)."""
    return f'"{name}"'


class SqlRunner:
    """Executes text SQL on one connection; ``now`` binds as a UTC datetime on both dialects."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"

    def distinct(self, a: str, b: str) -> str:
        return f"{a} IS DISTINCT FROM {b}" if self.pg else f"{a} IS NOT {b}"

    @property
    def uuid(self) -> str:
        return "CAST(gen_random_uuid() AS VARCHAR)" if self.pg else _SQLITE_UUID

    def type_for(self, kind: str) -> str:
        if kind == "int":
            return "BIGINT" if self.pg else "INTEGER"
        if kind == "bool":
            return "BOOLEAN"
        if kind == "date":
            return "DATE" if self.pg else "VARCHAR"
        if kind == "json":
            return "JSONB" if self.pg else "TEXT"
        return "VARCHAR"

    def _clause(self, sql: str, params: dict[str, Any]) -> TextClause:
        # PostgreSQL cannot always infer a parameter's type (``SELECT :x ...`` in an
        # INSERT ... SELECT, or one parameter used as text and varchar): cast text params.
        for name, value in params.items():
            if isinstance(value, str):
                sql = re.sub(rf"(?<![:\w]):{name}\b", f"CAST(:{name} AS VARCHAR)", sql)
        clause = text(sql)
        typed = [
            bindparam(p, type_=UTCDateTime())
            for p in _DATETIME_PARAMS
            if p in params and f":{p}" in sql
        ]
        return clause.bindparams(*typed) if typed else clause

    def ensure_transaction(self) -> None:
        """Open a transaction if none is: the sqlite3 driver begins one implicitly only
        before DML, so DDL issued first (``DROP INDEX``) would otherwise commit at once."""
        raw = self.conn.connection.driver_connection
        if not self.pg and raw is not None and not raw.in_transaction:
            self.conn.exec_driver_sql("BEGIN")

    def run(self, sql: str, **params: Any) -> int:
        """Execute; return the affected row count."""
        result: CursorResult[Any] = self.conn.execute(self._clause(sql, params), params)
        return max(result.rowcount, 0)

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.execute(self._clause(sql, params), params)]

    def scalar(self, sql: str, **params: Any) -> Any:
        return self.conn.execute(self._clause(sql, params), params).scalar()

    def now_param(self, value: datetime) -> dict[str, datetime]:
        return {"now": value}
