"""Encryption of secrets at rest (connector credentials): Fernet from ``cryptography``.

Fernet (AES-128-CBC + HMAC-SHA256, with a timestamp) is a well-reviewed construction; we
do not compose primitives ourselves. The key comes from ``INTEROP_HUB_SECRETS_KEY`` or
the file ``<data_dir>/secrets.key``; without either, storing or reading a secret fails
with ``SecretsKeyMissing`` saying how to create one. Rotating keys: a
``MultiFernet`` can be introduced here without touching callers.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from interop_hub.config import Settings
from interop_hub.core.errors import HubError

__all__ = ["SecretBox", "SecretsKeyMissing", "generate_key_file", "secret_box"]


class SecretsKeyMissing(HubError):
    status_code = 500
    code_minor = "secrets_key_missing"


class SecretBox:
    def __init__(self, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except ValueError:
            raise SecretsKeyMissing(
                "the secrets key is not a valid Fernet key (32 url-safe base64-encoded "
                "bytes); generate one with `interop-hub connectors keygen`"
            ) from None

    def encrypt(self, plaintext: bytes) -> str:
        return self._fernet.encrypt(plaintext).decode("ascii")

    def decrypt(self, token: str) -> bytes:
        try:
            return self._fernet.decrypt(token.encode("ascii"))
        except InvalidToken:
            raise SecretsKeyMissing(
                "stored connector secrets cannot be decrypted with the configured secrets "
                "key (was the key changed?); re-enter the secrets or restore the old key"
            ) from None


def key_file(settings: Settings) -> Path:
    return settings.data_dir / "secrets.key"


def secret_box(settings: Settings) -> SecretBox:
    if settings.secrets_key:
        return SecretBox(settings.secrets_key.encode("ascii"))
    path = key_file(settings)
    if path.exists():
        return SecretBox(path.read_bytes().strip())
    raise SecretsKeyMissing(
        "no secrets key configured: connector secrets are encrypted at rest. Set "
        "INTEROP_HUB_SECRETS_KEY or run `interop-hub connectors keygen` to create "
        f"{path}"
    )


def generate_key_file(settings: Settings) -> Path:
    """Create ``<data_dir>/secrets.key`` (mode 0600) unless it exists; return its path."""
    path = key_file(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(Fernet.generate_key())
    return path
