"""``interop-hub import PATH [--source NAME]``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from interop_hub.cli import main
from interop_hub.config import get_settings
from interop_hub.models import User
from tests.sync.packages import copy_set, edit


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, database_url: str, db_engine: Engine
) -> Iterator[Engine]:
    monkeypatch.setenv("INTEROP_HUB_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield db_engine
    get_settings.cache_clear()


def test_import_prints_a_summary(cli_env: Engine, tmp_path: Path) -> None:
    pkg = copy_set("moodle_v1p1_full", tmp_path)
    result = CliRunner().invoke(main, ["import", str(pkg), "--source", "district-7"])
    assert result.exit_code == 0, result.output
    assert "users                      6         6" in result.output
    assert "source=district-7 version=1.1 change_version=1" in result.output
    with cli_env.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)).scalar_one() == 6


def test_rejected_import_prints_the_report_and_fails(cli_env: Engine, tmp_path: Path) -> None:
    pkg = copy_set("moodle_v1p1_full", tmp_path)
    edit(pkg / "orgs.csv", 2, "type", "campus")
    result = CliRunner().invoke(main, ["import", str(pkg)])
    assert result.exit_code == 1
    assert "ERROR   orgs.csv:2:type: not one of" in result.output
    assert "Rejected: 1 error(s); nothing was applied" in result.output
    with cli_env.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)).scalar_one() == 0
