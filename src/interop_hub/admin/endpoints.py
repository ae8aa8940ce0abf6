"""Admin REST API (``/admin``, scope ``admin``): connectors, sync runs, holds.

Errors are the hub's JSON shape ``{"error": code, "message": ...}``. Starting a run
answers ``202`` with the run; it executes in the background (in-process on the embedded
default, on a procrastinate worker with ``INTEROP_HUB_SYNC_QUEUE``); poll
``GET /admin/runs/{id}`` for progress and the report.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import Engine

from interop_hub.admin.schemas import ConnectorChange, ConnectorCreate, RunRequest
from interop_hub.auth.dependencies import AdminAccess
from interop_hub.config import Settings
from interop_hub.connectors.sdk.registry import available, broken
from interop_hub.core.clock import utcnow
from interop_hub.core.errors import HubError, InvalidRequest
from interop_hub.sync import instances, runner

__all__ = ["router"]

router = APIRouter(prefix="/admin", tags=["admin"])


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _dispatch(request: Request, run_id: int, source: str) -> None:
    dispatcher = getattr(request.app.state, "sync_dispatch", None)
    if dispatcher is None:
        raise HubError("no sync executor is running in this process")
    dispatcher(run_id, source)


@router.get("/connector-kinds")
def connector_kinds(subject: AdminAccess) -> dict[str, Any]:
    """Installed connector kinds with their config JSON schema (for forms)."""
    return {
        "kinds": [
            {
                "kind": kind,
                "title": cls.title,
                "supports_incremental": cls.supports_incremental,
                "config_schema": cls.config_model.model_json_schema(),
            }
            for kind, cls in sorted(available().items())
        ],
        "broken": broken(),
    }


@router.get("/connectors")
def list_connectors(request: Request, subject: AdminAccess) -> dict[str, Any]:
    with _engine(request).connect() as conn:
        return {"connectors": [instances.public_view(r) for r in instances.list_instances(conn)]}


@router.post("/connectors", status_code=201)
def create_connector(
    request: Request, body: ConnectorCreate, subject: AdminAccess
) -> dict[str, Any]:
    with _engine(request).begin() as conn:
        row = instances.create_instance(
            conn,
            _settings(request),
            name=body.name,
            kind=body.kind,
            config=body.config,
            schedule_interval_seconds=body.schedule_interval_seconds,
            schedule_cron=body.schedule_cron,
            schedule_mode=body.schedule_mode,
            gate=body.gate.model_dump() if body.gate else None,
            blackouts=[b.model_dump(mode="json") for b in body.blackouts],
            paused=body.paused,
        )
        return instances.public_view(row)


@router.get("/connectors/{ref}")
def get_connector(request: Request, ref: str, subject: AdminAccess) -> dict[str, Any]:
    with _engine(request).connect() as conn:
        return instances.public_view(instances.get_instance(conn, ref))


@router.patch("/connectors/{ref}")
def edit_connector(
    request: Request, ref: str, body: ConnectorChange, subject: AdminAccess
) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True, mode="json")
    with _engine(request).begin() as conn:
        return instances.public_view(
            instances.update_instance(conn, _settings(request), ref, changes)
        )


@router.post("/connectors/{ref}/pause")
def pause_connector(request: Request, ref: str, subject: AdminAccess) -> dict[str, Any]:
    with _engine(request).begin() as conn:
        row = instances.update_instance(conn, _settings(request), ref, {"paused": True})
        return instances.public_view(row)


@router.post("/connectors/{ref}/resume")
def resume_connector(request: Request, ref: str, subject: AdminAccess) -> dict[str, Any]:
    with _engine(request).begin() as conn:
        row = instances.update_instance(conn, _settings(request), ref, {"paused": False})
        return instances.public_view(row)


@router.delete("/connectors/{ref}", status_code=204)
def delete_connector(request: Request, ref: str, subject: AdminAccess) -> Response:
    """Remove the connector. The roster data it delivered is kept."""
    with _engine(request).begin() as conn:
        instances.delete_instance(conn, ref)
    return Response(status_code=204)


@router.post("/connectors/{ref}/test")
def test_connector(request: Request, ref: str, subject: AdminAccess) -> dict[str, Any]:
    """A connectivity check: what the connector could reach, and what it could not."""
    with _engine(request).connect() as conn:
        row = instances.get_instance(conn, ref)
    connector = instances.build_connector(row, _settings(request))
    try:
        checks = connector.check()
    finally:
        connector.close()
    return {
        "ok": all(c.ok for c in checks) and bool(checks),
        "checks": [{"target": c.target, "ok": c.ok, "detail": c.detail} for c in checks],
    }


@router.post("/connectors/{ref}/runs", status_code=202)
def start_connector_run(
    request: Request, ref: str, body: RunRequest, subject: AdminAccess
) -> dict[str, Any]:
    engine, settings = _engine(request), _settings(request)
    run_id = runner.start_run(
        engine, settings, ref, mode=body.mode, dry_run=body.dry_run, trigger="api"
    )
    with engine.connect() as conn:
        run = runner.get_run(conn, run_id)
    _dispatch(request, run_id, run.source)
    return runner.run_view(run, full=False)


@router.post("/connectors/{ref}/uploads", status_code=202)
def upload_package(
    request: Request,
    ref: str,
    subject: AdminAccess,
    file: Annotated[UploadFile, File(description="A OneRoster CSV package (.zip)")],
    dry_run: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    """Drop a package into a CSV-drop connector's inbox and start a full run of it."""
    engine, settings = _engine(request), _settings(request)
    with engine.connect() as conn:
        row = instances.get_instance(conn, ref)
    if row.kind != "oneroster-csv":
        raise InvalidRequest(f"uploads go to oneroster-csv connectors; {row.name} is {row.kind}")
    name = Path(file.filename or "upload.zip").name
    if not name.lower().endswith(".zip"):
        raise InvalidRequest("upload a .zip OneRoster package")
    inbox = Path(row.config["inbox"])
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / f"{utcnow():%Y%m%dT%H%M%S}-{name}"
    with target.open("wb") as out:
        shutil.copyfileobj(file.file, out)
    run_id = runner.start_run(engine, settings, row.id, dry_run=dry_run, trigger="upload")
    _dispatch(request, run_id, row.source)
    with engine.connect() as conn:
        return runner.run_view(runner.get_run(conn, run_id), full=False) | {"uploaded": target.name}


@router.get("/runs")
def list_runs(
    request: Request,
    subject: AdminAccess,
    connector: str | None = None,
    state: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    with _engine(request).connect() as conn:
        source = instances.get_instance(conn, connector).source if connector else None
        rows = runner.list_runs(conn, source=source, state=state, limit=limit, offset=offset)
        return {"runs": [runner.run_view(r, full=False) for r in rows]}


@router.get("/runs/{run_id}")
def get_run(request: Request, run_id: int, subject: AdminAccess) -> dict[str, Any]:
    with _engine(request).connect() as conn:
        return runner.run_view(runner.get_run(conn, run_id))


@router.post("/runs/{run_id}/approve", status_code=202)
def approve_run(request: Request, run_id: int, subject: AdminAccess) -> dict[str, Any]:
    """Apply a held run's diff. Answers when the run is decided (applied, or held again
    with a new diff if the store changed since)."""
    outcome = runner.approve_run(
        _engine(request), _settings(request), run_id, actor=f"client:{subject.client_id}"
    )
    with _engine(request).connect() as conn:
        return runner.run_view(runner.get_run(conn, outcome.run_id))


@router.post("/runs/{run_id}/discard")
def discard_run(request: Request, run_id: int, subject: AdminAccess) -> dict[str, Any]:
    runner.discard_run(_engine(request), run_id, actor=f"client:{subject.client_id}")
    with _engine(request).connect() as conn:
        return runner.run_view(runner.get_run(conn, run_id))
