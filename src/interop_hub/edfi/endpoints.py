"""``/edfi/data/v3/{project}/{resource}[/{id}]``: every resource and descriptor of the Data
Standard through five generic routes driven by the registry (thin: ``service`` writes,
``reader`` reads)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from starlette.responses import Response

from interop_hub.edfi import service
from interop_hub.edfi.query import parse_collection_query
from interop_hub.edfi.reader import EdfiReader
from interop_hub.edfi.registry import ResourceSpec
from interop_hub.edfi.render import quoted_etag, render_item, render_items
from interop_hub.edfi.web import (
    EdfiRead,
    EdfiSession,
    EdfiWrite,
    JsonBody,
    edfi_base_url,
    in_write_transaction,
    resource_or_404,
)

__all__ = ["DATA_PREFIX", "router"]

DATA_PREFIX = "/edfi/data/v3"

router = APIRouter(prefix=DATA_PREFIX, tags=["Ed-Fi resources"])

_Project = Annotated[str, Path(description="The schema, e.g. `ed-fi` (or `tpdm`).")]
_Resource = Annotated[
    str, Path(description="A resource or descriptor collection, e.g. `students`.")
]
_Id = Annotated[str, Path(description="The resource id (32 hex characters).")]
_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
        "description": "The item, in the shape of the resource's DS 5.0 schema.",
    }
}


def _spec(project: str, name: str) -> ResourceSpec:
    spec = resource_or_404(name)
    if spec.project != project:
        resource_or_404(f"{project}/{name}")
    return spec


def reader_for(
    request: Request, session: Any, client_id: str, edorgs: frozenset[int] | None = None
) -> EdfiReader:
    return EdfiReader(session, client_id, request.url.path, request.url.query or None, edorgs)


@router.get("/{project}/{resource}", summary="Get items (filter by the resource's fields)")
def get_items(
    request: Request,
    project: _Project,
    resource: _Resource,
    session: EdfiSession,
    auth: EdfiRead,
) -> Response:
    spec = _spec(project, resource)
    query = parse_collection_query(spec, request.query_params)
    reader = reader_for(request, session, auth.client_id, auth.edorgs)
    rows, total = reader.page(spec, query.filters, query.window, with_total=query.total_count)
    headers = {"Total-Count": str(total)} if total is not None else None
    return Response(render_items(rows), media_type="application/json", headers=headers)


@router.get("/{project}/{resource}/{id}", summary="Get one item by id")
def get_item(
    request: Request,
    project: _Project,
    resource: _Resource,
    id: _Id,
    session: EdfiSession,
    auth: EdfiRead,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    spec = _spec(project, resource)
    found = reader_for(request, session, auth.client_id, auth.edorgs).get(spec, id)
    if found is None:
        service.not_found(spec, id)
    assert found is not None
    body, version, modified = found
    etag = quoted_etag(version)
    if if_none_match is not None and etag.strip('"') in if_none_match.replace('"', " ").split():
        return Response(status_code=304, headers={"ETag": etag})
    return Response(
        render_item(id, body, version, modified),
        media_type="application/json",
        headers={"ETag": etag},
    )


@router.post(
    "/{project}/{resource}",
    status_code=201,
    summary="Create or update an item (upsert by natural key)",
    openapi_extra=_BODY,
)
async def post_item(
    request: Request,
    project: _Project,
    resource: _Resource,
    body: JsonBody,
    auth: EdfiWrite,
) -> Response:
    spec = _spec(project, resource)
    result = await in_write_transaction(
        request,
        lambda session: service.upsert(
            session, spec, body, auth.client_id, edorgs_granted=auth.edorgs
        ),
    )
    location = f"{edfi_base_url(request)}/data/v3/{spec.project}/{spec.name}/{result.id}"
    return Response(
        status_code=201 if result.created else 200,
        headers={"Location": location, "ETag": quoted_etag(result.change_version)},
    )


@router.put(
    "/{project}/{resource}/{id}",
    status_code=204,
    summary="Replace an item",
    openapi_extra=_BODY,
)
async def put_item(
    request: Request,
    project: _Project,
    resource: _Resource,
    id: _Id,
    body: JsonBody,
    auth: EdfiWrite,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    spec = _spec(project, resource)
    result = await in_write_transaction(
        request,
        lambda session: service.put(
            session, spec, id, body, auth.client_id, if_match, edorgs_granted=auth.edorgs
        ),
    )
    return Response(status_code=204, headers={"ETag": quoted_etag(result.change_version)})


@router.delete("/{project}/{resource}/{id}", status_code=204, summary="Delete an item")
async def delete_item(
    request: Request,
    project: _Project,
    resource: _Resource,
    id: _Id,
    auth: EdfiWrite,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    spec = _spec(project, resource)
    await in_write_transaction(
        request,
        lambda session: service.delete(
            session, spec, id, auth.client_id, if_match, edorgs_granted=auth.edorgs
        ),
    )
    return Response(status_code=204)
