from __future__ import annotations

from typing import Any

import pytest
import respx

from interop_hub.connectors.google_classroom import (
    GoogleClassroomConfig,
    GoogleClassroomConnector,
)
from tests.connectors.google_classroom.fake import TOKEN, FakeClassroom
from tests.connectors.sdk.helpers import Sleeps


@pytest.fixture
def classroom(router: respx.Router) -> FakeClassroom:
    return FakeClassroom(router)


def settings(**overrides: Any) -> dict[str, Any]:
    return {
        "access_token": TOKEN,
        "page_size": 2,
        "max_attempts": 3,
        "district_id": "sps",
        "district_name": "Springfield Public Schools",
        "school_id": "shs",
        "school_name": "Springfield High School",
        "school_year": 2026,
        **overrides,
    }


def make_connector(sleeps: Sleeps | None = None, **overrides: Any) -> GoogleClassroomConnector:
    config = GoogleClassroomConfig.model_validate(settings(**overrides))
    return GoogleClassroomConnector(config, sleep=sleeps if sleeps is not None else Sleeps())
