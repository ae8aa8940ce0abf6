"""Shared benchmark plumbing: fresh databases, child processes with peak RSS, tables."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass
class ChildResult:
    seconds: float
    peak_rss_mb: float
    stdout: str


def run_child(args: Sequence[str], env: dict[str, str] | None = None) -> ChildResult:
    """Run a command; return wall time and the child's own peak RSS (via wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(args),
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, rusage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{out[-4000:]}")
    return ChildResult(elapsed, rusage.ru_maxrss / 1024, out)


def hub_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "interop_hub.cli", *args]


@contextmanager
def fresh_database(kind: str, label: str) -> Iterator[str]:
    """A new empty database URL (SQLite file or a throwaway PostgreSQL database)."""
    if kind == "sqlite":
        path = DATA / "db" / f"{label}-{uuid.uuid4().hex[:8]}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm", ".write-lock"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server = os.environ.get("INTEROP_HUB_BENCH_POSTGRES_URL", DEFAULT_PG)
    name = f"hubbench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    print(f"\n## {title}")
    for n, row in enumerate(cells):
        print("| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    sys.stdout.flush()


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
