"""The bundled Ed-Fi DS 5.0 OpenAPI documents, parsed once per process."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any, Final

import orjson

__all__ = ["DESCRIPTORS_SPEC", "RESOURCES_SPEC", "load_json", "spec_document"]

RESOURCES_SPEC: Final = "resources-ds-5.0.json"
DESCRIPTORS_SPEC: Final = "descriptor-api-5.0.json"


def load_json(name: str) -> Any:
    return orjson.loads(files("interop_hub.edfi").joinpath("spec", name).read_bytes())


@cache
def spec_document(name: str) -> dict[str, Any]:
    """One bundled OpenAPI document (treat as read-only: it is shared)."""
    document: dict[str, Any] = load_json(name)
    return document
