"""Every registered OneRoster route enforces its scopes (OneRoster 1.2 §5)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from interop_hub.auth.scopes import (
    ROSTER_CORE_READONLY,
    ROSTER_DEMOGRAPHICS_READONLY,
    ROSTER_READONLY,
    V1P1_ROSTER_CORE_READONLY,
    V1P1_ROSTER_DEMOGRAPHICS_READONLY,
    V1P1_ROSTER_READONLY,
)
from interop_hub.oneroster.routes import ROUTES
from tests.oneroster import schemas
from tests.oneroster.conftest import V11, V12

UNRELATED = "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly"


def registered_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(path, operationId) of every OneRoster route the app serves."""
    paths = app.openapi()["paths"]
    return sorted(
        (path, item["get"]["operationId"])
        for path, item in paths.items()
        if path.startswith("/ims/oneroster/")
    )


def expected_scopes(path: str, op: str) -> set[str]:
    v11 = path.startswith(V11)
    if "Demographics" in op:
        return {ROSTER_DEMOGRAPHICS_READONLY} | (
            {V1P1_ROSTER_DEMOGRAPHICS_READONLY} if v11 else set()
        )
    nested = "For" in op
    v12 = {ROSTER_READONLY} if nested else {ROSTER_READONLY, ROSTER_CORE_READONLY}
    if not v11:
        return v12
    return v12 | (
        {V1P1_ROSTER_READONLY} if nested else {V1P1_ROSTER_READONLY, V1P1_ROSTER_CORE_READONLY}
    )


ALL = {
    ROSTER_CORE_READONLY,
    ROSTER_DEMOGRAPHICS_READONLY,
    ROSTER_READONLY,
    V1P1_ROSTER_CORE_READONLY,
    V1P1_ROSTER_DEMOGRAPHICS_READONLY,
    V1P1_ROSTER_READONLY,
}


def test_every_rostering_route_is_registered_for_both_bindings(app: FastAPI) -> None:
    routes = registered_routes(app)
    assert len([p for p, _ in routes if p.startswith(V12)]) == len(ROUTES) == 41
    assert len([p for p, _ in routes if p.startswith(V11)]) == len(ROUTES)
    ops = [op for _, op in routes]
    assert len(ops) == len(set(ops)), "operation ids must be unique"


def test_every_route_enforces_its_scopes(
    app: FastAPI, client: TestClient, bearer: Callable[..., dict[str, str]]
) -> None:
    for path, op in registered_routes(app):
        url = re.sub(r"{\w+}", "x", path)
        # No token → 401 with a status payload.
        response = client.get(url)
        assert response.status_code == 401, url
        assert schemas.status_errors(response.json()) == []
        # An unrelated scope → 403.
        response = client.get(url, headers=bearer(UNRELATED))
        assert response.status_code == 403, url
        assert schemas.status_errors(response.json()) == []
        # Each accepted scope alone opens the route; every other roster scope is refused.
        accepted = expected_scopes(path, op)
        for scope in sorted(ALL):
            response = client.get(url, headers=bearer(scope))
            if scope in accepted:
                assert response.status_code not in (401, 403), (url, scope)
            else:
                assert response.status_code == 403, (url, scope)


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"])
def test_invalid_token_is_401(client: TestClient, authorization: str) -> None:
    response = client.get(V12 + "/users", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert schemas.status_errors(response.json()) == []


def test_expired_token_is_401(client: TestClient, bearer: Callable[..., dict[str, str]]) -> None:
    response = client.get(V12 + "/users", headers=bearer(ROSTER_READONLY, ttl=-10))
    assert response.status_code == 401
    assert "expired" in response.json()["imsx_description"]
