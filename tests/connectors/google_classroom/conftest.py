from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import respx

from interop_hub.connectors.google_classroom import (
    GoogleClassroomConfig,
    GoogleClassroomConnector,
)
from tests.connectors.google_classroom.fake import TOKEN, FakeClassroom


@pytest.fixture
def router() -> Iterator[respx.Router]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
def classroom(router: respx.Router) -> FakeClassroom:
    return FakeClassroom(router)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


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
