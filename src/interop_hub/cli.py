"""The ``interop-hub`` command."""

from __future__ import annotations

import click

from interop_hub.config import get_settings

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="interop-hub")
def main() -> None:
    """Interop Hub: K-12 data interoperability (OneRoster 1.2 / Ed-Fi)."""


@main.group()
def db() -> None:
    """Database administration."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply alembic migrations to the configured database."""
    from interop_hub.core.migrate import upgrade

    url = get_settings().resolved_database_url()
    upgrade(url)
    click.echo("Database is at the newest schema revision.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the HTTP API with uvicorn."""
    import uvicorn

    uvicorn.run(
        "interop_hub.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
    )
