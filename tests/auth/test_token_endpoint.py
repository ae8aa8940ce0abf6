"""POST /oauth/token: RFC 6749 client credentials with client_secret_basic / client_secret_post."""

from __future__ import annotations

import hashlib
import logging

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import (
    ALL_SCOPES,
    ROSTER_CORE_READONLY,
    ROSTER_DEMOGRAPHICS_READONLY,
    ROSTER_READONLY,
    V1P1_ROSTER_CORE_READONLY,
    V1P1_ROSTER_READONLY,
)
from interop_hub.auth.tokens import verify_token
from interop_hub.clients import service
from interop_hub.clients.secret_hash import _b64encode
from interop_hub.config import Settings
from interop_hub.core.clock import utcnow
from interop_hub.core.db import session_scope
from interop_hub.models import ApiClient
from tests.auth.conftest import TOKEN_URL, MakeClient, basic
from tests.conftest import TEST_JWT_SECRET

GRANT = {"grant_type": "client_credentials"}


def _assert_oauth_error(response_json: dict[str, str], error: str) -> None:
    assert response_json["error"] == error
    assert response_json["error_description"]


def test_basic_auth_issues_a_bearer_jwt(
    https: TestClient, make_client: MakeClient, settings: Settings
) -> None:
    creds = make_client()
    r = https.post(TOKEN_URL, data=GRANT, headers=basic(creds.client_id, creds.client_secret))
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["pragma"] == "no-cache"
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.token_ttl_seconds
    assert set(body["scope"].split()) == ALL_SCOPES  # scope omitted -> all allowed
    claims = verify_token(TEST_JWT_SECRET.encode(), body["access_token"])
    assert claims.client_id == creds.client_id
    assert claims.scopes == ALL_SCOPES


def test_form_post_credentials(https: TestClient, make_client: MakeClient) -> None:
    creds = make_client(ROSTER_CORE_READONLY)
    data = {**GRANT, "client_id": creds.client_id, "client_secret": creds.client_secret}
    r = https.post(TOKEN_URL, data=data)
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == ROSTER_CORE_READONLY


def test_requested_scope_subset(https: TestClient, make_client: MakeClient) -> None:
    creds = make_client(ROSTER_CORE_READONLY, ROSTER_READONLY)
    r = https.post(
        TOKEN_URL,
        data={**GRANT, "scope": ROSTER_READONLY},
        headers=basic(creds.client_id, creds.client_secret),
    )
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == ROSTER_READONLY
    claims = verify_token(TEST_JWT_SECRET.encode(), r.json()["access_token"])
    assert claims.scopes == {ROSTER_READONLY}


def test_short_scope_names_are_expanded(https: TestClient, make_client: MakeClient) -> None:
    creds = make_client()
    r = https.post(
        TOKEN_URL,
        data={**GRANT, "scope": "roster-core.readonly roster.readonly"},
        headers=basic(creds.client_id, creds.client_secret),
    )
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == f"{ROSTER_CORE_READONLY} {ROSTER_READONLY}"


def test_oneroster_1_1_scopes_are_granted_from_their_1_2_equivalents(
    https: TestClient, make_client: MakeClient
) -> None:
    creds = make_client(ROSTER_CORE_READONLY)
    auth = basic(creds.client_id, creds.client_secret)
    r = https.post(TOKEN_URL, data={**GRANT, "scope": V1P1_ROSTER_CORE_READONLY}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == V1P1_ROSTER_CORE_READONLY
    r = https.post(TOKEN_URL, data={**GRANT, "scope": V1P1_ROSTER_READONLY}, headers=auth)
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "invalid_scope")


def test_requested_scope_superset_is_invalid_scope(
    https: TestClient, make_client: MakeClient
) -> None:
    creds = make_client(ROSTER_CORE_READONLY)
    r = https.post(
        TOKEN_URL,
        data={**GRANT, "scope": f"{ROSTER_CORE_READONLY} {ROSTER_DEMOGRAPHICS_READONLY}"},
        headers=basic(creds.client_id, creds.client_secret),
    )
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "invalid_scope")
    assert ROSTER_DEMOGRAPHICS_READONLY in r.json()["error_description"]
    assert r.headers["cache-control"] == "no-store"


def test_unknown_scope_is_invalid_scope(https: TestClient, make_client: MakeClient) -> None:
    creds = make_client()
    r = https.post(
        TOKEN_URL,
        data={**GRANT, "scope": "gradebook.superpowers"},
        headers=basic(creds.client_id, creds.client_secret),
    )
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "invalid_scope")
    assert "gradebook.superpowers" in r.json()["error_description"]


@pytest.mark.parametrize("method", ["basic", "post"])
def test_wrong_secret_is_invalid_client_401(
    https: TestClient, make_client: MakeClient, method: str
) -> None:
    creds = make_client()
    r = _token(https, creds.client_id, creds.client_secret + "x", method)
    assert r.status_code == 401
    _assert_oauth_error(r.json(), "invalid_client")
    assert r.headers["www-authenticate"].startswith("Basic ")


@pytest.mark.parametrize("method", ["basic", "post"])
def test_unknown_client_is_invalid_client_401(https: TestClient, method: str) -> None:
    r = _token(https, "ihc_doesnotexist", "whatever", method)
    assert r.status_code == 401
    _assert_oauth_error(r.json(), "invalid_client")
    assert r.headers["www-authenticate"].startswith("Basic ")


def test_unknown_and_wrong_secret_look_the_same(https: TestClient, make_client: MakeClient) -> None:
    creds = make_client()
    unknown = _token(https, "ihc_doesnotexist", creds.client_secret, "basic")
    wrong = _token(https, creds.client_id, "wrong", "basic")
    assert unknown.json() == wrong.json()


def test_disabled_client_is_rejected(
    https: TestClient, make_client: MakeClient, session_factory: sessionmaker[Session]
) -> None:
    creds = make_client()
    with session_scope(session_factory) as session:
        service.disable_client(session, creds.client_id)
    r = _token(https, creds.client_id, creds.client_secret, "basic")
    assert r.status_code == 401
    _assert_oauth_error(r.json(), "invalid_client")
    assert "disabled" in r.json()["error_description"]


def test_missing_credentials_is_invalid_client(https: TestClient) -> None:
    r = https.post(TOKEN_URL, data=GRANT)
    assert r.status_code == 401
    _assert_oauth_error(r.json(), "invalid_client")
    assert r.headers["www-authenticate"].startswith("Basic ")


def test_malformed_basic_header_is_invalid_client(https: TestClient) -> None:
    r = https.post(TOKEN_URL, data=GRANT, headers={"Authorization": "Basic !!!notbase64"})
    assert r.status_code == 401
    _assert_oauth_error(r.json(), "invalid_client")


def test_form_client_id_without_secret_is_invalid_client(
    https: TestClient, make_client: MakeClient
) -> None:
    creds = make_client()
    r = https.post(TOKEN_URL, data={**GRANT, "client_id": creds.client_id})
    assert r.status_code == 401
    _assert_oauth_error(r.json(), "invalid_client")


@pytest.mark.parametrize("grant_type", ["password", "authorization_code", "refresh_token"])
def test_unsupported_grant_type(
    https: TestClient, make_client: MakeClient, grant_type: str
) -> None:
    creds = make_client()
    r = https.post(
        TOKEN_URL,
        data={"grant_type": grant_type},
        headers=basic(creds.client_id, creds.client_secret),
    )
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "unsupported_grant_type")


def test_missing_grant_type_is_invalid_request(https: TestClient, make_client: MakeClient) -> None:
    creds = make_client()
    r = https.post(TOKEN_URL, data={}, headers=basic(creds.client_id, creds.client_secret))
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "invalid_request")


def test_json_body_is_invalid_request(https: TestClient, make_client: MakeClient) -> None:
    creds = make_client()
    r = https.post(TOKEN_URL, json=GRANT, headers=basic(creds.client_id, creds.client_secret))
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "invalid_request")
    assert "x-www-form-urlencoded" in r.json()["error_description"]


def test_repeated_parameter_is_invalid_request(https: TestClient, make_client: MakeClient) -> None:
    creds = make_client()
    body = f"grant_type=client_credentials&scope={ROSTER_READONLY}&scope={ROSTER_CORE_READONLY}"
    r = https.post(
        TOKEN_URL,
        content=body,
        headers={
            **basic(creds.client_id, creds.client_secret),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "invalid_request")
    assert "scope" in r.json()["error_description"]


def test_two_authentication_methods_is_invalid_request(
    https: TestClient, make_client: MakeClient
) -> None:
    creds = make_client()
    data = {**GRANT, "client_id": creds.client_id, "client_secret": creds.client_secret}
    r = https.post(TOKEN_URL, data=data, headers=basic(creds.client_id, creds.client_secret))
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "invalid_request")


def test_client_without_supported_scopes_is_unauthorized_client(
    https: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_scope(session_factory) as session:
        client, secret = service.create_client(session, "Legacy", ["roster.readonly"])
        client.scopes = "https://purl.imsglobal.org/spec/or/v1p1/scope/roster.readonly"
        client_id = client.client_id
    r = _token(https, client_id, secret, "basic")
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "unauthorized_client")


def test_plain_http_is_refused(client: TestClient, make_client: MakeClient) -> None:
    creds = make_client()
    r = client.post(TOKEN_URL, data=GRANT, headers=basic(creds.client_id, creds.client_secret))
    assert r.status_code == 400
    _assert_oauth_error(r.json(), "insecure_transport")
    assert "HTTPS" in r.json()["error_description"]


def test_get_is_not_allowed(https: TestClient) -> None:
    assert https.get(TOKEN_URL).status_code == 405


def test_secrets_never_reach_the_logs(
    https: TestClient, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    creds = make_client()
    with caplog.at_level(logging.DEBUG):
        ok = _token(https, creds.client_id, creds.client_secret, "basic")
        bad = _token(https, creds.client_id, creds.client_secret + "x", "post")
    assert ok.status_code == 200
    assert bad.status_code == 401
    assert creds.client_secret not in caplog.text
    assert ok.json()["access_token"] not in caplog.text


def test_rows_created_directly_work_too(
    https: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """A row whose hash uses other (older) scrypt parameters still authenticates."""
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(b"legacy-secret", salt=salt, n=1 << 10, r=8, p=1, dklen=32)
    stored = f"$scrypt$v=1$ln=10,r=8,p=1${_b64encode(salt)}${_b64encode(key)}"
    with session_scope(session_factory) as session:
        session.add(
            ApiClient(
                client_id="ihc_legacy",
                name="Legacy",
                secret_hash=stored,
                scopes=ROSTER_READONLY,
                enabled=True,
                created_at=utcnow(),
            )
        )
    r = _token(https, "ihc_legacy", "legacy-secret", "basic")
    assert r.status_code == 200, r.text
    with session_scope(session_factory) as session:
        row = session.get(ApiClient, "ihc_legacy")
        assert row is not None
        assert row.secret_hash != stored  # upgraded to the current parameters
        assert row.secret_hash.startswith("$scrypt$v=1$ln=14,")


def _token(https: TestClient, client_id: str, secret: str, method: str) -> httpx.Response:
    response: httpx.Response
    if method == "basic":
        response = https.post(TOKEN_URL, data=GRANT, headers=basic(client_id, secret))
    else:
        data = {**GRANT, "client_id": client_id, "client_secret": secret}
        response = https.post(TOKEN_URL, data=data)
    return response


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("scope", 'roster"\\.readonly \u00e9l\u00e8ve', "invalid_scope"),
        ("grant_type", 'pass"word\u2603', "unsupported_grant_type"),
    ],
)
def test_hostile_values_are_echoed_safely(
    https: TestClient, make_client: MakeClient, field: str, value: str, error: str
) -> None:
    creds = make_client()
    r = https.post(
        TOKEN_URL, data={**GRANT, field: value}, headers=basic(creds.client_id, creds.client_secret)
    )
    assert r.status_code == 400
    _assert_oauth_error(r.json(), error)
    description = r.json()["error_description"]
    assert description.isascii()
    assert '"' not in description
    assert "\\" not in description
