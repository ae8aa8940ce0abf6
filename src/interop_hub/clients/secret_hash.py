"""Client secrets: generation, and salted scrypt hashes in a versioned, self-describing format.

A stored hash looks like ``$scrypt$v=1$ln=14,r=8,p=1$<salt>$<key>`` (salt and derived key in
unpadded standard base64), so the cost parameters can be raised later without breaking existing
rows: ``verify_secret`` reads them from the string and ``needs_rehash`` tells the caller when a
row should be upgraded after a successful login. Comparisons are constant-time. Nothing here logs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from functools import cache

__all__ = [
    "generate_client_id",
    "generate_client_secret",
    "hash_secret",
    "needs_rehash",
    "verify_against_dummy",
    "verify_secret",
]

_SCHEME = "scrypt"
_VERSION = 1
# scrypt cost: N = 2**14, r = 8, p = 1 (16 MiB, tens of milliseconds; RFC 7914 / OWASP floor).
_LOG2_N = 14
_R = 8
_P = 1
_SALT_BYTES = 16
_KEY_BYTES = 32
_MAXMEM = 64 * 1024 * 1024
# Each derivation holds 16 MiB: bound how many run at once per process (the token endpoint
# hashes in the thread pool, which would otherwise allow ~40 concurrent derivations).
_KDF_SLOTS = threading.BoundedSemaphore(4)

CLIENT_ID_PREFIX = "ihc_"
CLIENT_SECRET_PREFIX = "ihs_"  # noqa: S105 (a public prefix, not a secret)


@dataclass(frozen=True)
class _Params:
    log2_n: int
    r: int
    p: int
    salt: bytes
    key: bytes


def generate_client_id() -> str:
    """A random, non-guessable client id (128 bits), recognisable by its ``ihc_`` prefix."""
    return CLIENT_ID_PREFIX + secrets.token_urlsafe(16)


def generate_client_secret() -> str:
    """A random client secret (256 bits), recognisable by secret scanners by its ``ihs_`` prefix."""
    return CLIENT_SECRET_PREFIX + secrets.token_urlsafe(32)


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _derive(secret: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    with _KDF_SLOTS:
        return hashlib.scrypt(
            secret.encode("utf-8"),
            salt=salt,
            n=1 << log2_n,
            r=r,
            p=p,
            maxmem=_MAXMEM,
            dklen=_KEY_BYTES,
        )


def hash_secret(secret: str) -> str:
    """A fresh salted hash of ``secret`` in the current format."""
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _derive(secret, salt, _LOG2_N, _R, _P)
    return (
        f"${_SCHEME}$v={_VERSION}$ln={_LOG2_N},r={_R},p={_P}${_b64encode(salt)}${_b64encode(key)}"
    )


def _parse(stored: str) -> _Params | None:
    parts = stored.split("$")
    # ["", "scrypt", "v=1", "ln=14,r=8,p=1", salt, key]
    if len(parts) != 6 or parts[0] or parts[1] != _SCHEME or parts[2] != f"v={_VERSION}":
        return None
    try:
        fields = dict(item.split("=", 1) for item in parts[3].split(","))
        params = _Params(
            log2_n=int(fields["ln"]),
            r=int(fields["r"]),
            p=int(fields["p"]),
            salt=_b64decode(parts[4]),
            key=_b64decode(parts[5]),
        )
    except (KeyError, ValueError, binascii.Error):
        return None
    if not (1 <= params.log2_n <= 20 and 1 <= params.r <= 32 and 1 <= params.p <= 16):
        return None
    return params


def verify_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches ``stored``; ``False`` for a malformed or unknown format."""
    params = _parse(stored)
    if params is None:
        return False
    try:
        candidate = _derive(secret, params.salt, params.log2_n, params.r, params.p)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(candidate, params.key)


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with other parameters than the current ones."""
    params = _parse(stored)
    return params is None or (params.log2_n, params.r, params.p) != (_LOG2_N, _R, _P)


@cache
def _dummy_hash() -> str:
    return hash_secret(secrets.token_urlsafe(32))


def verify_against_dummy(secret: str) -> None:
    """Spend the same time as a real verification (for unknown client ids), so response
    timing does not reveal which client ids exist."""
    verify_secret(secret, _dummy_hash())
