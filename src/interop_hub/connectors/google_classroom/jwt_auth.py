"""Google service-account tokens: the JWT-bearer grant (RFC 7523) as an ``httpx.Auth``.

A Workspace admin grants the service account domain-wide delegation for the Classroom
read-only scopes; the connector then acts as an admin (``subject``). For each token it
signs an assertion with the account's RSA key (RS256, ``kid`` = ``private_key_id``)::

    {"iss": client_email, "sub": subject, "scope": "<scopes, space-separated>",
     "aud": token_uri, "iat": now, "exp": now + 3600}

and posts ``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<jwt>`` to
the key's ``token_uri``. Google answers ``{"access_token", "expires_in", "token_type"}``;
the token is cached until ``margin`` seconds before it expires. Google's refusals are
OAuth error bodies: ``invalid_grant`` (bad signature, clock skew, unknown subject) and
``unauthorized_client`` (delegation not granted for these scopes); both are raised as
``SourceAuthError`` with Google's description. A ``401`` on a cached token fetches a
new token once and replays the request.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from interop_hub.core.errors import SourceAuthError, SourceDataError, SourceUnavailable

__all__ = ["GRANT_TYPE", "ServiceAccountAuth", "ServiceAccountKey"]

GRANT_TYPE: Final = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI: Final = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL)
_LIFETIME: Final = 3600


@dataclass(frozen=True)
class ServiceAccountKey:
    """The parts of a service-account key file (JSON) the grant needs."""

    client_email: str
    private_key: str
    private_key_id: str | None = None
    token_uri: str = GOOGLE_TOKEN_URI

    @classmethod
    def from_json(cls, text: str) -> ServiceAccountKey:
        """Parse a key file; ``ValueError`` names what is wrong (never the key itself)."""
        try:
            info: Any = json.loads(text)
        except ValueError:
            raise ValueError("the service account credentials are not valid JSON") from None
        if not isinstance(info, dict):
            raise ValueError("the service account credentials must be a JSON object")
        if info.get("type") != "service_account":
            raise ValueError(
                f"the credentials are of type {info.get('type')!r}, not 'service_account' "
                "(download a key of the service account, not an OAuth client)"
            )
        missing = [k for k in ("client_email", "private_key") if not info.get(k)]
        if missing:
            raise ValueError(f"the service account key lacks {', '.join(missing)}")
        return cls(
            client_email=str(info["client_email"]),
            private_key=str(info["private_key"]),
            private_key_id=str(info["private_key_id"]) if info.get("private_key_id") else None,
            token_uri=str(info.get("token_uri") or GOOGLE_TOKEN_URI),
        )

    def signing_key(self) -> RSAKey:
        try:
            return RSAKey.import_key(self.private_key)
        except (JoseError, ValueError, TypeError):
            raise ValueError(
                f"the private_key of {self.client_email} is not an RSA private key in PEM"
            ) from None


class ServiceAccountAuth(httpx.Auth):
    """Bearer tokens from the JWT-bearer grant, fetched lazily, cached and renewed."""

    requires_response_body = True

    def __init__(
        self,
        key: ServiceAccountKey,
        *,
        subject: str | None,
        scopes: Sequence[str],
        margin: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        self.subject = subject
        self.scopes = tuple(scopes)
        self.margin = margin
        self.clock = clock
        self._signing_key = key.signing_key()
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self.fetched = 0

    def assertion(self) -> str:
        now = int(self.clock())
        claims: dict[str, Any] = {
            "iss": self.key.client_email,
            "scope": " ".join(self.scopes),
            "aud": self.key.token_uri,
            "iat": now,
            "exp": now + _LIFETIME,
        }
        if self.subject:
            claims["sub"] = self.subject
        header: dict[str, Any] = {"alg": "RS256", "typ": "JWT"}
        if self.key.private_key_id:
            header["kid"] = self.key.private_key_id
        return jwt.encode(header, claims, self._signing_key)

    def _token_request(self) -> httpx.Request:
        return httpx.Request(
            "POST",
            self.key.token_uri,
            data={"grant_type": GRANT_TYPE, "assertion": self.assertion()},
            headers={"Accept": "application/json"},
        )

    def _accept(self, response: httpx.Response) -> None:
        where = self.key.token_uri
        if response.status_code in (400, 401, 403):
            raise SourceAuthError(
                f"the token endpoint {where} refused the service account "
                f"{self.key.client_email}"
                + (f" acting as {self.subject}" if self.subject else "")
                + f" (HTTP {response.status_code}): {_oauth_error(response)}"
            )
        if response.status_code >= 400:
            raise SourceUnavailable(
                f"the token endpoint {where} answered HTTP {response.status_code}"
            )
        try:
            body: Any = response.json()
            token = body["access_token"]
        except (ValueError, KeyError, TypeError):
            raise SourceDataError(
                f"the token endpoint {where} did not return an access_token"
            ) from None
        if not isinstance(token, str) or not token:
            raise SourceDataError(f"the token endpoint {where} returned an empty access_token")
        lifetime = body.get("expires_in")
        seconds = float(lifetime) if isinstance(lifetime, int | float) else float(_LIFETIME)
        self._token = token
        self._expires_at = time.monotonic() + max(seconds - self.margin, 1.0)
        self.fetched += 1

    def _valid(self) -> bool:
        return self._token is not None and time.monotonic() < self._expires_at

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


def _oauth_error(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict) and "error" in body:
        description = body.get("error_description")
        return f"{body['error']}: {description}" if description else str(body["error"])
    return response.text[:300]
