from __future__ import annotations

import pytest

from interop_hub.clients.secret_hash import (
    generate_client_id,
    generate_client_secret,
    hash_secret,
    needs_rehash,
    verify_secret,
)


def test_hash_round_trip_and_format() -> None:
    stored = hash_secret("s3cret")
    assert stored.startswith("$scrypt$v=1$ln=14,r=8,p=1$")
    assert "s3cret" not in stored
    assert verify_secret("s3cret", stored)
    assert not verify_secret("s3cret ", stored)
    assert not verify_secret("", stored)
    assert not needs_rehash(stored)


def test_hashes_are_salted() -> None:
    assert hash_secret("same") != hash_secret("same")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "s3cret",
        "$scrypt$v=2$ln=14,r=8,p=1$AAAA$AAAA",
        "$scrypt$v=1$ln=14,r=8$AAAA$AAAA",
        "$scrypt$v=1$ln=99,r=8,p=1$AAAA$AAAA",
        "$scrypt$v=1$ln=14,r=8,p=1$not*base64$AAAA",
        "$pbkdf2$v=1$ln=14,r=8,p=1$AAAA$AAAA",
    ],
)
def test_malformed_hashes_never_verify(stored: str) -> None:
    assert not verify_secret("s3cret", stored)
    assert needs_rehash(stored)


def test_ids_and_secrets_are_random_and_prefixed() -> None:
    ids = {generate_client_id() for _ in range(50)}
    secrets = {generate_client_secret() for _ in range(50)}
    assert len(ids) == 50
    assert len(secrets) == 50
    assert all(i.startswith("ihc_") and len(i) >= 24 and len(i) <= 64 for i in ids)
    assert all(s.startswith("ihs_") and len(s) >= 40 for s in secrets)
