"""Raw baseline: plain bulk insert of a package's CSV rows into the same database.

Each CSV file goes into a table of TEXT columns named after its header: ``executemany`` in
batches on SQLite, ``COPY`` on PostgreSQL. No validation, no ids, no diffing: the floor
any importer is measured against.

Run as a module to time one package: ``python -m benchmarks.raw_baseline URL PACKAGE_DIR``.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine

BATCH = 10_000
FILES = (
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "roles",
    "demographics",
    "enrollments",
)


def load(url: str, package: Path) -> tuple[int, float]:
    """Insert every row; return (rows, seconds)."""
    engine = create_engine(url)
    rows = 0
    start = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        for name in FILES:
            path = package / f"{name}.csv"
            if not path.exists():
                continue
            with path.open(newline="", encoding="utf-8") as fh:
                reader = csv.reader(fh)
                header = next(reader)
                table = f"raw_{name.lower()}"
                cols = ", ".join(f'"{h}" TEXT' for h in header)
                cur.execute(f'DROP TABLE IF EXISTS "{table}"')
                cur.execute(f'CREATE TABLE "{table}" ({cols})')
                if sqlite:
                    marks = ", ".join("?" for _ in header)
                    sql = f'INSERT INTO "{table}" VALUES ({marks})'
                    batch: list[list[str]] = []
                    for row in reader:
                        batch.append(row)
                        if len(batch) >= BATCH:
                            cur.executemany(sql, batch)
                            rows += len(batch)
                            batch.clear()
                    if batch:
                        cur.executemany(sql, batch)
                        rows += len(batch)
                else:
                    with cur.copy(f'COPY "{table}" FROM STDIN') as copy:
                        for row in reader:
                            copy.write_row(row)
                            rows += 1
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return rows, time.perf_counter() - start


if __name__ == "__main__":
    n, secs = load(sys.argv[1], Path(sys.argv[2]))
    print(f"{n} {secs:.3f}")
