"""Fixtures: a fake ODS/API behind respx, and connectors configured against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx

from interop_hub.connectors.edfi_api import EdFiApiConfig, EdFiApiConnector
from tests.connectors.edfi_api.district import district
from tests.connectors.edfi_api.fake_ods import BASE, CLIENT_ID, CLIENT_SECRET, FakeOds, Profile

MakeConnector = Callable[..., EdFiApiConnector]


@pytest.fixture
def ods(router: respx.Router) -> FakeOds:
    """An ODS/API 7.1 holding the test district."""
    fake = FakeOds(Profile()).install(router)
    fake.load(district())
    return fake


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def connector(sleeps: list[float]) -> Iterator[MakeConnector]:
    """``connector(**config)``: a connector for the fake ODS; retries do not wait."""
    made: list[EdFiApiConnector] = []

    def make(**overrides: Any) -> EdFiApiConnector:
        config = EdFiApiConfig(
            base_url=overrides.pop("base_url", BASE),
            client_id=overrides.pop("client_id", CLIENT_ID),
            client_secret=overrides.pop("client_secret", CLIENT_SECRET),
            **overrides,
        )
        built = EdFiApiConnector(config, sleep=sleeps.append)
        made.append(built)
        return built

    yield make
    for built in made:
        built.close()
