"""Fixtures shared by every connector's tests: a respx router and a recording sleep."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from tests.connectors.sdk.helpers import Sleeps


@pytest.fixture
def router() -> Iterator[respx.Router]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()
