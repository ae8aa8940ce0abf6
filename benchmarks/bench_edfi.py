"""Ed-Fi API: POST throughput of studentSectionAssociations (with reference checks) and GET
paging throughput at ``limit=500``, through a real uvicorn (``interop-hub serve``) over
loopback, each against a raw baseline measured in the same run.

Setup (not timed): a generated district (``--edfi-size`` students) written as an Ed-Fi DS 5
dataset (``generator.edfi``); a fresh database migrated, seeded with the DS descriptors and
school years, and loaded in process (``edfi.service.upsert``) with everything a
studentSectionAssociation references (LEA, schools, sessions, courses, course offerings,
sections, students); an API client with the ``edfi.read``/``edfi.write`` scopes.

**POST.** Every studentSectionAssociation of the dataset is POSTed once to
``/edfi/data/v3/ed-fi/studentSectionAssociations``: each request is a full hub write (token
check, rate limiter, schema validation, descriptor and reference resolution against the
store: the section and the student must exist, natural-key upsert, change version,
reference rows, commit). The client is a minimal asyncio HTTP/1.1 client holding
``CONNECTIONS`` keep-alive connections over loopback with pre-encoded requests, so that it
takes as little as possible of the two cores it shares with the server. It runs in this
(benchmark) process, separate from the uvicorn workers; the raw baseline below is driven by
the same client at well over 10,000 requests/s, so at the hub's rates it uses a few percent
of one core and is not what limits the figures.

*Raw baseline*: the same requests, over the same number of connections, to a bare ASGI
callable (``raw_app`` below) served by the same uvicorn with the same worker count, which
parses the JSON body with orjson and INSERTs (key, body) into a plain two-column table on one
DBAPI connection per worker, committing each request (SQLite in WAL mode with the hub's
pragmas; PostgreSQL with its defaults), and answers 201. That is the irreducible cost of one
HTTP request plus one durable single-row write, with no validation, lookups or auth.

**GET.** Every page of the collection at ``limit=500`` on one keep-alive connection
(``http.client``; bodies read in full, the first page decoded and checked).

*Raw baseline*: the SELECT statements the hub issues for each page are captured once from an
in-process app (not timed), then replayed on a raw DBAPI connection and the rows encoded with
orjson (the same SQL plus orjson, without the hub's rendering, HTTP, auth or disclosure log).

The server runs with the rate limiter switched off (``INTEROP_HUB_RATE_LIMIT_PER_MINUTE=0``,
its 6,000/min default would cap a single client at 100 requests/s); one more POST row is
measured with the limiter on but with a limit that is never reached, to show its per-request
cost. Peak RSS is that of the uvicorn process tree (``wait4``).

Targets (issue #3): at least 2,000 POSTs/s and 20,000 records/s read, on this 2-core machine.

What bounds the POST figure: every write holds the change-version lock (``edfi/documents``)
from its version bump to its commit, so writes are serialised for that stretch (SQLite:
the write gate, ``core/write_gate``; PostgreSQL: the ``hub_state`` row lock, which also
covers the commit's WAL flush, ~0.55 ms on this machine, so PostgreSQL cannot pass ~1/0.55
ms ≈ 1,800 writes/s with per-request durable commits in version order, whatever else the
write costs). The rest of a request (HTTP, auth, validation, the pre-lock lookup) runs in
parallel on the two workers.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
from sqlalchemy import create_engine, event

from benchmarks.common import DATA, fresh_database, hub_command, print_table, run_child
from benchmarks.packages import district

RESOURCE = "studentSectionAssociations"
PATH = f"/edfi/data/v3/ed-fi/{RESOURCE}"
PREREQUISITES = (
    "localEducationAgencies",
    "schools",
    "schoolYearTypes",
    "sessions",
    "courses",
    "courseOfferings",
    "sections",
    "students",
)
LIMIT = 500
CONNECTIONS = 8
JWT_SECRET = "benchmark-only-signing-key-0123456789abcdef"  # noqa: S105
RAW_TABLE = "bench_raw_posts"


# --------------------------------------------------------------------------- preparation


def dataset(students: int) -> Path:
    from interop_hub.generator.edfi import write_edfi_dataset

    out = DATA / f"edfi-{students}"
    if not (out / f"{RESOURCE}.jsonl").exists():
        write_edfi_dataset(district(students), out)
    return out


def _documents(data: Path, resource: str) -> list[dict[str, Any]]:
    path = data / f"{resource}.jsonl"
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def prepare(db_url: str, data: Path) -> tuple[str, str]:
    """Migrate, seed, load the prerequisites; return a client's (id, secret)."""
    from interop_hub.clients.service import create_client
    from interop_hub.core.db import create_db_engine, make_sessionmaker, session_scope
    from interop_hub.edfi import service
    from interop_hub.edfi.registry import get_registry
    from interop_hub.edfi.seed import load_descriptors, load_school_years

    run_child(hub_command("db", "upgrade"), {"INTEROP_HUB_DATABASE_URL": db_url})
    engine = create_db_engine(db_url)
    factory = make_sessionmaker(engine)
    registry = get_registry()
    try:
        with session_scope(factory) as session:
            load_descriptors(session)
            load_school_years(session)
            client, secret = create_client(session, "bench-edfi", ["edfi.read", "edfi.write"])
        for resource in PREREQUISITES:
            spec = registry.get(resource)
            assert spec is not None
            with session_scope(factory) as session:
                for document in _documents(data, resource):
                    service.upsert(session, spec, document, client.client_id)
    finally:
        engine.dispose()
    return client.client_id, secret


# --------------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes]
    peak_rss_mb: float = 0.0


@contextmanager
def serve(command: list[str], env: dict[str, str], port: int, probe: str) -> Iterator[Server]:
    """Run a uvicorn command; wait until ``probe`` answers; record peak RSS at exit."""
    proc = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(port, proc)
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{' '.join(command)} did not start")
        yield server
    finally:
        proc.terminate()
        try:
            _, _, rusage = os.wait4(proc.pid, 0)
            server.peak_rss_mb = rusage.ru_maxrss / 1024
        except ChildProcessError:
            pass
        proc.returncode = 0


def hub_server(db_url: str, workers: int, rate_limit: int) -> Any:
    port = _free_port()
    env = {
        "INTEROP_HUB_DATABASE_URL": db_url,
        "INTEROP_HUB_JWT_SECRET": JWT_SECRET,
        "INTEROP_HUB_RATE_LIMIT_PER_MINUTE": str(rate_limit),
    }
    command = hub_command("serve", "--port", str(port), "--workers", str(workers))
    return serve(command, env, port, "/healthz")


def raw_server(db_url: str, workers: int) -> Any:
    port = _free_port()
    # The table exists before the workers start: two workers racing on CREATE TABLE IF NOT
    # EXISTS can fail on PostgreSQL (pg_type unique violation) and drop a connection.
    _create_raw_table(db_url)
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "benchmarks.bench_edfi:raw_app",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return serve(command, {"BENCH_EDFI_RAW_DB": db_url}, port, "/")


_raw_db: Any = None


def _create_raw_table(db_url: str) -> None:
    ddl = f"CREATE TABLE IF NOT EXISTS {RAW_TABLE} (k TEXT PRIMARY KEY, b TEXT)"
    if db_url.startswith("sqlite"):
        import sqlite3

        with closing(sqlite3.connect(db_url.removeprefix("sqlite:///"))) as conn:
            conn.execute(ddl)
            conn.commit()
    else:
        import psycopg

        with psycopg.connect(db_url.replace("postgresql+psycopg", "postgresql")) as conn:
            conn.execute(ddl)


def _raw_connection() -> Any:
    """The raw baseline's DBAPI connection (one per worker process)."""
    global _raw_db
    if _raw_db is None:
        url = os.environ["BENCH_EDFI_RAW_DB"]
        if url.startswith("sqlite"):
            import sqlite3

            conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
                conn.execute(f"PRAGMA {pragma}")
            _raw_db = ("sqlite", conn)
        else:
            import psycopg

            conn = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
            _raw_db = ("pg", conn)
    return _raw_db


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The POST baseline: parse the JSON body, INSERT one row, commit, 201."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    status = 200
    if scope["method"] == "POST":
        document = orjson.loads(body)
        key = orjson.dumps(
            [document["beginDate"], document["sectionReference"], document["studentReference"]],
            option=orjson.OPT_SORT_KEYS,
        ).decode()
        kind, conn = _raw_connection()
        if kind == "sqlite":
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"INSERT INTO {RAW_TABLE} VALUES (?, ?)", (key, body.decode()))
            conn.execute("COMMIT")
        else:
            conn.execute(f"INSERT INTO {RAW_TABLE} VALUES (%s, %s)", (key, body.decode()))
            conn.commit()
        status = 201
    headers = [(b"content-length", b"0")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


# --------------------------------------------------------------------------- clients


def token(port: int, client_id: str, secret: str) -> str:
    resp = httpx.post(
        f"http://127.0.0.1:{port}/edfi/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
    resp.raise_for_status()
    return str(resp.json()["access_token"])


def _requests(port: int, bearer: str, documents: list[dict[str, Any]]) -> list[bytes]:
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {bearer}\r\nContent-Type: application/json\r\n"
    ).encode()
    out = []
    for document in documents:
        body = orjson.dumps(document)
        out.append(head + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return out


async def _post_all(port: int, requests: list[bytes], connections: int) -> dict[int, int]:
    statuses: dict[int, int] = {}
    queue = iter(requests)

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in queue:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                statuses[status] = statuses.get(status, 0) + 1
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    body = await reader.readexactly(length)
                    if status >= 400 and statuses[status] == 1:
                        print(f"  first {status}: {body[:300]!r}", file=sys.stderr)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return statuses


def post_all(port: int, requests: list[bytes], connections: int = CONNECTIONS) -> float:
    """POST every request; return the seconds taken. Every answer must be a 2xx."""
    start = time.perf_counter()
    statuses = asyncio.run(_post_all(port, requests, connections))
    elapsed = time.perf_counter() - start
    bad = {s: n for s, n in statuses.items() if not 200 <= s < 300}
    if bad:
        raise RuntimeError(f"POST answers: {statuses}")
    return elapsed


def page_all(port: int, bearer: str, total: int) -> float:
    """GET every page at ``limit=LIMIT`` on one keep-alive connection; return seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {bearer}"}
    try:
        start = time.perf_counter()
        for offset in range(0, total, LIMIT):
            conn.request(
                "GET", f"{PATH}?{urlencode({'limit': LIMIT, 'offset': offset})}", headers=headers
            )
            resp = conn.getresponse()
            content = resp.read()
            if resp.status != 200:
                raise RuntimeError(f"GET offset={offset}: {resp.status} {content[:300]!r}")
            if offset == 0:
                assert len(orjson.loads(content)) == min(LIMIT, total), "short first page"
        return time.perf_counter() - start
    finally:
        conn.close()


# --------------------------------------------------------------------------- read baseline


def capture_pages(db_url: str, total: int) -> list[list[tuple[str, Any]]]:
    """The SELECTs the hub issues for each page, captured from an in-process app."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from interop_hub.app import create_app
    from interop_hub.auth.scopes import EDFI_READ
    from interop_hub.auth.tokens import issue_token
    from interop_hub.config import Settings
    from interop_hub.core.db import create_db_engine

    engine = create_db_engine(db_url)
    pages: list[list[tuple[str, Any]]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and pages:
            pages[-1].append((statement, params))

    settings = Settings(database_url=db_url, jwt_secret=JWT_SECRET, rate_limit_per_minute=0)
    bearer = issue_token(JWT_SECRET.encode(), "baseline", frozenset({EDFI_READ}), 600).token
    try:
        with TestClient(create_app(settings, engine=engine)) as client:
            for offset in range(0, total, LIMIT):
                pages.append([])
                client.get(
                    PATH,
                    params={"limit": LIMIT, "offset": offset},
                    headers={"Authorization": f"Bearer {bearer}"},
                ).raise_for_status()
    finally:
        engine.dispose()
    return pages


def read_baseline(db_url: str, total: int) -> float:
    pages = capture_pages(db_url, total)
    engine = create_engine(db_url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        start = time.perf_counter()
        for statements in pages:
            for statement, params in statements:
                cur.execute(statement, params)
                names = [d[0] for d in cur.description]
                orjson.dumps([dict(zip(names, row, strict=True)) for row in cur.fetchall()])
        elapsed = time.perf_counter() - start
        raw.rollback()
    finally:
        raw.close()
        engine.dispose()
    return elapsed


# --------------------------------------------------------------------------- run


def run(students: int, kinds: list[str], workers: int = 2) -> None:
    data = dataset(students)
    documents = _documents(data, RESOURCE)
    n = len(documents)
    posts: list[list[object]] = []
    reads: list[list[object]] = []
    for kind in kinds:
        with fresh_database(kind, f"edfi{students}") as url:
            client_id, secret = prepare(url, data)
            with raw_server(url, workers) as raw:
                raw_requests = _requests(raw.port, "-", documents)
                raw_s = post_all(raw.port, raw_requests)
            # the limiter on (a limit never reached) on the first half, then off
            half = n // 2
            with hub_server(url, workers, 10**9) as hub:
                bearer = token(hub.port, client_id, secret)
                requests = _requests(hub.port, bearer, documents)
                limited_s = post_all(hub.port, requests[:half])
            with hub_server(url, workers, 0) as hub:
                bearer = token(hub.port, client_id, secret)
                requests = _requests(hub.port, bearer, documents)
                hub_s = post_all(hub.port, requests[half:])
                page_all(hub.port, bearer, 2 * LIMIT)  # warm-up
                read_s = page_all(hub.port, bearer, n)
            base_read_s = read_baseline(url, n)
            posts.append(
                [
                    kind,
                    workers,
                    "limiter off",
                    n - half,
                    (n - half) / hub_s,
                    n / raw_s,
                    (n - half) / hub_s / (n / raw_s),
                    hub.peak_rss_mb,
                ]
            )
            posts.append(
                [
                    kind,
                    workers,
                    "limiter on",
                    half,
                    half / limited_s,
                    n / raw_s,
                    half / limited_s / (n / raw_s),
                    "",
                ]
            )
            reads.append(
                [kind, workers, n, n / read_s, n / base_read_s, (n / read_s) / (n / base_read_s)]
            )
            print_table(
                f"Ed-Fi POST {RESOURCE} over loopback uvicorn ({CONNECTIONS} connections) vs raw "
                "ASGI insert-and-commit",
                [
                    "db",
                    "workers",
                    "rate limiter",
                    "records",
                    "hub POST/s",
                    "raw POST/s",
                    "hub/raw",
                    "peak RSS MB",
                ],
                posts,
            )
            print_table(
                f"Ed-Fi GET {RESOURCE} at limit={LIMIT} over loopback uvicorn vs in-process "
                "SQL + orjson",
                ["db", "workers", "records", "served rec/s", "baseline rec/s", "served/baseline"],
                reads,
            )
