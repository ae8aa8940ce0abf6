"""Discovery, metadata, the served OpenAPI documents, routability and the token endpoint."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import EDFI_READ, EDFI_WRITE
from interop_hub.auth.tokens import verify_token
from interop_hub.clients.provision import provision_client
from interop_hub.edfi.registry import get_registry
from tests.conftest import TEST_JWT_SECRET


def test_discovery_document_has_absolute_urls(client: TestClient) -> None:
    r = client.get("/edfi/")
    assert r.status_code == 200
    body = r.json()
    assert {"version", "suite", "dataModels", "urls"} <= set(body)
    assert body["dataModels"][0]["name"] == "Ed-Fi"
    assert body["dataModels"][0]["version"].startswith("5.")
    base = "http://testserver/edfi"
    assert body["urls"] == {
        "dependencies": f"{base}/metadata/data/v3/dependencies",
        "openApiMetadata": f"{base}/metadata/",
        "oauth": f"{base}/oauth/token",
        "dataManagementApi": f"{base}/data/v3/",
        "changeQueries": f"{base}/changeQueries/v1/",
    }
    # Ed-Fi clients are configured with the base URL as is (no trailing slash): no redirect.
    bare = client.get("/edfi", follow_redirects=False)
    assert bare.status_code == 200
    assert bare.json() == body


def test_metadata_and_served_openapi(client: TestClient) -> None:
    listing = client.get("/edfi/metadata/").json()
    assert {m["name"] for m in listing} == {"Resources", "Descriptors"}
    paths: set[str] = set()
    for entry in listing:
        uri = entry["endpointUri"]
        assert uri.startswith("http://testserver/edfi/metadata/data/v3/")
        spec = client.get(uri.removeprefix("http://testserver")).json()
        assert spec["servers"] == [{"url": "http://testserver/edfi/data/v3"}]
        flow = spec["components"]["securitySchemes"]["oauth2_client_credentials"]["flows"]
        assert flow["clientCredentials"]["tokenUrl"] == "http://testserver/edfi/oauth/token"
        paths |= {p for p in spec["paths"] if "{id}" not in p}
    assert paths == {r.path for r in get_registry()}
    deps = client.get("/edfi/metadata/data/v3/dependencies").json()
    assert len(deps) == len(paths)
    order = {d["resource"]: d["order"] for d in deps}
    assert order["/ed-fi/schools"] < order["/ed-fi/studentSchoolAssociations"]
    assert deps[0]["operations"] == ["Create", "Update"]


def test_every_resource_is_routable(
    client: TestClient, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(EDFI_READ)
    for spec in get_registry():
        r = client.get(f"/edfi/data/v3{spec.path}", headers=headers)
        assert r.status_code == 200, (spec.path, r.text)
        assert r.json() == []
        assert client.get(f"/edfi/data/v3{spec.path}/deletes", headers=headers).status_code == 200


@pytest.fixture
def https(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as c:
        yield c


@pytest.fixture
def credentials(session_factory: sessionmaker[Session]) -> tuple[str, str]:
    creds = provision_client(
        "ed-fi vendor", [EDFI_READ, EDFI_WRITE], session_factory=session_factory
    )
    return creds.client_id, creds.client_secret


def _check(r_json: dict[str, object], client_id: str) -> None:
    assert r_json["token_type"] == "bearer"
    assert isinstance(r_json["expires_in"], int)
    claims = verify_token(TEST_JWT_SECRET.encode(), str(r_json["access_token"]))
    assert claims.client_id == client_id
    assert claims.scopes == {EDFI_READ, EDFI_WRITE}


def test_token_with_basic_form_and_json(https: TestClient, credentials: tuple[str, str]) -> None:
    client_id, secret = credentials
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    r = https.post(
        "/edfi/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200, r.text
    _check(r.json(), client_id)
    r = https.post(
        "/edfi/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert r.status_code == 200, r.text
    _check(r.json(), client_id)
    r = https.post(
        "/edfi/oauth/token",
        json={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert r.status_code == 200, r.text
    _check(r.json(), client_id)
    token = r.json()["access_token"]
    data = https.get("/edfi/data/v3/ed-fi/schools", headers={"Authorization": f"Bearer {token}"})
    assert data.status_code == 200


def test_token_errors(https: TestClient, credentials: tuple[str, str]) -> None:
    client_id, _ = credentials
    r = https.post(
        "/edfi/oauth/token",
        json={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "no"},
    )
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"
    r = https.post(
        "/edfi/oauth/token", content=b"[1]", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
