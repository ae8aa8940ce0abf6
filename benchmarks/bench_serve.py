"""Serving: page /users and /enrollments at limit=1000 through a real uvicorn over loopback,
against an in-process baseline of the same SQL plus orjson encoding: the statements the hub
issues for each page are captured once, then replayed on a raw DBAPI connection and the
rows encoded with orjson.

The client is a plain keep-alive HTTP/1.1 connection (``serving.page_through``).

Targets (issue #2): at least 50% of the baseline and at least 50,000 records/s.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import orjson
from sqlalchemy import create_engine, event

from benchmarks.common import fresh_database, print_table
from benchmarks.packages import district
from benchmarks.serving import API, JWT_SECRET, live_hub, page_through, prepare

LIMIT = 1000
MAX_RECORDS = 100_000


def capture_sql(
    db_url: str, path: str, max_records: int
) -> tuple[list[list[tuple[str, Any]]], int]:
    """The read statements (DBAPI text + parameters) the hub issues for each page of ``path``,
    captured from an in-process app over the same database (not timed), and the number of
    records those pages hold."""
    with warnings.catch_warnings():  # starlette's note about httpx vs httpx2
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from interop_hub.app import create_app
    from interop_hub.auth.scopes import ROSTER_CORE_READONLY
    from interop_hub.auth.tokens import issue_token
    from interop_hub.config import Settings
    from interop_hub.core.db import create_db_engine

    engine = create_db_engine(db_url)
    pages: list[list[tuple[str, Any]]] = []
    records = 0

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and pages:
            pages[-1].append((statement, params))

    settings = Settings(database_url=db_url, jwt_secret=JWT_SECRET, rate_limit_per_minute=0)
    token = issue_token(JWT_SECRET.encode(), "baseline", frozenset({ROSTER_CORE_READONLY}), 600)
    headers = {"Authorization": f"Bearer {token.token}"}
    try:
        with TestClient(create_app(settings, engine=engine)) as client:
            for offset in range(0, max_records, LIMIT):
                pages.append([])
                resp = client.get(
                    API + path, params={"limit": LIMIT, "offset": offset}, headers=headers
                )
                resp.raise_for_status()
                total = int(resp.headers["X-Total-Count"])
                records += max(0, min(LIMIT, total - offset))
                if offset + LIMIT >= total:
                    break
    finally:
        engine.dispose()
    return pages, records


def baseline(db_url: str, path: str, max_records: int) -> tuple[int, float]:
    """Replay the captured SQL of every page on a raw DBAPI connection and encode the rows
    (as column-name dicts) with orjson: the same SQL plus orjson, without the hub's rendering,
    HTTP or auth."""
    pages, records = capture_sql(db_url, path, max_records)
    engine = create_engine(db_url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        start = time.perf_counter()
        for statements in pages:
            results = []
            for statement, params in statements:
                cur.execute(statement, params)
                names = [d[0] for d in cur.description]
                results.append([dict(zip(names, row, strict=True)) for row in cur.fetchall()])
            orjson.dumps(results)
        elapsed = time.perf_counter() - start
        raw.rollback()
    finally:
        raw.close()
        engine.dispose()
    return records, elapsed


def run(students: int, kinds: list[str]) -> None:
    package = district(students)
    out = []
    for kind in kinds:
        with fresh_database(kind, f"serve{students}") as url:
            prepare(url, package)
            with live_hub(url) as hub:
                for path in ("/users", "/enrollments"):
                    page_through(hub, path, LIMIT, 5 * LIMIT)  # warm-up
                    base_n, base_s = baseline(url, path, MAX_RECORDS)
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
