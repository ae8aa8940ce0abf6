"""Connector sync runs: the durable state machine.

    fetching ──► staged ──► (resolve, diff: one transaction) ──► applied
        │           │                                        ├─► held ──► approve ──► staged ...
        │           │                                        │        └─► discard ──► discarded
        │           │                                        ├─► diffed    (dry run, never applied)
        │           │                                        └─► rejected  (validation report)
        └───────────┴──► failed   (source error, or a crash while fetching)

* **fetching**: the connector's records go through its mapping into a local staged
  package (``sync.extract``); progress (records per stream) is written to the run row.
* **staged**: the package is stored in the database (``sync.spool``) in the same
  transaction that records the state, so a crash after this point loses nothing: the run
  is resumed from the stored files, on any worker.
* **resolve / diff / apply** run in *one* transaction (``sync.oneroster_csv``): hub ids,
  references, the diff against the store. The safety gate (``sync.gate``) then decides:
  apply (commit, bookmarks stored in the same commit), hold (roll back; the API keeps
  serving the last good data) or, for a dry run, report the diff and roll back. A crash
  anywhere inside rolls everything back; the run is still ``staged`` and is resumed.
* **held** runs wait for an admin. Approval re-runs the same staged data and commits
  only if the diff is the one that was approved (the same counts per entity and action);
  if the store changed meanwhile, the run is held again with the new diff.

A run holds a *lease* (``lease_expires_at``), renewed by a heartbeat thread. An active run
whose lease ran out belongs to a dead worker: ``recover`` fails it when it died while
fetching (nothing was staged durably) and resumes it when its data was staged. At most
one run per source is active: a partial unique index on ``sync_runs(source)`` enforces it
across processes and machines.
"""

# ruff: noqa: S608  (table names come from the internal ENTITY_TABLES constant)

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from interop_hub.config import Settings
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.connectors.sdk.registry import connector_class
from interop_hub.core.clock import utcnow
from interop_hub.core.errors import Conflict, HubError, InvalidRequest, NotFound
from interop_hub.models import (
    ACTIVE_STATES,
    ConnectorBookmark,
    ConnectorInstance,
    SyncRun,
    SyncRunFile,
)
from interop_hub.sync.apply import Stamp
from interop_hub.sync.assessments import apply_assessment_results
from interop_hub.sync.extract import stage
from interop_hub.sync.gate import Counts, GateConfig, hold_reasons, in_blackout
from interop_hub.sync.instances import build_connector, get_instance
from interop_hub.sync.oneroster_csv import ApplyHooks, PackageRejected, import_package
from interop_hub.sync.result import EntityStats, ImportResult
from interop_hub.sync.spool import load_files, store_files
from interop_hub.sync.staged import source_of_line

__all__ = [
    "ENTITY_TABLES",
    "RunOutcome",
    "approve_run",
    "discard_run",
    "execute_run",
    "get_run",
    "list_runs",
    "recover",
    "run_view",
    "start_run",
]

# Entity files of a staged package and the canonical tables they land in.
ENTITY_TABLES: Final = {
    "orgs": "orgs",
    "academicSessions": "academic_sessions",
    "courses": "courses",
    "classes": "classes",
    "users": "users",
    "userProfiles": "user_profiles",
    "demographics": "demographics",
    "enrollments": "enrollments",
    "assessmentResults": "assessment_results",
}
SAMPLE: Final = 20
log = logging.getLogger(__name__)


@dataclass
class RunOutcome:
    run_id: int
    state: str
    stats: dict[str, Any] = field(default_factory=dict)
    hold_reasons: list[str] = field(default_factory=list)
    error: str | None = None


def _spool(settings: Settings, run_id: int) -> Path:
    root = settings.sync_spool_dir or settings.data_dir / "spool"
    return root / f"run-{run_id}"


# --------------------------------------------------------------------------- starting


def start_run(
    engine: Engine,
    settings: Settings,
    ref: int | str,
    *,
    mode: str = "full",
    dry_run: bool = False,
    trigger: str = "manual",
) -> int:
    """Create a ``fetching`` run of connector ``ref``; ``Conflict`` if one is active or held."""
    if mode not in ("full", "incremental"):
        raise InvalidRequest("mode is full or incremental")
    recover(engine, settings, execute=False)
    with engine.begin() as conn:
        row = get_instance(conn, ref)
        cls = connector_class(row.kind)
        if mode == "incremental" and not cls.supports_incremental:
            if trigger == "manual":
                raise InvalidRequest(
                    f"{row.kind} connectors read full snapshots only; start a full run"
                )
            mode = "full"
        held = conn.execute(
            select(SyncRun.id).where(SyncRun.source == row.source, SyncRun.state == "held")
        ).first()
        if held is not None and not dry_run:
            raise Conflict(
                f"run {held.id} of {row.name!r} is held for approval: approve or discard it "
                "before starting another"
            )
        now = utcnow()
        try:
            with conn.begin_nested():
                run_id = conn.execute(
                    insert(SyncRun)
                    .values(
                        source=row.source,
                        kind=row.kind,
                        state="fetching",
                        started_at=now,
                        instance_id=row.id,
                        mode=mode,
                        dry_run=dry_run,
                        trigger=trigger,
                        progress={"phase": "fetching", "records": {}},
                        lease_expires_at=now + timedelta(seconds=settings.sync_lease_seconds),
                    )
                    .returning(SyncRun.id)
                ).scalar_one()
        except IntegrityError:
            active = conn.execute(
                select(SyncRun.id).where(
                    SyncRun.source == row.source, SyncRun.state.in_(ACTIVE_STATES)
                )
            ).first()
            raise Conflict(
                f"connector {row.name!r} already has an active run"
                + (f" ({active.id})" if active else "")
            ) from None
    return int(run_id)


# --------------------------------------------------------------------------- lease


class _Heartbeat:
    """Renews the run's lease every third of its length until stopped."""

    def __init__(self, engine: Engine, run_id: int, seconds: int) -> None:
        self.engine = engine
        self.run_id = run_id
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{run_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._renew()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _renew(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(SyncRun)
                .where(SyncRun.id == self.run_id, SyncRun.state.in_(ACTIVE_STATES))
                .values(lease_expires_at=utcnow() + timedelta(seconds=self.seconds))
            )

    def _beat(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                self._renew()
            except OperationalError:
                # SQLite is locked by the apply transaction; the lease is long enough.
                continue


# --------------------------------------------------------------------------- running


def _set(engine: Engine, run_id: int, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(SyncRun).where(SyncRun.id == run_id).values(**values))


def _fail(engine: Engine, run_id: int, message: str) -> RunOutcome:
    _set(
        engine,
        run_id,
        state="failed",
        finished_at=utcnow(),
        error=message[:4000],
        lease_expires_at=None,
        progress={"phase": "failed"},
    )
    return RunOutcome(run_id, "failed", error=message)


def get_run(conn: Connection, run_id: int) -> Any:
    row = conn.execute(select(SyncRun).where(SyncRun.id == run_id)).first()
    if row is None:
        raise NotFound(f"no sync run {run_id}")
    return row


def _bookmarks(conn: Connection, instance_id: int) -> dict[str, str]:
    rows = conn.execute(
        select(ConnectorBookmark.stream, ConnectorBookmark.value).where(
            ConnectorBookmark.instance_id == instance_id
        )
    )
    return {r.stream: r.value for r in rows}


def _fetch(
    engine: Engine,
    settings: Settings,
    run: Any,
    instance: Any,
    folder: Path,
    connector_kwargs: dict[str, Any],
) -> None:
    with engine.connect() as conn:
        bookmarks = _bookmarks(conn, instance.id) if run.mode == "incremental" else {}
    last = [0.0]

    def progress(stream: str, count: int) -> None:
        seen[stream] = count
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            _set(engine, run.id, progress={"phase": "fetching", "records": dict(seen)})

    seen: dict[str, int] = {}
    ctx = ExtractContext(mode=run.mode, bookmarks=bookmarks, progress=progress)
    connector = build_connector(instance, settings, **connector_kwargs)
    try:
        result = stage(
            connector,
            folder,
            ctx,
            system_code=instance.name,
            on_rows=lambda counts: progress(*max(counts.items(), key=lambda kv: kv[1])),
        )
    finally:
        connector.close()
    with engine.begin() as conn:
        store_files(conn, run.id, folder)
        conn.execute(
            update(SyncRun)
            .where(SyncRun.id == run.id)
            .values(
                state="staged",
                bookmarks=result.bookmarks,
                progress={
                    "phase": "staged",
                    "records": result.records,
                    "staged_rows": result.rows,
                    "passthrough": result.passthrough,
                },
            )
        )


def _before_counts(engine: Engine, source: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for entity, table in ENTITY_TABLES.items():
            counts[entity] = int(
                conn.execute(
                    text(f"SELECT COUNT(*) FROM {table} WHERE source = :s AND status = 'active'"),
                    {"s": source},
                ).scalar_one()
            )
    return counts


def _signature(diff: dict[str, Any]) -> dict[str, Any]:
    return {
        entity: {k: v for k, v in counts.items() if k in ("added", "updated", "tombstoned")}
        for entity, counts in (diff.get("entities") or {}).items()
    }


def _samples(conn: Connection, version: int | None) -> dict[str, list[dict[str, str]]]:
    if version is None:
        return {}
    out: dict[str, list[dict[str, str]]] = {}
    for entity, table in ENTITY_TABLES.items():
        rows = conn.execute(
            text(
                f"SELECT sourced_id, status FROM {table} WHERE change_version = :v "
                f"ORDER BY status DESC, sourced_id LIMIT {SAMPLE}"
            ),
            {"v": version},
        ).all()
        if rows:
            out[entity] = [{"sourcedId": r.sourced_id, "status": r.status} for r in rows]
    return out


def _assessments_hook(
    folder: Path, bulk: bool
) -> Callable[[Connection, Stamp], dict[str, EntityStats]]:
    def apply(conn: Connection, stamp: Stamp) -> dict[str, EntityStats]:
        outcome = apply_assessment_results(
            conn,
            folder / "assessmentResults.csv",
            source=stamp.source,
            change_version=stamp.change_version,
            now=stamp.now,
            bulk=bulk,
        )
        return {"assessmentResults": outcome.stats()}

    return apply


def _import(
    engine: Engine, settings: Settings, run: Any, instance: Any, folder: Path
) -> RunOutcome:
    before = _before_counts(engine, instance.source)
    gate = GateConfig.model_validate(instance.gate or {})
    blackout = in_blackout(instance.blackouts, utcnow())
    approved = run.decided_by is not None and run.diff is not None
    decision: dict[str, Any] = {}

    def decide(conn: Connection, result: ImportResult) -> str:
        entities = {name: st.as_dict() for name, st in result.stats.items()}
        for name, counts in entities.items():
            counts["before"] = before.get(name, 0)
        diff = {
            "entities": entities,
            "samples": _samples(conn, result.change_version),
            "warnings": result.report.warning_count,
        }
        reasons = hold_reasons(
            gate,
            {
                n: Counts(before.get(n, 0), st.updated, st.tombstoned)
                for n, st in result.stats.items()
            },
        )
        if blackout is not None:
            reasons.append(
                f"inside the {blackout.reason} blackout window {blackout.start}..{blackout.end}"
            )
        decision["diff"] = diff
        decision["reasons"] = reasons
        if run.dry_run:
            return "diffed"
        if approved:
            if _signature(diff) != _signature(run.diff):
                decision["reasons"] = [
                    "the store changed after this diff was approved; review the new diff",
                    *reasons,
                ]
                return "held"
        elif reasons:
            return "held"
        bookmarks = run.bookmarks or {}
        now = utcnow()
        for stream, value in bookmarks.items():
            conn.execute(
                delete(ConnectorBookmark).where(
                    ConnectorBookmark.instance_id == instance.id,
                    ConnectorBookmark.stream == stream,
                )
            )
            conn.execute(
                insert(ConnectorBookmark).values(
                    instance_id=instance.id,
                    stream=stream,
                    value=value,
                    run_id=run.id,
                    updated_at=now,
                )
            )
        conn.execute(
            update(SyncRun)
            .where(SyncRun.id == run.id)
            .values(
                diff=diff,
                hold_reasons=reasons or None,
                lease_expires_at=None,
                progress={**(run.progress or {}), "phase": "applied"},
            )
        )
        return "applied"

    hooks = ApplyHooks(
        more=_assessments_hook(folder, run.mode == "full")
        if (folder / "assessmentResults.csv").exists()
        else None,
        decide=decide,
    )
    package = folder / "package.zip" if (folder / "package.zip").exists() else folder
    try:
        result = import_package(engine, package, source=instance.source, run_id=run.id, hooks=hooks)
    except PackageRejected as exc:
        _annotate_rejection(engine, run.id, folder)
        return RunOutcome(run.id, "rejected", error=str(exc))
    if result.state == "applied":
        if result.change_version is not None:
            _publish_edfi(engine)
        return RunOutcome(run.id, "applied", result.stats_dict(), decision.get("reasons", []))
    _set(
        engine,
        run.id,
        state=result.state,
        finished_at=utcnow(),
        stats=result.stats_dict(),
        report=result.report.as_dicts(),
        diff=decision.get("diff"),
        hold_reasons=decision.get("reasons") or None,
        lease_expires_at=None,
        decided_by=None,
        decided_at=None,
        progress={**(run.progress or {}), "phase": result.state},
    )
    return RunOutcome(run.id, result.state, result.stats_dict(), decision.get("reasons", []))


def _publish_edfi(engine: Engine) -> None:
    """Keep the Ed-Fi surface in step (as ``interop-hub import`` does). The run is already
    applied; a publishing failure is logged and retried by the next publish."""
    from interop_hub.core.db import make_sessionmaker, session_scope
    from interop_hub.edfi.canonical.publish import descriptors_loaded, publish

    try:
        with session_scope(make_sessionmaker(engine)) as session:
            if descriptors_loaded(session):
                publish(session)
    except Exception:
        log.exception("publishing the applied run to Ed-Fi failed; the next publish retries")


def _annotate_rejection(engine: Engine, run_id: int, folder: Path) -> None:
    """Name the source record behind each problem the importer found in staged files."""
    with engine.connect() as conn:
        report = get_run(conn, run_id).report or []
    changed = False
    for problem in report[:1000]:
        if not isinstance(problem, dict) or not problem.get("line"):
            continue
        origin = source_of_line(folder, str(problem.get("file", "")), int(problem["line"]))
        if origin:
            problem["source_record"] = origin
            changed = True
    if changed:
        _set(engine, run_id, report=report)


def execute_run(
    engine: Engine,
    settings: Settings,
    run_id: int,
    *,
    connector_kwargs: dict[str, Any] | None = None,
) -> RunOutcome:
    """Take run ``run_id`` from where it stands to a final (or held) state."""
    with engine.connect() as conn:
        run = get_run(conn, run_id)
        if run.state not in ACTIVE_STATES:
            raise Conflict(f"run {run_id} is {run.state}; nothing to execute")
        if run.instance_id is None:
            raise Conflict(f"run {run_id} is not a connector run")
        instance = get_instance(conn, run.instance_id)
    folder = _spool(settings, run_id)
    try:
        with _Heartbeat(engine, run_id, settings.sync_lease_seconds):
            if run.state == "fetching":
                if folder.exists():
                    shutil.rmtree(folder)
                try:
                    _fetch(engine, settings, run, instance, folder, connector_kwargs or {})
                except HubError as exc:
                    return _fail(engine, run_id, exc.message)
            else:
                with engine.connect() as conn:
                    load_files(conn, run_id, folder)
            with engine.connect() as conn:
                run = get_run(conn, run_id)
            try:
                return _import(engine, settings, run, instance, folder)
            except HubError as exc:
                return _fail(engine, run_id, exc.message)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- decisions


def approve_run(engine: Engine, settings: Settings, run_id: int, actor: str) -> RunOutcome:
    """Apply a held run's diff (exactly that diff; see the module docstring)."""
    with engine.begin() as conn:
        run = get_run(conn, run_id)
        if run.state != "held":
            raise Conflict(f"run {run_id} is {run.state}, not held")
        try:
            with conn.begin_nested():
                done = conn.execute(
                    update(SyncRun)
                    .where(SyncRun.id == run_id, SyncRun.state == "held")
                    .values(
                        state="staged",
                        decided_by=actor,
                        decided_at=utcnow(),
                        finished_at=None,
                        lease_expires_at=utcnow() + timedelta(seconds=settings.sync_lease_seconds),
                    )
                ).rowcount
        except IntegrityError:
            raise Conflict(
                f"another run of {run.source} is active; approve run {run_id} when it ends"
            ) from None
        if done != 1:
            raise Conflict(f"run {run_id} was decided concurrently")
    return execute_run(engine, settings, run_id)


def discard_run(engine: Engine, run_id: int, actor: str) -> RunOutcome:
    with engine.begin() as conn:
        done = conn.execute(
            update(SyncRun)
            .where(SyncRun.id == run_id, SyncRun.state.in_(("held", "diffed")))
            .values(state="discarded", decided_by=actor, decided_at=utcnow(), finished_at=utcnow())
        ).rowcount
        if done != 1:
            state = get_run(conn, run_id).state
            raise Conflict(f"run {run_id} is {state}; only held or dry-run runs can be discarded")
        conn.execute(delete(SyncRunFile).where(SyncRunFile.run_id == run_id))
    return RunOutcome(run_id, "discarded")


# --------------------------------------------------------------------------- recovery


def recover(engine: Engine, settings: Settings, *, execute: bool = True) -> list[RunOutcome]:
    """Deal with active runs whose lease expired (their worker died).

    Fetching runs fail (nothing durable was staged; the next run fetches again). Staged
    runs are resumed from their stored files when ``execute`` is set; otherwise they are
    left for a worker to pick up (their lease is left expired)."""
    now = utcnow()
    outcomes: list[RunOutcome] = []
    with engine.connect() as conn:
        stale = list(
            conn.execute(
                select(SyncRun.id, SyncRun.state).where(
                    SyncRun.state.in_(ACTIVE_STATES),
                    (SyncRun.lease_expires_at.is_(None)) | (SyncRun.lease_expires_at < now),
                )
            )
        )
    for run_id, state in stale:
        if state == "fetching":
            with engine.begin() as conn:
                done = conn.execute(
                    update(SyncRun)
                    .where(
                        SyncRun.id == run_id,
                        SyncRun.state == "fetching",
                        (SyncRun.lease_expires_at.is_(None)) | (SyncRun.lease_expires_at < now),
                    )
                    .values(
                        state="failed",
                        finished_at=now,
                        error="the worker stopped while fetching (its lease expired); nothing "
                        "was applied, and the next run fetches again",
                        lease_expires_at=None,
                    )
                ).rowcount
            if done:
                outcomes.append(RunOutcome(run_id, "failed", error="abandoned while fetching"))
        elif execute:
            with engine.begin() as conn:
                claimed = conn.execute(
                    update(SyncRun)
                    .where(
                        SyncRun.id == run_id,
                        SyncRun.state.in_(ACTIVE_STATES),
                        (SyncRun.lease_expires_at.is_(None)) | (SyncRun.lease_expires_at < now),
                    )
                    .values(lease_expires_at=now + timedelta(seconds=settings.sync_lease_seconds))
                ).rowcount
            if claimed:
                outcomes.append(execute_run(engine, settings, run_id))
    return outcomes


# --------------------------------------------------------------------------- queries


def list_runs(
    conn: Connection,
    *,
    source: str | None = None,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Any]:
    stmt = select(SyncRun).order_by(SyncRun.id.desc()).limit(limit).offset(offset)
    if source:
        stmt = stmt.where(SyncRun.source == source)
    if state:
        stmt = stmt.where(SyncRun.state == state)
    return list(conn.execute(stmt))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def run_view(row: Any, *, full: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": row.id,
        "source": row.source,
        "kind": row.kind,
        "connector_id": row.instance_id,
        "state": row.state,
        "mode": row.mode,
        "dry_run": bool(row.dry_run),
        "trigger": row.trigger,
        "started_at": _iso(row.started_at),
        "finished_at": _iso(row.finished_at),
        "change_version": row.change_version,
        "progress": row.progress,
        "hold_reasons": row.hold_reasons or [],
        "decided_by": row.decided_by,
        "decided_at": _iso(row.decided_at),
        "error": row.error,
    }
    if full:
        view |= {"stats": row.stats, "diff": row.diff, "report": row.report or []}
    return view


def instance_of(conn: Connection, run: Any) -> Any:
    return conn.execute(
        select(ConnectorInstance).where(ConnectorInstance.id == run.instance_id)
    ).first()
