"""End to end with real, unmodified Ed-Fi clients from PyPI against a live uvicorn on loopback.

* ``lightbeam`` (Education Analytics' loader, run as its own CLI in a child process) validates
  and sends a generated DS 5 dataset (``generator.edfi``: every core resource, one JSONL per
  resource) into the hub; its structured results must report zero failed records, and its
  ``count`` command and the database must agree with the dataset. Its ``delete`` command finds
  items by natural key (a collection GET by flat key fields) and deletes them by id.
* ``edfi_api_client`` pulls the data back: offset paging (our discovery ``version`` is below
  7.3, so the client does not switch to cursor paging), reverse paging in change-version
  steps, change-version deltas after updates, ``/deletes`` and ``/keyChanges``.

The server runs in a thread of this process over the session's migrated database (SQLite, or
PostgreSQL when ``INTEROP_HUB_TEST_DATABASE_URL`` is set), on a socket bound to a free port.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from edfi_api_client import EdFiClient
from sqlalchemy import Engine, func, select

from interop_hub.app import create_app
from interop_hub.clients.service import create_client
from interop_hub.config import Settings
from interop_hub.core.db import make_sessionmaker, session_scope
from interop_hub.edfi.seed import load_descriptors, load_school_years
from interop_hub.generator import generate_district
from interop_hub.generator.edfi import write_edfi_dataset
from interop_hub.models import EdfiDocument
from tests.conftest import TEST_JWT_SECRET, _clean

pytestmark = pytest.mark.slow

STUDENTS = 150
META = ("id", "_etag", "_lastModifiedDate")
SSA = "studentSectionAssociations"


@dataclass
class Hub:
    base: str  # the Ed-Fi base URL (where the discovery document is)
    client_id: str
    client_secret: str
    dataset: Path
    counts: dict[str, int]
    work: Path
    send_results: dict[str, Any]
    validate_results: dict[str, Any]

    def client(self) -> EdFiClient:
        return EdFiClient(self.base, self.client_id, self.client_secret)

    def lightbeam(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the lightbeam CLI (``python -m lightbeam``) with our config."""
        command = [sys.executable, "-m", "lightbeam", *args, "-c", str(self.work / "lb.yaml")]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"lightbeam {args} failed:\n{done.stderr[-4000:]}"
        return done


@contextmanager
def _serve(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread on a free loopback port; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn exited"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def _lightbeam_config(hub_base: str, client_id: str, secret: str, data: Path, work: Path) -> str:
    return f"""\
state_dir: {work / "lb-state"}
data_dir: {data}/
namespace: ed-fi
force_delete: True
edfi_api:
  base_url: {hub_base}
  version: 3
  mode: sandbox
  client_id: {client_id}
  client_secret: {secret}
connection:
  pool_size: 8
  timeout: 60
  num_retries: 3
  backoff_factor: 1.5
  retry_statuses: [429, 500, 501, 503, 504]
  verify_ssl: False
validate:
  methods: [schema, uniqueness]
log_level: INFO
show_stacktrace: True
"""


@pytest.fixture(scope="module")
def hub(
    engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hub]:
    """A live hub, seeded with descriptors, into which lightbeam has sent a generated dataset."""
    work = tmp_path_factory.mktemp("e2e")
    generate_district(work / "oneroster", students=STUDENTS, seed=11)
    counts = write_edfi_dataset(work / "oneroster", work / "edfi")
    _clean(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        load_descriptors(session)
        load_school_years(session)
        client, secret = create_client(session, "lightbeam", ["edfi.read", "edfi.write"])
    settings = Settings(data_dir=work, database_url=database_url, jwt_secret=TEST_JWT_SECRET)
    try:
        with _serve(create_app(settings, engine=engine)) as root:
            base = f"{root}/edfi"
            (work / "lb.yaml").write_text(
                _lightbeam_config(base, client.client_id, secret, work / "edfi", work)
            )
            hub = Hub(base, client.client_id, secret, work / "edfi", counts, work, {}, {})
            hub.lightbeam("validate", "--results-file", str(work / "validate.json"))
            hub.validate_results = json.loads((work / "validate.json").read_text())
            hub.lightbeam("send", "--results-file", str(work / "send.json"))
            hub.send_results = json.loads((work / "send.json").read_text())
            yield hub
    finally:
        _clean(engine)


def _dataset(hub: Hub, resource: str) -> list[dict[str, Any]]:
    lines = (hub.dataset / f"{resource}.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def _strip(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in META}


def test_lightbeam_sends_every_core_resource_without_failures(hub: Hub, engine: Engine) -> None:
    assert set(hub.counts) >= {"students", "sections", SSA, "staffSectionAssociations"}
    total = sum(hub.counts.values())
    for results in (hub.validate_results, hub.send_results):
        assert results["total_records_processed"] == total
        assert results["total_records_failed"] == 0
        assert results["total_records_skipped"] == 0
    sent = hub.send_results["resources"]
    assert set(sent) == set(hub.counts)
    for resource, count in hub.counts.items():
        assert sent[resource]["records_failed"] == 0, sent[resource]
        assert "failures" not in sent[resource], sent[resource]
        status = 200 if resource == "schoolYearTypes" else 201  # seeded: an update
        assert sent[resource]["successes"] == [{"status_code": status, "count": count}], resource

    # lightbeam's own count (GET ?limit=0&totalCount=true on every endpoint) and the database
    hub.lightbeam("count", "--results-file", str(hub.work / "counts.tsv"))
    rows = (hub.work / "counts.tsv").read_text().splitlines()[1:]
    counted = {name: int(n) for n, name in (row.split("\t") for row in rows)}
    stmt = select(EdfiDocument.resource, func.count()).group_by(EdfiDocument.resource)
    with engine.connect() as conn:
        stored = {resource: int(n) for resource, n in conn.execute(stmt)}
    for resource, count in hub.counts.items():
        # schoolYearTypes are seeded (1991-2050); the dataset re-sends one of them
        expected = 60 if resource == "schoolYearTypes" else count
        assert counted[resource] == expected, resource
        assert stored[resource] == expected, resource
    assert counted["gradeLevelDescriptors"] == stored["gradeLevelDescriptors"] > 0


def test_edfi_api_client_pages_deltas_and_deletes(hub: Hub) -> None:
    client = hub.client()
    assert client.api_mode == "sandbox"
    version = client.get_ods_version()
    assert version is not None
    assert tuple(int(p) for p in version.split(".")[:2]) < (7, 3)  # offset paging, not cursors
    client.connect()
    sent = _dataset(hub, SSA)
    ssa = client.resource(SSA)

    # Offset paging: every record exactly once, and each reads back as it was sent.
    rows = list(ssa.get_rows(page_size=100))
    assert len(rows) == len({r["id"] for r in rows}) == len(sent) == ssa.get_total_count()
    by_body = {json.dumps(_strip(r), sort_keys=True): r for r in rows}
    assert set(by_body) == {json.dumps(d, sort_keys=True) for d in sent}

    # Reverse offset paging in change-version steps (the client's robust full pull).
    v0 = client.get_newest_change_version()
    stepped = client.resource(SSA, min_change_version=0, max_change_version=v0)
    stepped_rows = list(
        stepped.get_rows(page_size=100, step_change_version=True, change_version_step_size=400)
    )
    assert sorted(r["id"] for r in stepped_rows) == sorted(r["id"] for r in rows)

    # Changes: upserts of re-posted GET rows (the client keeps _etag/_lastModifiedDate in the
    # body), PUTs, a natural-key change via PUT, and deletes by two clients.
    changed: dict[str, dict[str, Any]] = {}
    for row in rows[:5]:
        body = dict(row, homeroomIndicator=not row.get("homeroomIndicator", False))
        assert client.session.post_response(ssa.url, body).status_code == 200
        changed[row["id"]] = body
    for row in rows[5:8]:
        body = dict(row, endDate="2025-01-31")
        assert client.session.put_response(ssa.url, row["id"], body).status_code == 204
        changed[row["id"]] = body
    moved = rows[8]
    new_key = dict(moved, beginDate="2024-09-03")
    assert client.session.put_response(ssa.url, moved["id"], new_key).status_code == 204
    changed[moved["id"]] = new_key
    deleted = {r["id"]: r for r in rows[9:12]}
    for row in deleted.values():
        assert client.session.delete_response(ssa.url, row["id"]).status_code == 204
    # lightbeam delete: looks each payload up by its natural key, then deletes by id
    to_delete = rows[12:15]
    deleted |= {r["id"]: r for r in to_delete}
    lb_dir = hub.work / "lb-delete"
    lb_dir.mkdir()
    (lb_dir / f"{SSA}.jsonl").write_text("".join(json.dumps(_strip(r)) + "\n" for r in to_delete))
    hub.lightbeam("delete", "-f", "--set", "data_dir", f"{lb_dir}/")
    v1 = client.get_newest_change_version()
    assert v1 == v0 + len(changed) + len(deleted)

    # The delta window holds exactly the changed records, as they are now.
    window = {"min_change_version": v0 + 1, "max_change_version": v1}
    delta = list(client.resource(SSA, **window).get_rows(page_size=3))
    assert {r["id"]: _strip(r) for r in delta} == {i: _strip(b) for i, b in changed.items()}
    stepped_delta = client.resource(SSA, **window).get_rows(
        page_size=2, step_change_version=True, change_version_step_size=3
    )
    assert sorted(r["id"] for r in stepped_delta) == sorted(changed)
    after = {"min_change_version": v1 + 1, "max_change_version": v1 + 100}
    assert list(client.resource(SSA, **after).get_rows()) == []

    # /deletes: the deleted ids with their natural keys (descriptors as URIs).
    deletes = list(client.resource(SSA, get_deletes=True, **window).get_rows(page_size=2))
    assert {d["id"] for d in deletes} == set(deleted)
    for item in deletes:
        row = deleted[item["id"]]
        section = row["sectionReference"]
        assert item["keyValues"] == {
            "beginDate": row["beginDate"],
            "studentUniqueId": row["studentReference"]["studentUniqueId"],
            **section,
        }
        assert v0 < item["changeVersion"] <= v1

    # /keyChanges: the one item whose natural key changed, old and new keys.
    key_changes = list(client.resource(SSA, get_key_changes=True, **window).get_rows())
    assert [(k["id"], k["oldKeyValues"]["beginDate"]) for k in key_changes] == [
        (moved["id"], moved["beginDate"])
    ]
    assert key_changes[0]["newKeyValues"]["beginDate"] == "2024-09-03"

    remaining = list(ssa.get_rows(page_size=500))
    assert len(remaining) == len(sent) - len(deleted)
    assert not set(deleted) & {r["id"] for r in remaining}
