"""Fixtures for the token endpoint: an HTTPS test client and registered API clients."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import ALL_SCOPES
from interop_hub.clients.provision import provision_client
from interop_hub.clients.schemas import NewClientCredentials

TOKEN_URL = "/oauth/token"

MakeClient = Callable[..., NewClientCredentials]


@pytest.fixture
def https(app: FastAPI) -> Iterator[TestClient]:
    """The token endpoint refuses plain http for non-loopback hosts, as RFC 6749 requires."""
    with TestClient(app, base_url="https://testserver") as c:
        yield c


@pytest.fixture
def make_client(session_factory: sessionmaker[Session]) -> MakeClient:
    def make(*scopes: str, name: str = "Test vendor") -> NewClientCredentials:
        return provision_client(name, scopes or sorted(ALL_SCOPES), session_factory=session_factory)

    return make


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}
