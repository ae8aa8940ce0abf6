from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from interop_hub.auth.scopes import (
    ROSTER_CORE_READONLY,
    ROSTER_DEMOGRAPHICS_READONLY,
    ROSTER_READONLY,
)
from tests.oneroster.factory import Roster, realistic

V12 = "/ims/oneroster/rostering/v1p2"
V11 = "/ims/oneroster/v1p1"
ALL_V12 = (ROSTER_CORE_READONLY, ROSTER_READONLY, ROSTER_DEMOGRAPHICS_READONLY)

Get = Callable[..., httpx.Response]


@pytest.fixture
def roster(db_engine: Engine) -> Roster:
    return realistic(db_engine)


@pytest.fixture
def get(client: TestClient, bearer: Callable[..., dict[str, str]]) -> Get:
    """``get(path, **params)`` with a token holding every rostering scope; a path without
    a leading ``/ims`` is relative to the 1.2 base."""
    headers = bearer(*ALL_V12)

    def call(path: str, **params: Any) -> httpx.Response:
        url = path if path.startswith("/ims") else V12 + path
        return client.get(url, params=params, headers=headers)

    return call
