"""Validation against the official 1EdTech Rostering 1.2 OpenAPI (loaded from ../shared)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import shared_data

OPENAPI = ("oneroster", "openapi", "onerosterv1p2rostersservice_openapi3_v1p0.json")
_URI = "urn:oneroster:rostering:v1p2"


@cache
def _document_text() -> str:
    return shared_data(*OPENAPI).read_text()


def official() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_document_text())
    return doc


@cache
def _registry() -> Registry:
    resource = Resource.from_contents(official(), default_specification=DRAFT202012)
    return Registry().with_resource(_URI, resource)


def _validator(ref: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{_URI}{ref}"}, registry=_registry(), format_checker=FormatChecker()
    )


def operations() -> dict[str, tuple[str, str]]:
    """operationId → (path, 200 response schema $ref)."""
    out = {}
    for path, item in official()["paths"].items():
        op = item["get"]
        schema = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        out[op["operationId"]] = (path, schema)
    return out


def errors_of(operation_id: str, body: Any) -> list[str]:
    ref = operations()[operation_id][1]
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator(ref).iter_errors(body)]


def status_errors(body: Any) -> list[str]:
    validator = _validator("#/components/schemas/imsx_StatusInfoDType")
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
