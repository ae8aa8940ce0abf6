"""Client registry logic. Services flush but never commit: the caller's boundary does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from sqlalchemy.orm import Session

from interop_hub.auth.scopes import (
    ALL_SCOPES,
    ROSTER_CORE_READONLY,
    ROSTER_READONLY,
    normalize_scopes,
    parse_scope,
)
from interop_hub.clients import repository
from interop_hub.clients.errors import (
    ClientDisabled,
    ClientNotFound,
    InvalidClientCredentials,
    InvalidClientSpec,
)
from interop_hub.clients.secret_hash import (
    generate_client_id,
    generate_client_secret,
    hash_secret,
    needs_rehash,
    verify_against_dummy,
    verify_secret,
)
from interop_hub.core.clock import utcnow
from interop_hub.models.clients import ApiClient

__all__ = [
    "DEFAULT_CLIENT_SCOPES",
    "allowed_scopes",
    "authenticate_client",
    "client_edorgs",
    "client_edorgs_by_id",
    "create_client",
    "disable_client",
    "get_client",
    "list_clients",
]

DEFAULT_CLIENT_SCOPES: Final = frozenset({ROSTER_CORE_READONLY, ROSTER_READONLY})
"""Granted when no scope is named: rostering reads, but not demographics (data minimisation:
demographics are sensitive and must be asked for explicitly)."""

_NAME_MAX = 255


def create_client(
    session: Session, name: str, scopes: Iterable[str], edorgs: Iterable[int] = ()
) -> tuple[ApiClient, str]:
    """Register a client; return it and its plaintext secret (never stored, never shown again).

    ``scopes`` may be short names (``roster.readonly``) or full URIs; at least one is required.
    ``edorgs``: education organization ids (LEAs, schools...) the client is restricted to in
    the Ed-Fi API; none means unrestricted.
    """
    name = name.strip()
    if not name:
        raise InvalidClientSpec("A client needs a non-empty name.")
    if len(name) > _NAME_MAX:
        raise InvalidClientSpec(f"A client name is at most {_NAME_MAX} characters.")
    allowed = normalize_scopes(scopes)
    if not allowed:
        raise InvalidClientSpec("A client needs at least one scope.")
    granted = sorted(set(edorgs))
    bad = [e for e in granted if isinstance(e, bool) or not 0 < e < 2**63]
    if bad:
        raise InvalidClientSpec(
            f"Education organization ids are positive integers; got {bad[0]!r}."
        )
    secret = generate_client_secret()
    client = ApiClient(
        client_id=generate_client_id(),
        name=name,
        secret_hash=hash_secret(secret),
        scopes=" ".join(sorted(allowed)),
        enabled=True,
        created_at=utcnow(),
    )
    repository.add(session, client)
    repository.add_edorgs(session, client.client_id, granted)
    return client, secret


def client_edorgs(session: Session, client_id: str) -> frozenset[int] | None:
    """The education organizations the client is restricted to; None when it has no grant
    (unrestricted)."""
    granted = repository.edorgs_of(session, client_id)
    return frozenset(granted) if granted else None


def authenticate_client(session: Session, client_id: str, secret: str) -> ApiClient:
    """The enabled client these credentials belong to.

    Raises ``InvalidClientCredentials`` for an unknown id or a wrong secret (the same error and
    the same hashing cost for both), ``ClientDisabled`` only once the secret is proven.
    """
    client = repository.get(session, client_id)
    if client is None:
        verify_against_dummy(secret)
        raise InvalidClientCredentials()
    if not verify_secret(secret, client.secret_hash):
        raise InvalidClientCredentials()
    if not client.enabled:
        raise ClientDisabled()
    if needs_rehash(client.secret_hash):
        client.secret_hash = hash_secret(secret)
    return client


def allowed_scopes(client: ApiClient) -> frozenset[str]:
    """The client's scopes that this hub still knows (a retired scope grants nothing)."""
    return parse_scope(client.scopes) & ALL_SCOPES


def client_edorgs_by_id(session: Session) -> dict[str, list[int]]:
    """client id → granted education organization ids, for clients that have a grant."""
    return repository.edorgs_by_client(session)


def get_client(session: Session, client_id: str) -> ApiClient:
    client = repository.get(session, client_id)
    if client is None:
        raise ClientNotFound(client_id)
    return client


def list_clients(session: Session) -> Sequence[ApiClient]:
    """Every client, oldest first (disabled ones included)."""
    return repository.list_all(session)


def disable_client(session: Session, client_id: str) -> ApiClient:
    """Stop the client from obtaining new tokens (idempotent).

    Tokens are self-contained JWTs, so tokens issued before stay valid until they expire
    (at most ``token_ttl_seconds``).
    """
    client = get_client(session, client_id)
    client.enabled = False
    session.flush()
    return client
