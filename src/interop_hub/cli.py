"""The ``interop-hub`` command."""

from __future__ import annotations

from pathlib import Path

import click

from interop_hub.admin.cli import connectors, runs, worker
from interop_hub.clients.cli import clients
from interop_hub.config import get_settings
from interop_hub.edfi.cli import edfi

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="interop-hub")
def main() -> None:
    """Interop Hub: K-12 data interoperability (OneRoster 1.2 / Ed-Fi)."""


main.add_command(clients)
main.add_command(edfi)
main.add_command(connectors)
main.add_command(runs)
main.add_command(worker)


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


@main.command("export-openapi")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("openapi"),
    show_default=True,
    help="Folder to write the OpenAPI documents into.",
)
def export_openapi(out: Path) -> None:
    """Write our OpenAPI documents (checked in under openapi/; CI fails on drift)."""
    from interop_hub.openapi_docs import write_documents

    for path in write_documents(out):
        click.echo(f"wrote {path}")


@main.command()
@click.option("--students", "-n", required=True, type=click.IntRange(min=1), help="District size.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(min=0))
@click.option("--school-year", default=2025, show_default=True, type=int, help="Ending year.")
@click.option("--zip", "as_zip", is_flag=True, help="Write OUT as a flat .zip package.")
@click.option("--overwrite", is_flag=True, help="Replace an existing package at OUT.")
@click.argument("out", type=click.Path(path_type=Path))
def generate(
    students: int, seed: int, school_year: int, as_zip: bool, overwrite: bool, out: Path
) -> None:
    """Write a deterministic synthetic district as a OneRoster 1.2 CSV package to OUT."""
    from interop_hub.generator import generate_district

    try:
        summary = generate_district(
            out, students, seed, as_zip, school_year=school_year, overwrite=overwrite
        )
    except (FileExistsError, NotADirectoryError, IsADirectoryError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{summary.district_name}: {summary.path}")
    for name, rows in summary.rows.items():
        click.echo(f"  {name + '.csv':<22}{rows:>12,}")


@main.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--source",
    default=None,
    help="Source name (crosswalk namespace, scope of bulk deletes). "
    "Default: oneroster-csv[:<manifest source.systemCode>].",
)
@click.option(
    "--edfi/--no-edfi",
    "edfi_publish",
    default=True,
    show_default=True,
    help="Afterwards, publish the changes as Ed-Fi documents (when Ed-Fi is seeded).",
)
def import_cmd(path: Path, source: str | None, edfi_publish: bool) -> None:
    """Import a OneRoster 1.1/1.2 CSV package (ZIP or folder) into the hub."""
    from interop_hub.core.db import create_db_engine, make_sessionmaker, session_scope
    from interop_hub.edfi.canonical.publish import descriptors_loaded, publish, summary
    from interop_hub.sync.oneroster_csv import PackageRejected, import_package

    engine = create_db_engine(get_settings().resolved_database_url())
    try:
        result = import_package(engine, path, source=source)
        click.echo(result.render())
        if result.report.warning_count:
            click.echo(result.report.render(limit=50))
        if edfi_publish:
            with session_scope(make_sessionmaker(engine)) as session:
                if descriptors_loaded(session):
                    click.echo(summary(publish(session)))
                else:
                    click.echo("Ed-Fi: not published (run `interop-hub edfi seed` to enable).")
    except PackageRejected as exc:
        click.echo(exc.report.render(), err=True)
        click.echo(
            f"Rejected: {exc.report.error_count} error(s); nothing was applied (run {exc.run_id}).",
            err=True,
        )
        raise SystemExit(1) from None
    finally:
        engine.dispose()


@main.command()
@click.option("--students", default=500, show_default=True, type=click.IntRange(min=50))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo and exit without serving.")
def demo(students: int, host: str, port: int, no_serve: bool) -> None:
    """Set up a demo hub (SQLite, generated district, API client) and serve it."""
    from interop_hub.demo import prepare_demo, usage_text

    info = prepare_demo(get_settings(), students)
    click.echo(usage_text(info, f"http://{host}:{port}"))
    if not no_serve:
        click.echo("")
        serve.callback(host=host, port=port, workers=1)  # type: ignore[misc]


if __name__ == "__main__":
    main()
