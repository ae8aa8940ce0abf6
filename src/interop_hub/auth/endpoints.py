"""``POST /oauth/token``: the OAuth 2.0 client-credentials token endpoint (thin)."""

from __future__ import annotations

from typing import Annotated, Any

from authlib.oauth2.rfc6749.errors import InsecureTransportError
from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from interop_hub.auth.oauth_request import StarletteOAuth2Request
from interop_hub.auth.schemas import TOKEN_PATH, OAuthErrorBody, TokenRequestForm, TokenResponse
from interop_hub.auth.server import HubAuthorizationServer
from interop_hub.core.db import DbSession

__all__ = ["router"]

router = APIRouter(tags=["auth"])

_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "model": OAuthErrorBody,
        "description": "invalid_request, unsupported_grant_type, invalid_scope or "
        "unauthorized_client (RFC 6749 §5.2).",
    },
    401: {
        "model": OAuthErrorBody,
        "description": "invalid_client: unknown client, wrong secret, disabled client or no "
        "credentials. Carries `WWW-Authenticate: Basic`.",
    },
}


@router.post(
    TOKEN_PATH,
    summary="Get an access token (OAuth 2.0 client credentials)",
    description=(
        "RFC 6749 §4.4 client-credentials grant, as the 1EdTech Security Framework requires "
        "for OneRoster 1.2. Authenticate the client with HTTP Basic "
        "(`client_secret_basic`, preferred) or with `client_id` and `client_secret` form "
        "fields (`client_secret_post`). The returned bearer token is a signed JWT valid for "
        "`expires_in` seconds; send it as `Authorization: Bearer <token>`."
    ),
    response_model=TokenResponse,
    responses=_ERROR_RESPONSES,
)
async def token(
    request: Request,
    session: DbSession,
    form: Annotated[TokenRequestForm, Form()],
) -> Response:
    # ``form`` documents the body in OpenAPI; authlib reads the raw form (already parsed and
    # cached by FastAPI), where repeated parameters remain detectable.
    del form
    server = HubAuthorizationServer(
        session, request.app.state.signing_key, request.app.state.settings.token_ttl_seconds
    )
    raw_form = await request.form()
    try:
        oauth_request = StarletteOAuth2Request(request, raw_form)
    except InsecureTransportError as error:
        error.description = (
            "The token endpoint requires HTTPS (client secrets must not travel in clear text)."
        )
        return server.handle_error_response(None, error)  # type: ignore[no-any-return]
    # Client authentication runs scrypt and the database: keep it off the event loop.
    response: Response = await run_in_threadpool(server.create_token_response, oauth_request)
    return response
