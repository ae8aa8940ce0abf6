"""``interop-hub edfi ...``: Ed-Fi administration commands."""

from __future__ import annotations

import click

from interop_hub.config import get_settings

__all__ = ["edfi"]


@click.group()
def edfi() -> None:
    """Ed-Fi API administration."""


@edfi.command("seed")
def seed_command() -> None:
    """Load the DS 5.2 descriptors and school years 1991-2050 (existing items are kept)."""
    from interop_hub.core.db import create_db_engine, make_sessionmaker, session_scope
    from interop_hub.edfi.seed import load_descriptors, load_school_years

    engine = create_db_engine(get_settings().resolved_database_url())
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            descriptors = load_descriptors(session)
            years = load_school_years(session)
    finally:
        engine.dispose()
    click.echo(f"Stored {descriptors} new descriptors and {years} new school years.")
