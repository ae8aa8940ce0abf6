"""``interop-hub connectors`` and ``interop-hub runs``: the admin API's operations on the
command line, against the configured database. ``connectors sync`` runs in this process
and shows live progress; ``interop-hub worker`` executes scheduled runs.

Heavy imports happen inside the commands so ``interop-hub --help`` stays fast.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from interop_hub.config import Settings

__all__ = ["connectors", "runs", "worker"]

T = TypeVar("T")


@contextmanager
def _hub() -> Iterator[tuple[Engine, Settings]]:
    from interop_hub.config import get_settings
    from interop_hub.core.db import create_db_engine
    from interop_hub.core.errors import HubError

    settings = get_settings()
    engine = create_db_engine(settings.resolved_database_url())
    try:
        yield engine, settings
    except HubError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        engine.dispose()


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


def _parse_settings(pairs: tuple[str, ...], config_file: Path | None) -> dict[str, Any]:
    """``key=value`` pairs (values parsed as JSON when they are JSON, else strings)."""
    config: dict[str, Any] = {}
    if config_file is not None:
        import yaml

        loaded = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        if not isinstance(loaded, dict):
            raise click.BadParameter(
                "the config file must hold a mapping", param_hint="--config-file"
            )
        config |= loaded
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="--set")
        try:
            config[key] = json.loads(value)
        except ValueError:
            config[key] = value
    return config


def _interval(text: str | None) -> int | None:
    if not text:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        if text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: use e.g. 90s, 15m, 6h, 1d", param_hint="--every"
        ) from None


@click.group()
def connectors() -> None:
    """Register, test and run source connectors."""


@connectors.command("keygen")
def keygen() -> None:
    """Create the key that encrypts connector secrets (<data_dir>/secrets.key)."""
    from interop_hub.config import get_settings
    from interop_hub.core.crypto import generate_key_file

    path = generate_key_file(get_settings())
    click.echo(f"Secrets key: {path} (keep it with your backups; without it secrets are lost)")


@connectors.command("kinds")
def kinds() -> None:
    """List the installed connector kinds."""
    from interop_hub.connectors.sdk.registry import available, broken

    for kind, cls in sorted(available().items()):
        inc = "full+incremental" if cls.supports_incremental else "full"
        click.echo(f"{kind:<20} {inc:<17} {cls.title}")
    for kind, reason in sorted(broken().items()):
        click.echo(f"{kind:<20} BROKEN            {reason}", err=True)


@connectors.command("add")
@click.argument("name")
@click.option("--kind", required=True, help="Connector kind (see `connectors kinds`).")
@click.option("--set", "pairs", multiple=True, help="Config value key=value (repeatable).")
@click.option("--config-file", type=click.Path(exists=True, path_type=Path), default=None)
@click.option("--every", default=None, help="Schedule interval, e.g. 15m, 6h, 1d.")
@click.option("--cron", default=None, help="Schedule as a cron expression.")
@click.option("--mode", type=click.Choice(["full", "incremental"]), default="incremental")
@click.option("--max-delete-ratio", type=float, default=None, help="Safety gate (default 0.10).")
@click.option("--max-update-ratio", type=float, default=None, help="Safety gate (default 0.75).")
def add(
    name: str,
    kind: str,
    pairs: tuple[str, ...],
    config_file: Path | None,
    every: str | None,
    cron: str | None,
    mode: str,
    max_delete_ratio: float | None,
    max_update_ratio: float | None,
) -> None:
    """Register a connector instance."""
    from interop_hub.sync.instances import create_instance, public_view

    gate: dict[str, Any] = {}
    if max_delete_ratio is not None:
        gate["max_delete_ratio"] = max_delete_ratio
    if max_update_ratio is not None:
        gate["max_update_ratio"] = max_update_ratio
    with _hub() as (engine, settings), engine.begin() as conn:
        row = create_instance(
            conn,
            settings,
            name=name,
            kind=kind,
            config=_parse_settings(pairs, config_file),
            schedule_interval_seconds=_interval(every),
            schedule_cron=cron,
            schedule_mode=mode,
            gate=gate or None,
        )
        _echo_json(public_view(row))


@connectors.command("list")
def list_cmd() -> None:
    """List connector instances."""
    from interop_hub.sync.instances import list_instances

    with _hub() as (engine, _), engine.connect() as conn:
        for row in list_instances(conn):
            state = "paused" if row.paused else "active"
            when = row.next_run_at.isoformat() if row.next_run_at else "manual"
            click.echo(f"{row.id:>4} {row.name:<24} {row.kind:<18} {state:<7} next: {when}")


@connectors.command("show")
@click.argument("name")
def show(name: str) -> None:
    """Show one connector instance (secrets are never shown)."""
    from interop_hub.sync.instances import get_instance, public_view

    with _hub() as (engine, _), engine.connect() as conn:
        _echo_json(public_view(get_instance(conn, name)))


@connectors.command("edit")
@click.argument("name")
@click.option("--set", "pairs", multiple=True, help="Config value key=value (repeatable).")
@click.option("--every", default=None)
@click.option("--cron", default=None)
def edit(name: str, pairs: tuple[str, ...], every: str | None, cron: str | None) -> None:
    """Change config values or the schedule; secrets not given are kept."""
    from interop_hub.sync.instances import public_view, update_instance

    changes: dict[str, Any] = {}
    if pairs:
        changes["config"] = _parse_settings(pairs, None)
    if every is not None:
        changes |= {"schedule_interval_seconds": _interval(every), "schedule_cron": None}
    if cron is not None:
        changes |= {"schedule_cron": cron, "schedule_interval_seconds": None}
    with _hub() as (engine, settings), engine.begin() as conn:
        _echo_json(public_view(update_instance(conn, settings, name, changes)))


def _set_paused(name: str, paused: bool) -> None:
    from interop_hub.sync.instances import update_instance

    with _hub() as (engine, settings), engine.begin() as conn:
        update_instance(conn, settings, name, {"paused": paused})
    click.echo(f"{name}: {'paused' if paused else 'resumed'}")


@connectors.command("pause")
@click.argument("name")
def pause(name: str) -> None:
    """Stop scheduled runs of a connector."""
    _set_paused(name, True)


@connectors.command("resume")
@click.argument("name")
def resume(name: str) -> None:
    """Resume scheduled runs of a connector."""
    _set_paused(name, False)


@connectors.command("remove")
@click.argument("name")
@click.confirmation_option(prompt="Remove the connector? (its data stays in the hub)")
def remove(name: str) -> None:
    """Remove a connector instance. The data it delivered stays."""
    from interop_hub.sync.instances import delete_instance

    with _hub() as (engine, _), engine.begin() as conn:
        delete_instance(conn, name)
    click.echo(f"{name}: removed")


@connectors.command("test")
@click.argument("name")
def test(name: str) -> None:
    """Check connectivity: what the connector can reach."""
    from interop_hub.sync.instances import build_connector, get_instance

    with _hub() as (engine, settings):
        with engine.connect() as conn:
            row = get_instance(conn, name)
        connector = build_connector(row, settings)
        try:
            checks = connector.check()
        finally:
            connector.close()
    for check in checks:
        click.echo(f"{'OK  ' if check.ok else 'FAIL'} {check.target}: {check.detail}")
    if not checks or not all(c.ok for c in checks):
        raise SystemExit(1)


def _watch(engine: Engine, run_id: int, work: Callable[[], T]) -> T:
    """Run ``work`` in a thread while printing the run's live counts on one line."""
    from interop_hub.sync.runner import get_run

    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    width = 0
    while thread.is_alive():
        thread.join(0.5)
        with engine.connect() as conn:
            progress = get_run(conn, run_id).progress or {}
        counts = progress.get("records") or {}
        text = f"{progress.get('phase', '...')}: " + ", ".join(
            f"{k} {v:,}" for k, v in counts.items()
        )
        width = max(width, len(text))
        click.echo("\r" + text.ljust(width), nl=False, err=True)
    click.echo(err=True)
    if "error" in result:
        raise result["error"]
    value: T = result["value"]
    return value


def _print_run(run: dict[str, Any]) -> None:
    click.echo(f"run {run['id']} of {run['source']}: {run['state']}")
    for reason in run.get("hold_reasons") or []:
        click.echo(f"  held: {reason}")
    if run.get("error"):
        click.echo(f"  error: {run['error']}")
    entities = ((run.get("diff") or {}).get("entities")) or {}
    if entities:
        click.echo(f"  {'entity':<18}{'before':>9}{'added':>9}{'updated':>9}{'deleted':>9}")
        for name, c in entities.items():
            click.echo(
                f"  {name:<18}{c.get('before', 0):>9}{c.get('added', 0):>9}"
                f"{c.get('updated', 0):>9}{c.get('tombstoned', 0):>9}"
            )
    problems = [p for p in run.get("report") or [] if p.get("severity") == "error"]
    for p in problems[:20]:
        where = ":".join(str(x) for x in (p.get("file"), p.get("line"), p.get("column")) if x)
        origin = f" [{p['source_record']}]" if p.get("source_record") else ""
        click.echo(f"  ERROR {where}: {p.get('reason')}{origin}")
    if len(problems) > 20:
        click.echo(f"  ... {len(problems) - 20} more errors (`interop-hub runs show {run['id']}`)")


@connectors.command("sync")
@click.argument("name")
@click.option("--incremental", is_flag=True, help="Only changes since the last applied run.")
@click.option("--dry-run", is_flag=True, help="Compute the diff; apply nothing.")
@click.option("--quiet", is_flag=True, help="No progress line.")
def sync(name: str, incremental: bool, dry_run: bool, quiet: bool) -> None:
    """Run a connector now, in this process, showing progress."""
    from interop_hub.sync.runner import execute_run, get_run, recover, run_view, start_run

    with _hub() as (engine, settings):
        for outcome in recover(engine, settings):
            click.echo(f"recovered run {outcome.run_id} of a stopped worker: {outcome.state}")
        mode = "incremental" if incremental else "full"
        run_id = start_run(engine, settings, name, mode=mode, dry_run=dry_run)

        def work() -> object:
            return execute_run(engine, settings, run_id)

        if quiet:
            work()
        else:
            _watch(engine, run_id, work)
        with engine.connect() as conn:
            view = run_view(get_run(conn, run_id))
    _print_run(view)
    if view["state"] in ("failed", "rejected"):
        raise SystemExit(1)
    if view["state"] == "held":
        click.echo(f"Approve with `interop-hub runs approve {run_id}` or discard it.")
        raise SystemExit(3)


@click.group()
def runs() -> None:
    """Sync runs: list, show, approve or discard held runs."""


@runs.command("list")
@click.option("--connector", default=None)
@click.option("--state", default=None)
@click.option("--limit", default=20, show_default=True)
def runs_list(connector: str | None, state: str | None, limit: int) -> None:
    """Recent runs, newest first."""
    from interop_hub.sync.instances import get_instance
    from interop_hub.sync.runner import list_runs

    with _hub() as (engine, _), engine.connect() as conn:
        source = get_instance(conn, connector).source if connector else None
        for r in list_runs(conn, source=source, state=state, limit=limit):
            mode = f"{r.mode or 'import'}{' dry-run' if r.dry_run else ''}"
            click.echo(
                f"{r.id:>6} {r.started_at:%Y-%m-%d %H:%M} {r.source:<32} {mode:<18} {r.state}"
            )


@runs.command("show")
@click.argument("run_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def runs_show(run_id: int, as_json: bool) -> None:
    """A run's state, diff, hold reasons and problems."""
    from interop_hub.sync.runner import get_run, run_view

    with _hub() as (engine, _), engine.connect() as conn:
        view = run_view(get_run(conn, run_id))
    if as_json:
        _echo_json(view)
    else:
        _print_run(view)


@runs.command("approve")
@click.argument("run_id", type=int)
@click.option("--by", "actor", default="cli", help="Who approves (recorded on the run).")
def runs_approve(run_id: int, actor: str) -> None:
    """Apply a held run's diff."""
    from interop_hub.sync.runner import approve_run, get_run, run_view

    with _hub() as (engine, settings):
        approve_run(engine, settings, run_id, actor)
        with engine.connect() as conn:
            _print_run(run_view(get_run(conn, run_id)))


@runs.command("discard")
@click.argument("run_id", type=int)
@click.option("--by", "actor", default="cli")
def runs_discard(run_id: int, actor: str) -> None:
    """Discard a held run; nothing is applied."""
    from interop_hub.sync.runner import discard_run

    with _hub() as (engine, _):
        discard_run(engine, run_id, actor)
    click.echo(f"run {run_id}: discarded")


@click.command()
@click.option("--queue/--in-process", default=None, help="Default: the queue on PostgreSQL.")
def worker(queue: bool | None) -> None:
    """Execute scheduled and requested sync runs until stopped (Ctrl-C)."""
    from sqlalchemy.engine import make_url

    with _hub() as (engine, settings):
        pg = make_url(settings.resolved_database_url()).get_backend_name() == "postgresql"
        if queue is None:
            queue = pg
        if queue:
            from interop_hub.sync.queue import build_app

            app = build_app(engine, settings)
            click.echo("worker: procrastinate queue 'sync' (Ctrl-C to stop)")
            app.run_worker(queues=["sync"], install_signal_handlers=True)
            return
        from interop_hub.sync.schedule import InProcessScheduler

        scheduler = InProcessScheduler(engine, settings)
        scheduler.start()
        click.echo("worker: in-process scheduler (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            scheduler.stop()
