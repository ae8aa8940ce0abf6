"""Errors of the client registry (part of the ``HubError`` tree in ``core.errors``).

    InvalidRequest
    └── InvalidClientSpec        (bad name or scope list at creation)
    NotFound
    └── ClientNotFound
    Unauthorized
    └── ClientAuthenticationError
        ├── InvalidClientCredentials  (unknown client_id or wrong secret: indistinguishable)
        └── ClientDisabled            (right secret, but the client is disabled)

Unknown scope names raise ``interop_hub.auth.scopes.UnknownScopeError`` (an InvalidRequest).
"""

from __future__ import annotations

from interop_hub.core.errors import InvalidRequest, NotFound, Unauthorized

__all__ = [
    "ClientAuthenticationError",
    "ClientDisabled",
    "ClientNotFound",
    "InvalidClientCredentials",
    "InvalidClientSpec",
]


class InvalidClientSpec(InvalidRequest):
    pass


class ClientNotFound(NotFound):
    def __init__(self, client_id: str) -> None:
        super().__init__(f"No API client with client_id {client_id!r}.")
        self.client_id = client_id


class ClientAuthenticationError(Unauthorized):
    pass


class InvalidClientCredentials(ClientAuthenticationError):
    def __init__(self) -> None:
        super().__init__("Client authentication failed: unknown client_id or wrong client_secret.")


class ClientDisabled(ClientAuthenticationError):
    def __init__(self) -> None:
        super().__init__("The client is disabled; ask the hub administrator to re-enable it.")
