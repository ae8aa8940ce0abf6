from __future__ import annotations

from typing import Any

import pytest
import respx

from interop_hub.connectors.canvas import CanvasConfig, CanvasConnector
from tests.connectors.canvas.fake import BASE, TOKEN, FakeCanvas
from tests.connectors.sdk.helpers import Sleeps


@pytest.fixture
def canvas(router: respx.Router) -> FakeCanvas:
    return FakeCanvas(router)


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
