from __future__ import annotations

from typing import Any

import pytest
import respx

from interop_hub.connectors.clever import CleverConfig, CleverConnector
from tests.connectors.clever.fake import BASE, NOW, TOKEN, FakeClever
from tests.connectors.sdk.helpers import Sleeps


@pytest.fixture
def clever(router: respx.Router) -> FakeClever:
    return FakeClever(router)


def make_connector(sleeps: Sleeps | None = None, **overrides: Any) -> CleverConnector:
    settings: dict[str, Any] = {
        "base_url": BASE,
        "token": TOKEN,
        "page_size": 2,
        "requests_per_second": None,
        "include_contacts": True,
        "undated_term_school_year": 2026,
        "max_attempts": 3,
        **overrides,
    }
    return CleverConnector(
        CleverConfig.model_validate(settings),
        sleep=sleeps if sleeps is not None else Sleeps(),
        clock=lambda: NOW,
    )
