"""One call to create a client outside a request (``interop-hub demo``, scripts, tests)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session, sessionmaker

from interop_hub.clients import service
from interop_hub.clients.schemas import NewClientCredentials
from interop_hub.config import Settings, get_settings
from interop_hub.core.db import create_db_engine, make_sessionmaker, session_scope

__all__ = ["provision_client"]


def provision_client(
    name: str,
    scopes: Iterable[str] | None = None,
    *,
    edorgs: Iterable[int] = (),
    session_factory: sessionmaker[Session] | None = None,
    settings: Settings | None = None,
) -> NewClientCredentials:
    """Create and commit a client; return its credentials (the secret is not recoverable later).

    ``scopes`` are short names or URIs, default ``service.DEFAULT_CLIENT_SCOPES``. Uses
    ``session_factory`` when given, else the database of ``settings`` (default: the configured
    one), which must already be migrated. ``edorgs`` restricts the client to those Ed-Fi
    education organizations (default: unrestricted).
    """
    requested = list(scopes) if scopes is not None else sorted(service.DEFAULT_CLIENT_SCOPES)
    if session_factory is not None:
        return _create(session_factory, name, requested, list(edorgs))
    engine = create_db_engine((settings or get_settings()).resolved_database_url())
    try:
        return _create(make_sessionmaker(engine), name, requested, list(edorgs))
    finally:
        engine.dispose()


def _create(
    factory: sessionmaker[Session], name: str, scopes: list[str], edorgs: list[int]
) -> NewClientCredentials:
    with session_scope(factory) as session:
        client, secret = service.create_client(session, name, scopes, edorgs)
        return NewClientCredentials(
            client_id=client.client_id,
            client_secret=secret,
            name=client.name,
            scopes=client.scopes.split(),
            education_organization_ids=sorted(set(edorgs)),
        )
