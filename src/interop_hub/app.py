"""Application factory: engines in the lifespan, routers, and one error renderer per surface."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from interop_hub import __version__
from interop_hub.api import register_routers
from interop_hub.auth.openapi import install_oauth2_openapi
from interop_hub.auth.tokens import load_signing_key
from interop_hub.config import Settings, get_settings
from interop_hub.core.db import create_db_engine, make_sessionmaker
from interop_hub.core.errors import HubError
from interop_hub.core.responses import OrjsonResponse
from interop_hub.edfi.errors import ParameterValidationFailed
from interop_hub.edfi.problems import problem_details
from interop_hub.oneroster.status import status_payload

__all__ = ["create_app"]

log = logging.getLogger("interop_hub")

_ONEROSTER_PREFIX = "/ims/oneroster"
_EDFI_PREFIX = "/edfi"
_HTTP_CODE_MINOR = {
    400: "invaliddata",
    401: "unauthorisedrequest",
    403: "forbidden",
    404: "unknownobject",
    405: "invaliddata",
    422: "invaliddata",
    429: "server_busy",
}


def _render(
    request: Request, status: int, message: str, code_minor: str, exc: Exception | None = None
) -> OrjsonResponse:
    path = request.url.path
    if path.startswith(_ONEROSTER_PREFIX):
        body = status_payload(message, code_minor)
    elif path == _EDFI_PREFIX or path.startswith(_EDFI_PREFIX + "/"):
        body = problem_details(status, message, exc)
        status = body["status"]
        return OrjsonResponse(body, status_code=status, media_type="application/problem+json")
    else:
        body = {"error": code_minor, "message": message}
    return OrjsonResponse(body, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def hub_error(request: Request, exc: HubError) -> OrjsonResponse:
        response = _render(request, exc.status_code, exc.message, exc.code_minor, exc)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> OrjsonResponse:
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body"))
            parts.append(f"{loc}: {err.get('msg', 'invalid')}")
        status = 400 if request.url.path.startswith(_ONEROSTER_PREFIX) else 422
        message = "Invalid request: " + "; ".join(parts)
        return _render(request, status, message, "invaliddata", ParameterValidationFailed(message))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> OrjsonResponse:
        code_minor = _HTTP_CODE_MINOR.get(exc.status_code, "internal_server_error")
        response = _render(request, exc.status_code, str(exc.detail), code_minor)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> OrjsonResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _render(request, 500, "Internal server error.", "internal_server_error", exc)


def _start_sync_executor(app: FastAPI, settings: Settings) -> Callable[[], None]:
    """How runs started through /admin execute: queued for procrastinate workers, or in
    this process (with the in-process scheduler, on the embedded default)."""
    if settings.sync_queue:
        from interop_hub.sync.queue import defer_run

        def queue(run_id: int, source: str) -> None:
            if not defer_run(settings, run_id, source):
                raise HubError("INTEROP_HUB_SYNC_QUEUE needs PostgreSQL with the queue schema")

        app.state.sync_dispatch = queue
        return lambda: None
    from interop_hub.sync.schedule import InProcessScheduler

    scheduler = InProcessScheduler(app.state.engine, settings)
    app.state.sync_dispatch = lambda run_id, source: scheduler.dispatch(run_id)
    if settings.sync_scheduler:
        scheduler.start()
    return scheduler.stop


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the ASGI app. Pass ``engine`` to share one (tests); otherwise one is created."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        app.state.engine = engine or create_db_engine(settings.resolved_database_url())
        app.state.sessionmaker = make_sessionmaker(app.state.engine)
        stop = _start_sync_executor(app, settings)
        yield
        stop()
        if own_engine:
            app.state.engine.dispose()

    app = FastAPI(
        title="Interop Hub",
        version=__version__,
        description="OneRoster 1.2 / 1.1 rostering APIs over the Interop Hub canonical store.",
        default_response_class=OrjsonResponse,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.signing_key = load_signing_key(settings)
    _install_error_handlers(app)
    register_routers(app)
    install_oauth2_openapi(app)
    return app
