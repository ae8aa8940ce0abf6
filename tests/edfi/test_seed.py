"""``interop-hub edfi seed``: all DS 5.2 descriptors and school years, idempotently."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.cli import main
from interop_hub.config import Settings, get_settings
from interop_hub.edfi.descriptors import bundled_descriptors
from interop_hub.edfi.registry import get_registry
from interop_hub.models import EdfiDocument


def test_seed_loads_everything_once(
    session_factory: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTEROP_HUB_DATABASE_URL", settings.resolved_database_url())
    get_settings.cache_clear()
    registry = get_registry()
    served = sum(1 for resource, _ in bundled_descriptors() if registry.get(resource))
    assert 3200 < served < 3298  # a few DS 5.2 types are not in the DS 5.0 API
    try:
        runner = CliRunner()
        first = runner.invoke(main, ["edfi", "seed"])
        assert first.exit_code == 0, first.output
        assert f"{served} new descriptors and 60 new school years" in first.output
        again = runner.invoke(main, ["edfi", "seed"])
        assert "Stored 0 new descriptors and 0 new school years" in again.output
    finally:
        get_settings.cache_clear()
    with session_factory() as session:
        total = session.execute(select(func.count()).select_from(EdfiDocument)).scalar_one()
        years = session.execute(
            select(func.count())
            .select_from(EdfiDocument)
            .where(EdfiDocument.resource == "schoolYearTypes")
        ).scalar_one()
    assert (total, years) == (served + 60, 60)
