"""Signed JWT access tokens (HS256 via joserfc, the maintained successor of authlib.jose)."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import OctKey

from interop_hub.auth.scopes import parse_scope
from interop_hub.config import Settings
from interop_hub.core.errors import Unauthorized

__all__ = ["AccessToken", "TokenClaims", "issue_token", "load_signing_key", "verify_token"]

_ISSUER = "interop-hub"
_AUDIENCE = "interop-hub-api"
_CLAIMS = jwt.JWTClaimsRegistry(
    iss={"essential": True, "value": _ISSUER},
    aud={"essential": True, "value": _AUDIENCE},
    sub={"essential": True},
    exp={"essential": True},
    leeway=0,
)


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int
    scope: str


@dataclass(frozen=True)
class TokenClaims:
    client_id: str
    scopes: frozenset[str]
    expires_at: int
    edorgs: frozenset[int] | None = None  # granted education organizations; None: all


def load_signing_key(settings: Settings) -> bytes:
    """The configured secret, or a random key generated once into ``data_dir`` (mode 0600)."""
    if settings.jwt_secret:
        return settings.jwt_secret.encode()
    path = Path(settings.data_dir) / "jwt.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def issue_token(
    key: bytes,
    client_id: str,
    scopes: frozenset[str],
    ttl: int,
    edorgs: Iterable[int] | None = None,
) -> AccessToken:
    """A signed token; ``edorgs`` (the client's granted education organization ids) becomes
    the ``edorgs`` claim, which restricts the Ed-Fi API (absent: unrestricted)."""
    now = int(time.time())
    scope = " ".join(sorted(scopes))
    claims = {
        "iss": _ISSUER,
        "aud": _AUDIENCE,
        "sub": client_id,
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
        "scope": scope,
    }
    if edorgs is not None:
        claims["edorgs"] = sorted(set(edorgs))
    token = jwt.encode({"alg": "HS256", "typ": "JWT"}, claims, OctKey.import_key(key))
    return AccessToken(token=token, expires_in=ttl, scope=scope)


# Verified tokens, keyed by (signing key, token string). A client sends the same token on
# every request until it expires, and checking the HS256 signature and the claims costs
# more than the rest of the authentication. Only tokens that passed every check are kept;
# a hit is re-checked for expiry (``exp``, no leeway, as ``_CLAIMS``), so an expired token
# is refused exactly as without the cache. Nothing else about a token can change: it is
# self-contained (its scopes and ed-org grant are claims), and the hub has no revocation
# list. Bounded (oldest entries dropped first); dict operations are atomic under the GIL.
_VERIFIED: dict[tuple[bytes, str], TokenClaims] = {}
_VERIFIED_MAX: Final = 4096


def verify_token(key: bytes, token: str) -> TokenClaims:
    """Decode and validate a bearer token; raise ``Unauthorized`` with a precise reason."""
    cached = _VERIFIED.get((key, token))
    if cached is not None and time.time() <= cached.expires_at:
        return cached
    claims = _verify(key, token)
    if len(_VERIFIED) >= _VERIFIED_MAX:
        try:
            del _VERIFIED[next(iter(_VERIFIED))]
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            pass
    _VERIFIED[(key, token)] = claims
    return claims


def _verify(key: bytes, token: str) -> TokenClaims:
    try:
        decoded = jwt.decode(token, OctKey.import_key(key), algorithms=["HS256"])
        _CLAIMS.validate(decoded.claims)
    except ExpiredTokenError as exc:
        raise Unauthorized("The access token has expired.") from exc
    except (JoseError, ValueError) as exc:
        raise Unauthorized("The access token is invalid.") from exc
    claims = decoded.claims
    return TokenClaims(
        client_id=str(claims["sub"]),
        scopes=parse_scope(str(claims.get("scope", ""))),
        expires_at=int(claims["exp"]),
        edorgs=_edorgs_claim(claims.get("edorgs")),
    )


def _edorgs_claim(value: object) -> frozenset[int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise Unauthorized("The access token is invalid.")
    return frozenset(value)
