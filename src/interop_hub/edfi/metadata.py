"""Discovery and metadata documents (pure): the Discovery API 1.0 root, the metadata list,
and our copies of the DS 5.0 OpenAPI documents pointed at this hub."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any, Final

import orjson

from interop_hub import __version__
from interop_hub.edfi.specdocs import DESCRIPTORS_SPEC, RESOURCES_SPEC, spec_document

__all__ = ["API_VERSION", "discovery_document", "metadata_list", "served_spec"]

API_VERSION: Final = "7.1"  # the ODS/API conventions served (offset paging, no cursors)
SPECS: Final = {"resources": RESOURCES_SPEC, "descriptors": DESCRIPTORS_SPEC}


def discovery_document(base: str) -> dict[str, Any]:
    return {
        "version": API_VERSION,
        "informationalVersion": API_VERSION,
        "suite": "3",
        "build": f"interop-hub-{__version__}",
        "apiMode": "Sandbox",
        "dataModels": [
            {
                "name": "Ed-Fi",
                "version": "5.0.0",
                "informationalVersion": "The Ed-Fi Data Model 5.0",
            }
        ],
        "urls": {
            "dependencies": f"{base}/metadata/data/v3/dependencies",
            "openApiMetadata": f"{base}/metadata/",
            "oauth": f"{base}/oauth/token",
            "dataManagementApi": f"{base}/data/v3/",
            "changeQueries": f"{base}/changeQueries/v1/",
        },
    }


def metadata_list(base: str) -> list[dict[str, str]]:
    return [
        {
            "name": name.capitalize(),
            "endpointUri": f"{base}/metadata/data/v3/{name}/swagger.json",
            "prefix": "",
        }
        for name in SPECS
    ]


@lru_cache(maxsize=16)
def served_spec(kind: str, base: str) -> bytes:
    """The bundled OpenAPI document of ``kind`` with ``servers`` and the token URL set to
    this hub (encoded once per base URL)."""
    document = copy.copy(spec_document(SPECS[kind]))
    document["servers"] = [{"url": f"{base}/data/v3"}]
    components = copy.copy(document["components"])
    schemes = copy.deepcopy(components.get("securitySchemes", {}))
    for scheme in schemes.values():
        flow = scheme.get("flows", {}).get("clientCredentials")
        if flow is not None:
            flow["tokenUrl"] = f"{base}/oauth/token"
    components["securitySchemes"] = schemes
    document["components"] = components
    return orjson.dumps(document)
