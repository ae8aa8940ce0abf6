"""Delta: after changing 1% of the users of a district, a ``dateLastModified>`` pull should
cost in proportion to the change, not the district (reported as a ratio to a full pull)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from benchmarks.common import fresh_database, hub_command, print_table, run_child
from benchmarks.packages import changed_copy, district
from benchmarks.serving import live_hub, page_through, prepare

LIMIT = 1000


def run(students: int, kinds: list[str]) -> None:
    package = district(students)
    changed_pkg, changed = changed_copy(package, 100, "delta")
    out = []
    for kind in kinds:
        with fresh_database(kind, f"delta{students}") as url:
            prepare(url, package)
            time.sleep(0.01)
            since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            time.sleep(0.01)
            reimport = run_child(
                hub_command("import", str(changed_pkg), "--source", "bench"),
                {"INTEROP_HUB_DATABASE_URL": url},
            )
            with live_hub(url) as hub:
                page_through(hub, "/users", LIMIT, 2 * LIMIT)  # warm-up
                full_n, full_s = page_through(hub, "/users", LIMIT, 10**9)
                flt = {"filter": f"dateLastModified>'{since}'"}
                delta_n, delta_s = page_through(hub, "/users", LIMIT, 10**9, flt)
            out.append(
                [
                    kind,
                    changed,
                    full_n,
                    full_s,
                    delta_n,
                    delta_s,
                    delta_n / full_n,
                    delta_s / full_s,
                    reimport.seconds,
                ]
            )
            print_table(
                f"Delta pull of /users after changing 1% of a {students:,}-student district",
                [
                    "db",
                    "users changed",
                    "full records",
                    "full s",
                    "delta records",
                    "delta s",
                    "records ratio",
                    "time ratio",
                    "re-import s",
                ],
                out,
            )
