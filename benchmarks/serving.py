"""A prepared hub for the serving benchmarks: imported district, API client, live uvicorn."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import orjson

from benchmarks.common import hub_command, run_child
from interop_hub.clients.provision import provision_client
from interop_hub.config import Settings

API = "/ims/oneroster/rostering/v1p2"
JWT_SECRET = "benchmark-only-signing-key-0123456789abcdef"  # noqa: S105


@dataclass
class LiveHub:
    base_url: str
    db_url: str
    token: str
    pid: int
    client_id: str = ""
    client_secret: str = ""


def prepare(db_url: str, package: Path, source: str = "bench") -> float:
    env = {"INTEROP_HUB_DATABASE_URL": db_url}
    run_child(hub_command("db", "upgrade"), env)
    return run_child(hub_command("import", str(package), "--source", source), env).seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_hub(
    db_url: str, scopes: tuple[str, ...] = ("roster-core.readonly", "roster.readonly")
) -> Iterator[LiveHub]:
    port = _free_port()
    env = {
        **os.environ,
        "INTEROP_HUB_DATABASE_URL": db_url,
        "INTEROP_HUB_JWT_SECRET": JWT_SECRET,
    }
    proc = subprocess.Popen(
        hub_command("serve", "--port", str(port)),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("uvicorn did not start")
        creds = provision_client(
            "bench",
            list(scopes),
            settings=Settings(database_url=db_url),
        )
        resp = httpx.post(
            f"{base}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(creds.client_id, creds.client_secret),
        )
        resp.raise_for_status()
        yield LiveHub(
            base,
            db_url,
            resp.json()["access_token"],
            proc.pid,
            creds.client_id,
            creds.client_secret,
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def page_through(
    hub: LiveHub, path: str, limit: int, max_records: int, params: dict[str, str] | None = None
) -> tuple[int, float]:
    """GET every page of ``path`` (up to ``max_records``); return (records, seconds).

    The client reads every body in full but does not decode it (only the first page is
    checked), so the figure measures the server rather than this process's JSON parser,
    which shares the machine's two cores with it; records per page come from X-Total-Count.
    For the same reason it is the standard library's ``http.client`` on one keep-alive
    connection: a real HTTP/1.1 request and response over loopback, without the per-request
    Python cost of a full-featured client (httpx spends ~2 ms of CPU per 0.5 MB page on
    these cores, as much as the baseline's whole page).
    """
    records = 0
    offset = 0
    host, _, port = hub.base_url.removeprefix("http://").partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    headers = {"Authorization": f"Bearer {hub.token}"}
    try:
        start = time.perf_counter()
        while records < max_records:
            query = urlencode({"limit": limit, "offset": offset, **(params or {})})
            conn.request("GET", f"{API}{path}?{query}", headers=headers)
            resp = conn.getresponse()
            content = resp.read()
            if resp.status != 200:
                raise RuntimeError(f"GET {path} offset={offset}: {resp.status} {content[:500]!r}")
            total = int(resp.headers["X-Total-Count"])
            on_page = max(0, min(limit, total - offset))
            if offset == 0:
                body = orjson.loads(content)
                assert len(next(iter(body.values()))) == on_page, "X-Total-Count disagrees"
            records += on_page
            if offset + limit >= total:
                break
            offset += limit
        return records, time.perf_counter() - start
    finally:
        conn.close()
