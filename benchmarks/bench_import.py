"""CSV import of generated districts against a raw bulk-insert baseline (same rows, same DB kind).

Targets (issue #2): import within 3x of the raw baseline; peak RSS under 1 GB at 1M students;
the 1M-student district fully imported in under 15 minutes on PostgreSQL.
"""

from __future__ import annotations

import sys

from benchmarks.common import fresh_database, hub_command, print_table, run_child
from benchmarks.packages import count_rows, district


def run(sizes: list[int], kinds: list[str]) -> None:
    rows_out = []
    for students in sizes:
        package = district(students)
        rows = count_rows(package)
        for kind in kinds:
            with fresh_database(kind, f"raw{students}") as url:
                base = run_child(
                    [sys.executable, "-m", "benchmarks.raw_baseline", url, str(package)]
                )
                _, secs = base.stdout.split()[-2:]
                raw_s = float(secs)
            with fresh_database(kind, f"imp{students}") as url:
                env = {"INTEROP_HUB_DATABASE_URL": url}
                run_child(hub_command("db", "upgrade"), env)
                imp = run_child(hub_command("import", str(package), "--source", "bench"), env)
            rows_out.append(
                [
                    f"{students:,}",
                    kind,
                    rows,
                    raw_s,
                    rows / raw_s,
                    imp.seconds,
                    rows / imp.seconds,
                    imp.seconds / raw_s,
                    imp.peak_rss_mb,
                ]
            )
            print_table(
                "CSV import vs raw bulk insert (executemany on SQLite, COPY on PostgreSQL)",
                [
                    "students",
                    "db",
                    "rows",
                    "raw s",
                    "raw rows/s",
                    "import s",
                    "import rows/s",
                    "import/raw",
                    "import peak RSS MB",
                ],
                rows_out,
            )
