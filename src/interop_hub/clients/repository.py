"""SQL for ``api_clients``. No business rules here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from interop_hub.models.clients import ApiClient

__all__ = ["add", "get", "list_all"]

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
