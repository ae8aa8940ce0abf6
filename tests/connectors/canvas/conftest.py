from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import respx

from interop_hub.connectors.canvas import CanvasConfig, CanvasConnector
from tests.connectors.canvas.fake import BASE, TOKEN, FakeCanvas


@pytest.fixture
def router() -> Iterator[respx.Router]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
def canvas(router: respx.Router) -> FakeCanvas:
    return FakeCanvas(router)


class Sleeps(list[float]):
    """Records the waits the client would have taken."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_connector(sleeps: Sleeps | None = None, **overrides: Any) -> CanvasConnector:
    settings: dict[str, Any] = {
        "base_url": BASE,
        "access_token": TOKEN,
        "page_size": 2,
        "undated_term_school_year": 2026,
        "max_attempts": 3,
        **overrides,
    }
    return CanvasConnector(
        CanvasConfig.model_validate(settings), sleep=sleeps if sleeps is not None else Sleeps()
    )
