"""Serving: page /users and /enrollments at limit=1000 through a real uvicorn over loopback,
against an in-process baseline of the same SQL plus orjson encoding.

Targets (issue #2): at least 50% of the baseline and at least 50,000 records/s.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from sqlalchemy import create_engine, text

from benchmarks.common import fresh_database, print_table
from benchmarks.packages import district
from benchmarks.serving import live_hub, page_through, prepare

LIMIT = 1000
MAX_RECORDS = 100_000

_USERS = "SELECT * FROM users ORDER BY sourced_id LIMIT :limit OFFSET :offset"
_ROLES = "SELECT * FROM user_roles WHERE user_id IN :ids"
_AGENTS = "SELECT * FROM user_agents WHERE user_id IN :ids"
_ENROLLMENTS = "SELECT * FROM enrollments ORDER BY sourced_id LIMIT :limit OFFSET :offset"


def baseline(db_url: str, entity: str, max_records: int) -> tuple[int, float]:
    """Same paging SQL (plus the child-row lookups for users) and orjson, in process."""
    from sqlalchemy import bindparam

    engine = create_engine(db_url)
    records = 0
    offset = 0
    try:
        with engine.connect() as conn:
            start = time.perf_counter()
            while records < max_records:
                if entity == "users":
                    rows = [
                        r._asdict()
                        for r in conn.execute(text(_USERS), {"limit": LIMIT, "offset": offset})
                    ]
                    ids = [r["sourced_id"] for r in rows]
                    if ids:
                        by_user: dict[str, list[Any]] = {}
                        for stmt in (_ROLES, _AGENTS):
                            q = text(stmt).bindparams(bindparam("ids", expanding=True))
                            for child in conn.execute(q, {"ids": ids}):
                                by_user.setdefault(child.user_id, []).append(child._asdict())
                        for r in rows:
                            r["children"] = by_user.get(r["sourced_id"], [])
                else:
                    rows = [
                        r._asdict()
                        for r in conn.execute(
                            text(_ENROLLMENTS), {"limit": LIMIT, "offset": offset}
                        )
                    ]
                orjson.dumps({entity: rows})
                records += len(rows)
                if len(rows) < LIMIT:
                    break
                offset += LIMIT
            return records, time.perf_counter() - start
    finally:
        engine.dispose()


def run(students: int, kinds: list[str]) -> None:
    package = district(students)
    out = []
    for kind in kinds:
        with fresh_database(kind, f"serve{students}") as url:
            prepare(url, package)
            with live_hub(url) as hub:
                for path, entity in (("/users", "users"), ("/enrollments", "enrollments")):
                    page_through(hub, path, LIMIT, 5 * LIMIT)  # warm-up
                    base_n, base_s = baseline(url, entity, MAX_RECORDS)
                    n, secs = page_through(hub, path, LIMIT, MAX_RECORDS)
                    out.append(
                        [kind, path, n, base_n / base_s, n / secs, (n / secs) / (base_n / base_s)]
                    )
                    print_table(
                        f"Serving at limit={LIMIT} over loopback uvicorn ({students:,}-student "
                        "district) vs in-process SQL + orjson",
                        [
                            "db",
                            "endpoint",
                            "records",
                            "baseline rec/s",
                            "served rec/s",
                            "served/baseline",
                        ],
                        out,
                    )
