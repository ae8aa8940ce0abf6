"""Wire shapes of the token endpoint (used for parsing docs and the OpenAPI document)."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, Field

__all__ = ["TOKEN_PATH", "OAuthErrorBody", "TokenRequestForm", "TokenResponse"]

TOKEN_PATH: Final = "/oauth/token"  # noqa: S105 (a URL path, not a secret)


class TokenRequestForm(BaseModel):
    """``application/x-www-form-urlencoded`` body of ``POST /oauth/token``.

    Every field is optional here so that a malformed request is answered by the OAuth server
    with an RFC 6749 error rather than by FastAPI's validation error.
    """

    grant_type: str | None = Field(
        default=None,
        description="Must be `client_credentials`.",
        examples=["client_credentials"],
    )
    scope: str | None = Field(
        default=None,
        description="Space-separated scope URIs (or short names such as "
        "`roster-core.readonly`). Optional: omitted means every scope the client is allowed. "
        "Must be a subset of the client's allowed scopes.",
        examples=["https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"],
    )
    client_id: str | None = Field(
        default=None,
        description="Only for `client_secret_post`; prefer HTTP Basic "
        "(`Authorization: Basic base64(client_id:client_secret)`).",
    )
    client_secret: str | None = Field(default=None, description="Only for `client_secret_post`.")


class TokenResponse(BaseModel):
    access_token: str = Field(description="A signed JWT; send it as `Authorization: Bearer`.")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int = Field(description="Lifetime in seconds.")
    scope: str = Field(description="Space-separated scope URIs granted.")


class OAuthErrorBody(BaseModel):
    """RFC 6749 §5.2 error response."""

    error: Literal[
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "insecure_transport",
    ]
    error_description: str | None = None
