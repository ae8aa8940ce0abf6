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


@edfi.command("publish")
def publish_command() -> None:
    """Publish canonical data from other sources (OneRoster imports, connectors) as Ed-Fi
    documents; only what changed since the last run is written."""
    from interop_hub.core.db import create_db_engine, make_sessionmaker, session_scope
    from interop_hub.edfi.canonical.publish import descriptors_loaded, publish, summary

    engine = create_db_engine(get_settings().resolved_database_url())
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            if not descriptors_loaded(session):
                raise click.ClickException(
                    "Ed-Fi descriptors are not loaded; run `interop-hub edfi seed` first."
                )
            result = publish(session)
    finally:
        engine.dispose()
    click.echo(summary(result))


@edfi.command("reindex")
def reindex_command() -> None:
    """Rebuild the ed-org relationship index that authorization by education organization
    reads (needed once after upgrading a database that already held Ed-Fi documents)."""
    from interop_hub.core.db import create_db_engine, make_sessionmaker, session_scope
    from interop_hub.edfi.edorgs import rebuild

    engine = create_db_engine(get_settings().resolved_database_url())
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            rows = rebuild(session)
    finally:
        engine.dispose()
    click.echo(f"Indexed {rows} document/education organization relationships.")
