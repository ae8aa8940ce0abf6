from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import (
    ALL_SCOPES,
    ROSTER_CORE_READONLY,
    ROSTER_READONLY,
    UnknownScopeError,
)
from interop_hub.clients import service
from interop_hub.clients.errors import (
    ClientDisabled,
    ClientNotFound,
    InvalidClientCredentials,
    InvalidClientSpec,
)
from interop_hub.clients.provision import provision_client
from interop_hub.clients.schemas import ClientInfo
from interop_hub.core.db import session_scope
from interop_hub.models import ApiClient


def test_create_stores_only_a_hash(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        client, secret = service.create_client(session, " Acme LMS ", ["roster.readonly"])
        client_id = client.client_id
    with session_scope(session_factory) as session:
        row = session.scalars(select(ApiClient)).one()
        assert row.client_id == client_id
        assert row.name == "Acme LMS"
        assert row.scopes == ROSTER_READONLY
        assert row.enabled
        values = [str(getattr(row, c.key)) for c in ApiClient.__table__.columns]
        assert not any(secret in v for v in values)
        assert row.secret_hash.startswith("$scrypt$")


def test_authenticate(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        client, secret = service.create_client(session, "A", sorted(ALL_SCOPES))
        assert service.authenticate_client(session, client.client_id, secret) is client
        assert service.allowed_scopes(client) == ALL_SCOPES
        with pytest.raises(InvalidClientCredentials):
            service.authenticate_client(session, client.client_id, secret[:-1])
        with pytest.raises(InvalidClientCredentials):
            service.authenticate_client(session, "ihc_unknown", secret)
        with pytest.raises(InvalidClientCredentials):
            service.authenticate_client(session, "x" * 500, secret)
        service.disable_client(session, client.client_id)
        with pytest.raises(ClientDisabled):
            service.authenticate_client(session, client.client_id, secret)
        # A wrong secret on a disabled client does not reveal that it is disabled.
        with pytest.raises(InvalidClientCredentials):
            service.authenticate_client(session, client.client_id, "wrong")


def test_scope_validation(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        client, _ = service.create_client(
            session, "A", ["roster-core.readonly", ROSTER_READONLY, "roster.readonly"]
        )
        assert set(client.scopes.split()) == {ROSTER_CORE_READONLY, ROSTER_READONLY}
        with pytest.raises(UnknownScopeError, match=r"roster\.write"):
            service.create_client(session, "B", ["roster.readonly", "roster.write"])
        with pytest.raises(InvalidClientSpec, match="scope"):
            service.create_client(session, "B", [])
        with pytest.raises(InvalidClientSpec, match="name"):
            service.create_client(session, "   ", ["roster.readonly"])
        with pytest.raises(InvalidClientSpec, match="255"):
            service.create_client(session, "n" * 256, ["roster.readonly"])


def test_list_and_disable(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        a, _ = service.create_client(session, "A", ["roster.readonly"])
        b, _ = service.create_client(session, "B", ["roster.readonly"])
        service.disable_client(session, a.client_id)
        service.disable_client(session, a.client_id)  # idempotent
    with session_scope(session_factory) as session:
        infos = {c.client_id: ClientInfo.from_model(c) for c in service.list_clients(session)}
        assert set(infos) == {a.client_id, b.client_id}
        assert not infos[a.client_id].enabled
        assert infos[b.client_id].enabled
        assert "secret" not in ClientInfo.model_fields
        with pytest.raises(ClientNotFound):
            service.disable_client(session, "ihc_nope")


def test_provision_client_commits(session_factory: sessionmaker[Session]) -> None:
    creds = provision_client("Demo", session_factory=session_factory)
    assert creds.client_secret.startswith("ihs_")
    assert set(creds.scopes) == service.DEFAULT_CLIENT_SCOPES
    assert creds.client_secret not in repr(creds)
    with session_scope(session_factory) as session:
        assert service.authenticate_client(session, creds.client_id, creds.client_secret)


def test_services_do_not_commit(session_factory: sessionmaker[Session]) -> None:
    session = session_factory()
    try:
        service.create_client(session, "A", ["roster.readonly"])
        session.rollback()
        assert service.list_clients(session) == []
    finally:
        session.close()
