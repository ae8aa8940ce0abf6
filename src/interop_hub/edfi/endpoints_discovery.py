"""``GET /edfi/`` (Discovery API 1.0, unauthenticated) and the metadata endpoints."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from starlette.responses import Response

from interop_hub.edfi.load_order import registry_dependencies
from interop_hub.edfi.metadata import discovery_document, metadata_list, served_spec
from interop_hub.edfi.web import edfi_base_url

__all__ = ["router"]

router = APIRouter(prefix="/edfi", tags=["Ed-Fi discovery"])


@router.get("/", summary="Ed-Fi discovery document (version, data models, absolute URLs)")
def discovery(request: Request) -> dict[str, Any]:
    return discovery_document(edfi_base_url(request))


# Clients are configured with the base URL without the slash (lightbeam's and
# edfi_api_client's ``base_url``); answer there too rather than with a redirect, which costs
# a round trip and is built from the Host header (wrong behind a proxy without
# INTEROP_HUB_PUBLIC_BASE_URL).
router.add_api_route("", discovery, methods=["GET"], include_in_schema=False)


@router.get("/metadata/", summary="The OpenAPI documents of the Ed-Fi API")
def metadata(request: Request) -> list[dict[str, str]]:
    return metadata_list(edfi_base_url(request))


@router.get(
    "/metadata/data/v3/{kind}/swagger.json",
    summary="The DS 5.0 resources or descriptors OpenAPI document, served for this hub",
)
def swagger(request: Request, kind: Literal["resources", "descriptors"]) -> Response:
    return Response(served_spec(kind, edfi_base_url(request)), media_type="application/json")


@router.get("/metadata/data/v3/dependencies", summary="Resource load order")
def dependencies() -> list[dict[str, object]]:
    return registry_dependencies()
