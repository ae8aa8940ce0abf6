"""``interop-hub clients``: register, list and disable OAuth 2.0 API clients.

Heavy imports happen inside the commands so ``interop-hub --help`` stays fast.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["clients"]

T = TypeVar("T")

_DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@contextmanager
def _session() -> Iterator[Session]:
    """A committed unit of work on the configured database, with DB errors made readable."""
    from sqlalchemy.exc import DBAPIError

    from interop_hub.config import get_settings
    from interop_hub.core.db import create_db_engine, make_sessionmaker, session_scope

    engine = create_db_engine(get_settings().resolved_database_url())
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            yield session
    except DBAPIError as exc:
        raise click.ClickException(
            f"Database error ({type(exc.orig).__name__}). "
            "Is the schema created? Run `interop-hub db upgrade`."
        ) from exc
    finally:
        engine.dispose()


def _hub_errors(action: Callable[[], T]) -> T:
    from interop_hub.core.errors import HubError

    try:
        return action()
    except HubError as exc:
        raise click.ClickException(exc.message) from exc


@click.group()
def clients() -> None:
    """OAuth 2.0 API clients (client credentials for the OneRoster and Ed-Fi APIs)."""


@clients.command("create")
@click.option("--name", required=True, help="Who the client is for, e.g. the vendor's name.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    metavar="SCOPE",
    help="Allowed scope, repeatable: a short name (roster-core.readonly, roster.readonly, "
    "roster-demographics.readonly) or its full URI. Default: roster-core.readonly and "
    "roster.readonly (demographics only when asked for).",
)
@click.option(
    "--edorg",
    "edorgs",
    multiple=True,
    type=click.IntRange(min=1),
    metavar="ID",
    help="Ed-Fi education organization id (an LEA, a school...), repeatable: the client then "
    "reads and writes only Ed-Fi data of these ed-orgs and the ones below them (an LEA's "
    "schools), related as the ODS/API does it (students through their school associations...). "
    "Without --edorg the client is UNRESTRICTED: it sees every education organization. "
    "Applies to the Ed-Fi API (not to OneRoster).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the credentials as JSON.")
def create(name: str, scopes: tuple[str, ...], edorgs: tuple[int, ...], as_json: bool) -> None:
    """Register a client and print its client_id and client_secret.

    The secret is shown this one time only: the hub keeps nothing but a hash of it.
    """
    from interop_hub.clients import service
    from interop_hub.config import get_settings

    requested = list(scopes) or sorted(service.DEFAULT_CLIENT_SCOPES)
    with _session() as session:
        client, secret = _hub_errors(
            lambda: service.create_client(session, name, requested, edorgs)
        )
        client_id, allowed = client.client_id, client.scopes.split()
    granted = sorted(set(edorgs))
    if as_json:
        payload = {"client_id": client_id, "client_secret": secret, "name": name}
        extra = {"scopes": allowed, "education_organization_ids": granted}
        click.echo(json.dumps({**payload, **extra}, indent=2))
        return
    base_url = (get_settings().public_base_url or _DEFAULT_BASE_URL).rstrip("/")
    credentials = shlex.quote(f"{client_id}:{secret}")
    click.echo(f"Created API client {name!r}.")
    click.echo(f"client_id:     {client_id}")
    click.echo(f"client_secret: {secret}")
    click.echo(f"scopes:        {' '.join(allowed)}")
    edorg_text = " ".join(map(str, granted)) if granted else "all (unrestricted)"
    click.echo(f"ed-orgs:       {edorg_text}")
    click.echo("Get a token:")
    click.echo(
        f"  curl -s -u {credentials} -d grant_type=client_credentials {base_url}/oauth/token"
    )
    click.secho(
        "The client_secret is shown only now; store it safely, it cannot be retrieved later.",
        err=True,
        fg="yellow",
    )


@clients.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the clients as JSON.")
def list_(as_json: bool) -> None:
    """List registered clients (never their secrets)."""
    from interop_hub.auth.scopes import short_scope
    from interop_hub.clients import service
    from interop_hub.clients.schemas import ClientInfo
    from interop_hub.core.clock import format_datetime

    with _session() as session:
        grants = service.client_edorgs_by_id(session)
        infos = [
            ClientInfo.from_model(c, grants.get(c.client_id)) for c in service.list_clients(session)
        ]
    if as_json:
        click.echo(json.dumps([i.model_dump(mode="json") for i in infos], indent=2))
        return
    if not infos:
        click.echo("No API clients. Create one with `interop-hub clients create --name NAME`.")
        return
    for info in infos:
        state = "enabled " if info.enabled else "disabled"
        scopes = ",".join(short_scope(s) for s in info.scopes)
        created = format_datetime(info.created_at)
        edorg_ids = info.education_organization_ids
        granted = ",".join(map(str, edorg_ids)) if edorg_ids else "all"
        click.echo(
            f"{info.client_id}  {state}  {created}  {info.name}  [{scopes}]  ed-orgs: {granted}"
        )


@clients.command("disable")
@click.argument("client_id")
def disable(client_id: str) -> None:
    """Stop CLIENT_ID from getting new tokens (tokens already issued run until they expire)."""
    from interop_hub.clients import service

    with _session() as session:
        _hub_errors(lambda: service.disable_client(session, client_id))
    click.echo(f"Disabled API client {client_id}.")
