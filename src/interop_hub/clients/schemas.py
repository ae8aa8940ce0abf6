"""Wire shapes of the client registry (CLI JSON output, admin API, the demo helper)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from interop_hub.models.clients import ApiClient

__all__ = ["ClientInfo", "NewClientCredentials"]


class ClientInfo(BaseModel):
    """A registered client, never with its secret."""

    model_config = ConfigDict(frozen=True)

    client_id: str
    name: str
    scopes: list[str] = Field(description="Allowed scope URIs.")
    enabled: bool
    created_at: datetime
    education_organization_ids: list[int] = Field(
        default_factory=list,
        description="Ed-Fi education organizations the client is restricted to "
        "(empty: unrestricted).",
    )

    @classmethod
    def from_model(cls, client: ApiClient, edorgs: list[int] | None = None) -> ClientInfo:
        return cls(
            client_id=client.client_id,
            name=client.name,
            scopes=sorted(client.scopes.split()),
            enabled=client.enabled,
            created_at=client.created_at,
            education_organization_ids=sorted(edorgs or ()),
        )


class NewClientCredentials(BaseModel):
    """What creating a client returns: the only time the plaintext secret exists."""

    model_config = ConfigDict(frozen=True)

    client_id: str
    client_secret: str = Field(repr=False)
    name: str
    scopes: list[str]
    education_organization_ids: list[int] = Field(default_factory=list)
