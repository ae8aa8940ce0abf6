"""Publish the OAuth 2.0 security of the API in the OpenAPI document.

``install_oauth2_openapi(app)`` wraps ``app.openapi`` so the generated document declares an
``OAuth2`` client-credentials scheme (token URL ``/oauth/token``, the OneRoster scopes) and
gives every operation guarded by an ``Authenticator`` its ``security`` requirement. An
``Authenticator`` accepting any of several scopes becomes alternative requirements
(``[{OAuth2: [a]}, {OAuth2: [b]}]``), as in the official OneRoster OpenAPI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from interop_hub.auth.dependencies import Authenticator
from interop_hub.auth.schemas import TOKEN_PATH
from interop_hub.auth.scopes import SCOPE_DESCRIPTIONS, V1P1_EQUIVALENTS, short_scope

__all__ = ["OAUTH2_SCHEME", "install_oauth2_openapi"]

OAUTH2_SCHEME: Final = "OAuth2"
_CLIENT_BASIC_SCHEME: Final = "clientBasic"


def install_oauth2_openapi(app: FastAPI) -> None:
    original: Callable[[], dict[str, Any]] = app.openapi
    done = False

    def openapi() -> dict[str, Any]:
        nonlocal done
        schema = original()
        if not done:
            _add_security(app, schema)
            done = True
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_security(app: FastAPI, schema: dict[str, Any]) -> None:
    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes[OAUTH2_SCHEME] = {
        "type": "oauth2",
        "description": "OAuth 2.0 client credentials (1EdTech Security Framework). "
        "Get a token from the token URL with HTTP Basic client authentication.",
        "flows": {
            "clientCredentials": {
                "tokenUrl": TOKEN_PATH,
                "scopes": _flow_scopes(),
            }
        },
    }
    schemes[_CLIENT_BASIC_SCHEME] = {
        "type": "http",
        "scheme": "basic",
        "description": "Client authentication at the token endpoint: client_id:client_secret.",
    }
    paths: dict[str, dict[str, Any]] = schema.get("paths", {})
    for route in _api_routes(app):
        if not route.include_in_schema:
            continue
        operations = paths.get(route.path_format, {})
        security: list[dict[str, list[str]]]
        if route.path_format == TOKEN_PATH:
            # Basic, or (empty requirement) client_id/client_secret in the form body.
            security = [{_CLIENT_BASIC_SCHEME: []}, {}]
            operations.get("post", {}).get("responses", {}).pop("422", None)  # all optional
        else:
            authenticators = list(_authenticators(route.dependant))
            if not authenticators:
                continue
            security = _requirements(authenticators)
        for method in route.methods or ():
            operation = operations.get(method.lower())
            if operation is not None:
                operation["security"] = security


def _flow_scopes() -> dict[str, str]:
    scopes = dict(SCOPE_DESCRIPTIONS)
    for v1p1, v1p2 in V1P1_EQUIVALENTS.items():
        scopes[v1p1] = f"OneRoster 1.1 form of {short_scope(v1p2)} (granted with it)."
    return dict(sorted(scopes.items()))


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """The app's API routes as FastAPI's own OpenAPI generator sees them.

    FastAPI >= 0.16x keeps included routers as nested route objects and exposes the flattened,
    prefix-resolved view through ``routing.iter_route_contexts``; older versions flatten
    ``app.routes`` themselves. Each item has ``path_format``, ``methods``, ``dependant`` and
    ``include_in_schema``.
    """
    iter_contexts = getattr(routing, "iter_route_contexts", None)
    routes = iter_contexts(app.routes) if iter_contexts is not None else app.routes
    for route in routes:
        if isinstance(getattr(route, "original_route", route), APIRoute):
            yield route


def _authenticators(dependant: Dependant) -> Iterator[Authenticator]:
    for dep in dependant.dependencies:
        if isinstance(dep.call, Authenticator):
            yield dep.call
        yield from _authenticators(dep)


def _requirements(authenticators: list[Authenticator]) -> list[dict[str, list[str]]]:
    """Every authenticator on a route applies, each satisfied by any one of its scopes."""
    alternatives: set[frozenset[str]] = {frozenset()}
    for authenticator in authenticators:
        if authenticator.any_of:
            alternatives = {alt | {s} for alt in alternatives for s in authenticator.any_of}
    return [{OAUTH2_SCHEME: sorted(alt)} for alt in sorted(alternatives, key=sorted)]
