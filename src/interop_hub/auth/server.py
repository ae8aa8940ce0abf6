"""The OAuth 2.0 authorization server: authlib's RFC 6749 machinery on Starlette.

authlib ships server integrations for Flask and Django only, so the hub supplies the small
framework adapter authlib asks integrators to write: ``oauth_request.StarletteOAuth2Request``
(an ``OAuth2Request`` over an already-parsed Starlette form) and, here,
``HubAuthorizationServer`` (``create_oauth2_request``/``handle_response``/``send_signal``,
client lookup, token generation). The grant is authlib's ``ClientCredentialsGrant``; authlib
owns grant dispatch, ``unsupported_grant_type``, client-authentication dispatch and the
RFC 6749 §5.2 error bodies and headers (``Cache-Control: no-store``,
``WWW-Authenticate: Basic`` on 401).

Hub-specific decisions:

* One server per request (construction is a few dict inserts), bound to that request's
  database session, so no mutable state is shared between requests or workers.
* Client authentication (``client_secret_basic`` and ``client_secret_post``) is registered
  as authlib auth methods that call ``clients.service.authenticate_client`` (scrypt hashes,
  constant-time comparison). Every failure is ``invalid_client`` with HTTP 401 and
  ``WWW-Authenticate: Basic``, whichever method was used (RFC 6749 §5.2 allows 401 always;
  authlib alone would answer 400 for a form-posted unknown client).
* Sending credentials by both methods, repeating a parameter or omitting ``grant_type`` is
  ``invalid_request`` (RFC 6749 §2.3 and §3.2); authlib does not check these for the token
  endpoint.
* Scope: omitted or empty means every scope the client is allowed; otherwise it must be a
  subset of them (``invalid_scope`` naming the offending scopes). Short names such as
  ``roster.readonly`` are accepted and expanded; the response always lists full URIs.
  OneRoster 1.1 scope URIs are granted to clients that hold the 1.2 equivalent.
* Tokens are the stateless JWTs of ``auth.tokens`` (nothing to save), no refresh tokens. A
  client granted education organizations (``api_client_edorgs``) gets them as the ``edorgs``
  claim, read by the Ed-Fi authorization (``edfi.authorization``) without a lookup.
* Transport: authlib refuses plain ``http`` except for loopback hosts (RFC 6749 §2.3.1 requires
  TLS for client secrets). Behind a TLS-terminating proxy, run uvicorn with proxy headers
  (``FORWARDED_ALLOW_IPS``) so the request URL is ``https``; ``AUTHLIB_INSECURE_TRANSPORT=1``
  disables the check for development only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Error,
    UnauthorizedClientError,
    UnsupportedGrantTypeError,
)
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse, Response

from interop_hub.auth.oauth_request import StarletteOAuth2Request
from interop_hub.auth.scopes import (
    ALL_SCOPES,
    V1P1_EQUIVALENTS,
    UnknownScopeError,
    expand_scope,
    short_scope,
)
from interop_hub.auth.tokens import issue_token
from interop_hub.clients import repository, service
from interop_hub.clients.errors import ClientAuthenticationError
from interop_hub.models.clients import ApiClient

__all__ = ["HubAuthorizationServer", "OAuthClient"]

log = logging.getLogger("interop_hub.auth")

_GRANT_TYPE = "client_credentials"
_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
_SINGLE_VALUED = ("grant_type", "scope", "client_id", "client_secret")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class OAuthClient(ClientMixin):  # type: ignore[misc]  # authlib is untyped
    """What authlib sees of an authenticated ``api_clients`` row."""

    client_id: str
    allowed_scopes: frozenset[str]
    edorgs: frozenset[int] | None = None  # the Ed-Fi ed-org grant, None: unrestricted

    def get_client_id(self) -> str:
        return self.client_id

    def get_allowed_scope(self, scope: str | None) -> str:
        return " ".join(sorted(_granted_scopes(self, scope)))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in _AUTH_METHODS

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == _GRANT_TYPE

    def check_client_secret(self, client_secret: str) -> bool:
        # Secrets are verified by clients.service in the registered auth methods.
        return False


def _granted_scopes(client: OAuthClient, requested: str | None) -> frozenset[str]:
    """The scopes a token gets; raise ``InvalidScopeError`` unless ``requested`` is allowed.

    Each requested name is a 1.2 scope (URI or short name), checked against the client's
    allowed scopes, or a OneRoster 1.1 scope URI, granted as asked when the client holds its
    1.2 equivalent.
    """
    if requested is None or not requested.strip():
        return client.allowed_scopes
    wanted: set[str] = set()
    refused: set[str] = set()
    unknown: list[str] = []
    for name in requested.split():
        try:
            uri = name if name in V1P1_EQUIVALENTS else expand_scope(name)
        except UnknownScopeError:
            unknown.append(name)
            continue
        wanted.add(uri)
        if V1P1_EQUIVALENTS.get(uri, uri) not in client.allowed_scopes:
            refused.add(uri)
    if unknown:
        raise InvalidScopeError(description=_describe(UnknownScopeError(unknown).message))
    if refused:
        allowed = " ".join(sorted(short_scope(s) for s in client.allowed_scopes))
        raise InvalidScopeError(
            description=f"The client is not allowed scope "
            f"{' '.join(sorted(refused))}; its allowed scopes are: {allowed}."
        )
    return frozenset(wanted)


class HubClientCredentialsGrant(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = list(_AUTH_METHODS)

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        """authlib's implementation minus its debug log line, which prints the access token."""
        token = self.generate_token(scope=self.request.payload.scope, include_refresh_token=False)
        self.save_token(token)
        return 200, token, list(self.TOKEN_RESPONSE_HEADER)

    def validate_requested_scope(self) -> None:
        client: OAuthClient = self.request.client
        if not client.allowed_scopes:
            raise UnauthorizedClientError(
                description="The client has no scope this hub still supports; "
                "ask the hub administrator to update it."
            )
        _granted_scopes(client, self.request.payload.scope)


class HubAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """authlib's ``AuthorizationServer`` bound to one request's database session."""

    def __init__(self, session: Session, signing_key: bytes, token_ttl: int) -> None:
        super().__init__(scopes_supported=sorted(ALL_SCOPES | V1P1_EQUIVALENTS.keys()))
        self._session = session
        self._signing_key = signing_key
        self._token_ttl = token_ttl
        self.register_grant(HubClientCredentialsGrant)
        self.register_token_generator("default", self._generate_token)
        self.register_client_auth_method("client_secret_basic", self._authenticate_basic)
        self.register_client_auth_method("client_secret_post", self._authenticate_post)

    # -- authlib integration hooks ------------------------------------------------------

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        raise TypeError("pass a StarletteOAuth2Request")

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]] | Mapping[str, str]
    ) -> Response:
        items = headers.items() if isinstance(headers, Mapping) else headers
        extra = {k: v for k, v in items if k.lower() != "content-type"}
        return JSONResponse(body, status_code=status, headers=extra)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """authlib's signal hook; the hub has no listeners."""

    def query_client(self, client_id: str) -> OAuthClient | None:
        row = repository.get(self._session, client_id)
        if row is None or not row.enabled:
            return None
        return self._oauth_client(row)

    def _oauth_client(self, row: ApiClient) -> OAuthClient:
        return OAuthClient(
            row.client_id,
            service.allowed_scopes(row),
            service.client_edorgs(self._session, row.client_id),
        )

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Tokens are self-contained signed JWTs: nothing to store."""

    # -- the token endpoint -------------------------------------------------------------

    def create_token_response(self, request: Any = None) -> Response:
        oauth_request = self.create_oauth2_request(request)
        try:
            _check_token_request(oauth_request)
        except OAuth2Error as error:
            error_response: Response = self.handle_error_response(oauth_request, error)
            return error_response
        response: Response = super().create_token_response(oauth_request)
        return response

    def get_token_grant(self, request: OAuth2Request) -> HubClientCredentialsGrant:
        try:
            grant: HubClientCredentialsGrant = super().get_token_grant(request)
        except UnsupportedGrantTypeError as error:
            error.description = _describe(
                f"grant_type {error.grant_type} is not supported; use client_credentials."
            )
            raise
        return grant

    def authenticate_client(
        self, request: OAuth2Request, methods: list[str], endpoint: str = "token"
    ) -> OAuthClient:
        data = request.payload.data
        uses_basic = _authorization_scheme(request) == "basic"
        if uses_basic and ("client_secret" in data or "client_id" in data):
            raise InvalidRequestError(
                description="Use one client authentication method: HTTP Basic or "
                "client_id/client_secret form fields, not both."
            )
        if not uses_basic and not data.get("client_id"):
            raise InvalidClientError(
                status_code=401,
                description="Client authentication required: send HTTP Basic credentials "
                "(client_id:client_secret) or client_id and client_secret form fields.",
            )
        client: OAuthClient = super().authenticate_client(request, methods, endpoint)
        return client

    def _authenticate_basic(self, _query_client: Any, request: OAuth2Request) -> OAuthClient | None:
        if _authorization_scheme(request) != "basic":
            return None
        client_id, secret = extract_basic_authorization(request.headers)
        if not client_id or not secret:
            raise InvalidClientError(
                status_code=401,
                description="Malformed HTTP Basic credentials: expected "
                "base64(client_id:client_secret).",
            )
        return self._authenticate(client_id, secret)

    def _authenticate_post(self, _query_client: Any, request: OAuth2Request) -> OAuthClient | None:
        data = request.payload.data
        client_id, secret = data.get("client_id"), data.get("client_secret")
        if not client_id:
            return None
        if not secret:
            raise InvalidClientError(
                status_code=401,
                description="client_secret_post needs both client_id and client_secret.",
            )
        return self._authenticate(client_id, secret)

    def _authenticate(self, client_id: str, secret: str) -> OAuthClient:
        try:
            row = service.authenticate_client(self._session, client_id, secret)
        except ClientAuthenticationError as exc:
            log.info("token request rejected: %s", exc.message)
            raise InvalidClientError(status_code=401, description=exc.message) from exc
        return self._oauth_client(row)

    def _generate_token(
        self,
        grant_type: str,
        client: OAuthClient,
        user: Any = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        scopes = _granted_scopes(client, scope)
        token = issue_token(
            self._signing_key, client.client_id, scopes, self._token_ttl, client.edorgs
        )
        log.info("issued token to client %s for scope %s", client.client_id, token.scope)
        return {
            "access_token": token.token,
            "token_type": "bearer",
            "expires_in": token.expires_in,
            "scope": token.scope,
        }


def _describe(text: str, limit: int = 400) -> str:
    """``text`` made safe for ``error_description``, which may echo client input: RFC 6749
    §5.2 allows only printable ASCII without ``"`` and ``\\`` (authlib enforces it)."""
    safe = "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in text)
    return safe if len(safe) <= limit else safe[: limit - 3] + "..."


def _authorization_scheme(request: OAuth2Request) -> str:
    header: str = request.headers.get("Authorization") or ""
    return header.partition(" ")[0].lower()


def _check_token_request(request: StarletteOAuth2Request) -> None:
    """RFC 6749 checks authlib leaves to the integrator for the token endpoint."""
    media_type = request.content_type.partition(";")[0].strip().lower()
    if media_type not in _FORM_TYPES:
        raise InvalidRequestError(
            description="The token request body must be application/x-www-form-urlencoded."
        )
    for name in _SINGLE_VALUED:
        if len(request.payload.datalist.get(name, ())) > 1:
            raise InvalidRequestError(description=f"Parameter {name} was sent more than once.")
    if not request.payload.grant_type:
        raise InvalidRequestError(
            description="Missing grant_type; send grant_type=client_credentials."
        )
