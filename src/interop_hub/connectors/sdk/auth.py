"""Authenticators for connector HTTP clients, as ``httpx.Auth`` flows.

* ``BearerToken``: a static token (Clever district tokens, Canvas access tokens).
* ``httpx.BasicAuth``: used as is.
* ``OAuth2ClientCredentials``: the client-credentials grant (RFC 6749 §4.4) with the
  secret sent by HTTP Basic or in the form; the token is cached until shortly before it
  expires, and a ``401`` on a cached token fetches a new one once and replays the request.
* ``OAuth1Signature``: OAuth 1.0a signed requests without a token (two-legged), as
  OneRoster 1.1 providers such as ClassLink require; HMAC-SHA256 by default (the 1.1
  security profile), HMAC-SHA1 on request. Signing is authlib's ``ClientAuth``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Generator
from typing import Any, Final
from urllib.parse import quote

import httpx
from authlib.oauth1.rfc5849.client_auth import ClientAuth
from authlib.oauth1.rfc5849.signature import generate_signature_base_string

from interop_hub.core.errors import SourceAuthError, SourceDataError, SourceUnavailable

__all__ = ["BearerToken", "OAuth1Signature", "OAuth2ClientCredentials"]


class BearerToken(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


class OAuth2ClientCredentials(httpx.Auth):
    """Client-credentials tokens, fetched lazily, cached and refreshed.

    ``method`` is ``client_secret_basic`` (default) or ``client_secret_post``. A token is
    renewed ``margin`` seconds before ``expires_in`` runs out (or after an hour when the
    server gives no usable ``expires_in``; some servers send it as a string). ``clock``
    is injectable for tests."""

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        method: str = "client_secret_basic",
        margin: float = 60.0,
        extra: dict[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if method not in ("client_secret_basic", "client_secret_post"):
            raise ValueError(f"unsupported token endpoint auth method {method!r}")
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.method = method
        self.margin = margin
        self.extra = extra or {}
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self._clock = clock
        self.fetched = 0

    def _token_request(self) -> httpx.Request:
        form = {"grant_type": "client_credentials", **self.extra}
        if self.scope:
            form["scope"] = self.scope
        headers = {"Accept": "application/json"}
        if self.method == "client_secret_post":
            form |= {"client_id": self.client_id, "client_secret": self.client_secret}
        else:
            pair = f"{self.client_id}:{self.client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        return httpx.Request("POST", self.token_url, data=form, headers=headers)

    def _accept(self, response: httpx.Response) -> None:
        if response.status_code in (400, 401, 403):
            raise SourceAuthError(
                f"the token endpoint {self.token_url} rejected the client credentials "
                f"(HTTP {response.status_code}): {response.text[:300]}"
            )
        if response.status_code >= 400:
            raise SourceUnavailable(
                f"the token endpoint {self.token_url} answered HTTP {response.status_code}"
            )
        try:
            body: Any = response.json()
            token = body["access_token"]
        except (ValueError, KeyError, TypeError):
            raise SourceDataError(
                f"the token endpoint {self.token_url} did not return an access_token"
            ) from None
        if not isinstance(token, str) or not token:
            raise SourceDataError(f"the token endpoint {self.token_url} returned an empty token")
        lifetime = body.get("expires_in") if isinstance(body, dict) else None
        try:
            seconds = float(lifetime) if isinstance(lifetime, int | float | str) else 3600.0
        except ValueError:
            seconds = 3600.0
        self._token = token
        self._expires_at = self._clock() + max(seconds - self.margin, 1.0)
        self.fetched += 1

    def _valid(self) -> bool:
        return self._token is not None and self._clock() < self._expires_at

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        fresh = False
        if not self._valid():
            response = yield self._token_request()
            self._accept(response)
            fresh = True
        request.headers["Authorization"] = f"Bearer {self._token}"
        response = yield request
        if response.status_code == 401 and not fresh:
            # The cached token was revoked or expired early: one new token, one replay.
            token_response = yield self._token_request()
            self._accept(token_response)
            request.headers["Authorization"] = f"Bearer {self._token}"
            yield request


def _hmac_sha256(client: Any, request: Any) -> str:
    base = generate_signature_base_string(request)
    key = f"{_escape(client.client_secret or '')}&{_escape(client.token_secret or '')}"
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _escape(value: str) -> str:
    return quote(value, safe="~")


_HMAC_SHA256: Final = "HMAC-SHA256"
ClientAuth.register_signature_method(_HMAC_SHA256, _hmac_sha256)


class OAuth1Signature(httpx.Auth):
    """Two-legged OAuth 1.0a: every request is signed with the consumer key and secret.

    ``placement`` is ``header`` (an ``Authorization: OAuth ...`` header, the default) or
    ``query`` (the oauth_* parameters in the query string, as some 1.1 providers expect).
    """

    def __init__(
        self,
        client_key: str,
        client_secret: str,
        *,
        signature_method: str = _HMAC_SHA256,
        placement: str = "header",
    ) -> None:
        if signature_method not in (_HMAC_SHA256, "HMAC-SHA1"):
            raise ValueError(f"unsupported OAuth 1.0a signature method {signature_method!r}")
        if placement not in ("header", "query"):
            raise ValueError(f"OAuth 1.0a placement is header or query, not {placement!r}")
        self._client = ClientAuth(
            client_key,
            client_secret,
            signature_method=signature_method,
            signature_type="QUERY" if placement == "query" else "HEADER",
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = {k: v for k, v in request.headers.items() if k.lower() == "content-type"}
        url, signed, _ = self._client.sign(request.method, str(request.url), headers, b"")
        request.url = httpx.URL(url)
        if "Authorization" in signed:
            request.headers["Authorization"] = signed["Authorization"]
        yield request
