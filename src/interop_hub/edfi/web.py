"""HTTP plumbing shared by the Ed-Fi endpoints: base URLs, scopes, the request session and
the bounded JSON body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from interop_hub.auth.dependencies import Authenticator, AuthSubject
from interop_hub.auth.scopes import EDFI_READ, EDFI_WRITE
from interop_hub.config import Settings
from interop_hub.core.db import get_session, session_scope
from interop_hub.edfi.errors import BadRequest, EdfiError, EdfiNotFound, PayloadTooLarge
from interop_hub.edfi.registry import ResourceSpec, get_registry

__all__ = [
    "EDFI_BASE",
    "EdfiRead",
    "EdfiSession",
    "EdfiWrite",
    "JsonBody",
    "edfi_base_url",
    "in_write_transaction",
    "resource_or_404",
]

T = TypeVar("T")

EDFI_BASE = "/edfi"

EdfiRead = Annotated[AuthSubject, Depends(Authenticator(EDFI_READ, EDFI_WRITE))]
EdfiWrite = Annotated[AuthSubject, Depends(Authenticator(EDFI_WRITE))]
# Committed when the endpoint returns, before the response is sent.
EdfiSession = Annotated[Session, Depends(get_session, scope="function")]


async def in_write_transaction(request: Request, write: Callable[[Session], T]) -> T:
    """Run ``write`` in one transaction of its own (committed on success, rolled back on
    any error, before the response is sent, as ``EdfiSession``) in one trip to the thread
    pool. The write endpoints are ``async`` and use this instead of ``EdfiSession``: a sync
    endpoint with a sync session dependency costs three thread-pool trips per request
    (session setup, endpoint, commit), and with the authentication and the body parsed on
    the event loop the whole request needs only this one."""

    def run() -> T:
        with session_scope(request.app.state.sessionmaker) as session:
            return write(session)

    return await run_in_threadpool(run)


class UnsupportedMediaType(EdfiError):
    status_code = 415
    problem_type = "unsupported-media-type"
    title = "Unsupported Media Type"


def edfi_base_url(request: Request) -> str:
    """The absolute Ed-Fi base (``https://host/edfi``)."""
    settings: Settings = request.app.state.settings
    root = settings.public_base_url or str(request.base_url)
    return root.rstrip("/") + EDFI_BASE


def resource_or_404(name: str) -> ResourceSpec:
    spec = get_registry().get(name)
    if spec is None:
        raise EdfiNotFound(f"The resource '/ed-fi/{name}' does not exist.")
    return spec


async def read_json_body(request: Request) -> Any:
    """The request body parsed as JSON: 415 unless JSON, 413 over the configured size, 400
    when malformed."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType("The request body must be sent as application/json.")
    limit: int = request.app.state.settings.edfi_max_body_bytes
    declared = request.headers.get("content-length")
    too_large = PayloadTooLarge(f"The request body exceeds the limit of {limit} bytes.")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    if not body:
        raise BadRequest("The request body is empty; send a JSON object.")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}.") from None


JsonBody = Annotated[Any, Depends(read_json_body)]
