"""Change queries: ``/edfi/changeQueries/v1/availableChangeVersions`` and each resource's
``/deletes`` and ``/keyChanges`` (registered before the ``/{id}`` routes). Versions are the
hub's global change version, so any write to the hub moves them."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from interop_hub.edfi.documents import current_change_version
from interop_hub.edfi.query import parse_window
from interop_hub.edfi.reader import EdfiReader
from interop_hub.edfi.web import EdfiRead, EdfiSession, resource_or_404

__all__ = ["router"]

router = APIRouter(tags=["Ed-Fi change queries"])

_Resource = Annotated[str, Path(description="A resource collection, e.g. `students`.")]


@router.get(
    "/edfi/changeQueries/v1/availableChangeVersions",
    summary="Oldest and newest change versions available",
)
def available_change_versions(session: EdfiSession, auth: EdfiRead) -> dict[str, int]:
    del auth
    return {"oldestChangeVersion": 0, "newestChangeVersion": current_change_version(session)}


def _reader(
    request: Request, session: EdfiSession, client_id: str, edorgs: frozenset[int] | None
) -> EdfiReader:
    return EdfiReader(session, client_id, request.url.path, request.url.query or None, edorgs)


def _json(items: object, total: int | None) -> Response:
    headers = {"Total-Count": str(total)} if total is not None else None
    return Response(orjson.dumps(items), media_type="application/json", headers=headers)


@router.get(
    "/edfi/data/v3/{project}/{resource}/deletes",
    summary="Deleted items with their natural keys",
)
def deletes(
    request: Request, project: str, resource: _Resource, session: EdfiSession, auth: EdfiRead
) -> Response:
    spec = resource_or_404(resource)
    if spec.project != project:
        resource_or_404(f"{project}/{resource}")
    window, total = parse_window(request.query_params)
    items, count = _reader(request, session, auth.client_id, auth.edorgs).deletes(
        spec, window, with_total=total
    )
    return _json(items, count)


@router.get(
    "/edfi/data/v3/{project}/{resource}/keyChanges",
    summary="Natural-key changes: first old and last new key per item",
)
def key_changes(
    request: Request, project: str, resource: _Resource, session: EdfiSession, auth: EdfiRead
) -> Response:
    spec = resource_or_404(resource)
    if spec.project != project:
        resource_or_404(f"{project}/{resource}")
    window, total = parse_window(request.query_params)
    if not spec.key_changes:
        return _json([], 0 if total else None)
    items, count = _reader(request, session, auth.client_id, auth.edorgs).key_changes(
        spec, window, with_total=total
    )
    return _json(items, count)
