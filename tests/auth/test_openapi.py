"""The OpenAPI document declares OAuth2 client credentials and documents the token form."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from interop_hub.auth.dependencies import RosterCoreRead, RosterRead
from interop_hub.auth.scopes import (
    ALL_SCOPES,
    ROSTER_CORE_READONLY,
    ROSTER_READONLY,
    V1P1_EQUIVALENTS,
)


def test_security_scheme_is_client_credentials(app: FastAPI) -> None:
    schema = app.openapi()
    scheme = schema["components"]["securitySchemes"]["OAuth2"]
    assert scheme["type"] == "oauth2"
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth/token"
    assert set(flow["scopes"]) == ALL_SCOPES | V1P1_EQUIVALENTS.keys()


def test_token_endpoint_documents_a_form_body(app: FastAPI) -> None:
    schema = app.openapi()
    operation = schema["paths"]["/oauth/token"]["post"]
    content = operation["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in content
    body_schema = _resolve(schema, content["application/x-www-form-urlencoded"]["schema"])
    assert {"grant_type", "scope", "client_id", "client_secret"} <= set(body_schema["properties"])
    assert {"200", "400", "401"} <= set(operation["responses"])
    assert operation["security"] == [{"clientBasic": []}, {}]


def test_guarded_routes_get_security_requirements(app: FastAPI) -> None:
    @app.get("/test-only/core")
    def core(subject: RosterCoreRead) -> None: ...

    @app.get("/test-only/nested")
    def nested(subject: RosterRead) -> None: ...

    @app.get("/test-only/open")
    def open_route() -> None: ...

    paths = app.openapi()["paths"]
    assert paths["/test-only/core"]["get"]["security"] == [
        {"OAuth2": [ROSTER_CORE_READONLY]},
        {"OAuth2": [ROSTER_READONLY]},
    ]
    assert paths["/test-only/nested"]["get"]["security"] == [{"OAuth2": [ROSTER_READONLY]}]
    assert "security" not in paths["/test-only/open"]["get"]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    target: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return dict(target)
