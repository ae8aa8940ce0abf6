"""Small generated districts shared by the generator tests (generated once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interop_hub.generator import GenerationSummary, generate_district
from tests.generator.checks import Package, read_package


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[GenerationSummary, Package]:
    summary = generate_district(tmp_path_factory.mktemp("gen") / "d300", 300, seed=1)
    return summary, read_package(summary.path)


@pytest.fixture(scope="session")
def medium(tmp_path_factory: pytest.TempPathFactory) -> tuple[GenerationSummary, Package]:
    summary = generate_district(tmp_path_factory.mktemp("gen") / "d2000", 2_000, seed=7)
    return summary, read_package(summary.path)


@pytest.fixture(scope="session")
def medium_path(medium: tuple[GenerationSummary, Package]) -> Path:
    return medium[0].path
