from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import respx

from interop_hub.connectors.powerschool import PowerSchoolConfig, PowerSchoolConnector
from tests.connectors.powerschool.fake import BASE, CLIENT_ID, CLIENT_SECRET, FakePowerSchool
from tests.connectors.sdk.helpers import Sleeps

READ_AT = datetime(2025, 10, 6, 7, 30, tzinfo=UTC)


@pytest.fixture
def ps(router: respx.Router) -> FakePowerSchool:
    return FakePowerSchool(router)


class Clock:
    """A monotonic clock the test moves forward."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def config(**overrides: Any) -> PowerSchoolConfig:
    settings: dict[str, Any] = {
        "base_url": BASE,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "page_size": 2,
        "max_attempts": 3,
        **overrides,
    }
    return PowerSchoolConfig.model_validate(settings)


def make_connector(
    sleeps: Sleeps | None = None, clock: Clock | None = None, **overrides: Any
) -> PowerSchoolConnector:
    return PowerSchoolConnector(
        config(**overrides),
        sleep=sleeps if sleeps is not None else Sleeps(),
        clock=clock or Clock(),
        now=lambda: READ_AT,
    )
