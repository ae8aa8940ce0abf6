"""Run alembic migrations programmatically (the only way schemas are created outside tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

__all__ = ["alembic_config", "upgrade"]


def _script_location() -> Path:
    here = Path(__file__).resolve()
    packaged = here.parents[1] / "_migrations"  # inside an installed wheel
    if packaged.is_dir():
        return packaged
    return here.parents[3] / "migrations"  # a source checkout (editable install)


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_script_location()))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str | None = None, connection: Connection | None = None) -> None:
    """Migrate the database at ``url`` (or on ``connection``) to the newest revision."""
    command.upgrade(alembic_config(url, connection), "head")
