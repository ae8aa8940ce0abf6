"""``POST /edfi/oauth/token``: the hub's OAuth 2.0 client-credentials server for Ed-Fi clients.

Same client registry, grant and signed tokens as ``/oauth/token``; the Ed-Fi difference is
that credentials may also come as a JSON body (``{"grant_type": "client_credentials",
"client_id": ..., "client_secret": ...}``), as the ODS/API accepts. The JSON is turned into
the equivalent form and handed to the same authorization server.
"""

from __future__ import annotations

from typing import Any

import orjson
from authlib.oauth2.rfc6749.errors import InsecureTransportError, InvalidRequestError
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from interop_hub.auth.oauth_request import StarletteOAuth2Request
from interop_hub.auth.schemas import OAuthErrorBody, TokenResponse
from interop_hub.auth.server import HubAuthorizationServer
from interop_hub.core.db import DbSession

__all__ = ["router"]

router = APIRouter(prefix="/edfi", tags=["Ed-Fi discovery"])

_FORM = "application/x-www-form-urlencoded"


async def _form(request: Request) -> FormData | None:
    """The request's parameters as a form; None when a JSON body is not an object."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        return await request.form()
    try:
        data: Any = orjson.loads(await request.body() or b"{}")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    return FormData([(str(k), str(v)) for k, v in data.items() if v is not None])


@router.post(
    "/oauth/token",
    summary="Get an access token for the Ed-Fi API (OAuth 2.0 client credentials)",
    description=(
        "Client-credentials grant as the Ed-Fi ODS/API takes it: HTTP Basic credentials, or "
        "`client_id` and `client_secret` in a form or JSON body, with "
        "`grant_type=client_credentials`. Grant Ed-Fi access with the scopes `edfi.read` "
        "and `edfi.write`."
    ),
    response_model=TokenResponse,
    responses={400: {"model": OAuthErrorBody}, 401: {"model": OAuthErrorBody}},
    openapi_extra={
        "requestBody": {
            "content": {
                _FORM: {"schema": {"$ref": "#/components/schemas/TokenRequestForm"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/TokenRequestForm"}},
            }
        }
    },
)
async def edfi_token(request: Request, session: DbSession) -> Response:
    settings = request.app.state.settings
    server = HubAuthorizationServer(
        session, request.app.state.signing_key, settings.token_ttl_seconds
    )
    form = await _form(request)
    try:
        oauth_request = StarletteOAuth2Request(request, form or FormData())
    except InsecureTransportError as error:
        error.description = (
            "The token endpoint requires HTTPS (client secrets must not travel in clear text)."
        )
        return server.handle_error_response(None, error)  # type: ignore[no-any-return]
    if form is None:
        invalid = InvalidRequestError(description="The JSON request body must be an object.")
        return server.handle_error_response(oauth_request, invalid)  # type: ignore[no-any-return]
    oauth_request.content_type = _FORM  # JSON credentials were converted to form fields
    response: Response = await run_in_threadpool(server.create_token_response, oauth_request)
    return response
