"""Tokens from /oauth/token against a route guarded by ``Authenticator`` (deny by default)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from interop_hub.auth import tokens
from interop_hub.auth.dependencies import AuthSubject, DemographicsRead, RosterCoreRead, RosterRead
from interop_hub.auth.scopes import ROSTER_CORE_READONLY, ROSTER_READONLY
from interop_hub.config import Settings
from tests.auth.conftest import TOKEN_URL, MakeClient, basic

CORE = "/test-only/core"
NESTED = "/test-only/nested"
DEMOGRAPHICS = "/test-only/demographics"


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    """The app plus three test-only routes, one per scope rule."""

    @app.get(CORE)
    def core(subject: RosterCoreRead) -> dict[str, object]:
        return {"client_id": subject.client_id, "scopes": sorted(subject.scopes)}

    @app.get(NESTED)
    def nested(subject: RosterRead) -> dict[str, str]:
        return {"client_id": subject.client_id}

    @app.get(DEMOGRAPHICS)
    def demographics(subject: DemographicsRead) -> dict[str, str]:
        return {"client_id": subject.client_id}

    return app


def _bearer(https: TestClient, make_client: MakeClient, *scopes: str) -> dict[str, str]:
    creds = make_client(*scopes)
    r = https.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        headers=basic(creds.client_id, creds.client_secret),
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_issued_token_opens_the_route(https: TestClient, make_client: MakeClient) -> None:
    headers = _bearer(https, make_client, ROSTER_CORE_READONLY)
    r = https.get(CORE, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["client_id"].startswith("ihc_")
    assert r.json()["scopes"] == [ROSTER_CORE_READONLY]


def test_any_of_the_accepted_scopes_is_enough(https: TestClient, make_client: MakeClient) -> None:
    headers = _bearer(https, make_client, ROSTER_READONLY)
    assert https.get(CORE, headers=headers).status_code == 200
    assert https.get(NESTED, headers=headers).status_code == 200


def test_wrong_scope_is_403(https: TestClient, make_client: MakeClient) -> None:
    headers = _bearer(https, make_client, ROSTER_CORE_READONLY)
    for path in (NESTED, DEMOGRAPHICS):
        r = https.get(path, headers=headers)
        assert r.status_code == 403
        assert r.json()["error"] == "forbidden"
        assert 'error="insufficient_scope"' in r.headers["www-authenticate"]


def test_missing_token_is_401(https: TestClient) -> None:
    r = https.get(CORE)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer garbage", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a.b.c"],
)
def test_garbage_token_is_401(https: TestClient, authorization: str) -> None:
    r = https.get(CORE, headers={"Authorization": authorization})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_token_signed_with_another_key_is_401(https: TestClient) -> None:
    forged = tokens.issue_token(b"another-key-" * 4, "ihc_x", frozenset({ROSTER_READONLY}), 600)
    r = https.get(CORE, headers={"Authorization": f"Bearer {forged.token}"})
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


def test_token_expires(
    https: TestClient,
    make_client: MakeClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue the token "in the past", just over one lifetime ago.
    issued_at = time.time() - settings.token_ttl_seconds - 5
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: issued_at))
    headers = _bearer(https, make_client, ROSTER_READONLY)
    monkeypatch.undo()
    r = https.get(CORE, headers=headers)
    assert r.status_code == 401
    assert "expired" in r.json()["message"]
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


def test_token_is_valid_until_expiry(
    https: TestClient,
    make_client: MakeClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issued_at = time.time() - settings.token_ttl_seconds + 30
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: issued_at))
    headers = _bearer(https, make_client, ROSTER_READONLY)
    monkeypatch.undo()
    assert https.get(CORE, headers=headers).status_code == 200


def test_auth_subject_is_frozen() -> None:
    subject = AuthSubject(client_id="c", scopes=frozenset())
    with pytest.raises(AttributeError):
        subject.client_id = "other"  # type: ignore[misc]
