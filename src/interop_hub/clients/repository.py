"""SQL for ``api_clients`` and their ed-org grants (``api_client_edorgs``). No business rules
here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from interop_hub.models.clients import ApiClient
from interop_hub.models.edorgs import ApiClientEdorg

__all__ = ["add", "add_edorgs", "edorgs_by_client", "edorgs_of", "get", "list_all"]

_CLIENT_ID_MAX = 64  # api_clients.client_id is String(64)


def get(session: Session, client_id: str) -> ApiClient | None:
    if not client_id or len(client_id) > _CLIENT_ID_MAX:
        return None
    return session.get(ApiClient, client_id)


def add(session: Session, client: ApiClient) -> ApiClient:
    session.add(client)
    session.flush()
    return client


def list_all(session: Session) -> Sequence[ApiClient]:
    stmt = select(ApiClient).order_by(ApiClient.created_at, ApiClient.client_id)
    return session.scalars(stmt).all()


def add_edorgs(session: Session, client_id: str, edorgs: Iterable[int]) -> None:
    rows = [{"client_id": client_id, "education_organization_id": e} for e in sorted(set(edorgs))]
    if rows:
        session.execute(insert(ApiClientEdorg), rows)


def edorgs_of(session: Session, client_id: str) -> list[int]:
    stmt = (
        select(ApiClientEdorg.education_organization_id)
        .where(ApiClientEdorg.client_id == client_id)
        .order_by(ApiClientEdorg.education_organization_id)
    )
    return [int(v) for v in session.execute(stmt).scalars()]


def edorgs_by_client(session: Session) -> dict[str, list[int]]:
    stmt = select(ApiClientEdorg.client_id, ApiClientEdorg.education_organization_id).order_by(
        ApiClientEdorg.client_id, ApiClientEdorg.education_organization_id
    )
    found: dict[str, list[int]] = {}
    for client_id, edorg in session.execute(stmt):
        found.setdefault(client_id, []).append(int(edorg))
    return found
