"""The JWT-bearer grant with a generated RSA key against a mocked Google token endpoint."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
import respx
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import RSAKey
from pydantic import ValidationError

from interop_hub.connectors.google_classroom import GoogleClassroomConfig
from interop_hub.connectors.google_classroom.jwt_auth import GRANT_TYPE
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.core.errors import SourceAuthError, SourceUnavailable
from tests.connectors.google_classroom.conftest import make_connector, settings
from tests.connectors.google_classroom.fake import API, FakeClassroom
from tests.connectors.sdk.helpers import Sleeps

TOKEN_URI = "https://oauth2.googleapis.com/token"
ADMIN = "sync-admin@springfield.example"
ACCOUNT = "interop-hub@springfield-sync.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048)


def key_file(key: RSAKey, **changes: Any) -> str:
    info = {
        "type": "service_account",
        "project_id": "springfield-sync",
        "private_key_id": "4f1c0e5d2b9a8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
        "private_key": key.as_pem(private=True).decode(),
        "client_email": ACCOUNT,
        "client_id": "104567890123456789012",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": TOKEN_URI,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/x",
        **changes,
    }
    return json.dumps(info)


def service_account(key: RSAKey, **overrides: Any) -> dict[str, Any]:
    return {
        "access_token": None,
        "service_account_json": key_file(key),
        "delegated_user": ADMIN,
        **overrides,
    }


def token_endpoint(router: respx.Router, access_token: str) -> respx.Route:
    return router.post(TOKEN_URI).mock(
        return_value=httpx.Response(
            200, json={"access_token": access_token, "expires_in": 3599, "token_type": "Bearer"}
        )
    )


def run(**config: Any) -> None:
    connector = make_connector(Sleeps(), **config)
    try:
        list(connector.extract(ExtractContext()))
    finally:
        connector.close()


def test_a_signed_assertion_is_exchanged_once_for_the_whole_run(
    router: respx.Router, rsa_key: RSAKey
) -> None:
    classroom = FakeClassroom(router, token="ya29.from-the-jwt-grant")
    token = token_endpoint(router, "ya29.from-the-jwt-grant")
    before = int(time.time())

    run(**service_account(rsa_key))

    assert token.call_count == 1  # cached across ~10 API requests
    assert classroom.routes["teachers"].call_count == 3
    form = dict(httpx.QueryParams(token.calls[0].request.content.decode()))
    assert form["grant_type"] == GRANT_TYPE == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    public = RSAKey.import_key(rsa_key.as_pem(private=False))
    decoded = jwt.decode(form["assertion"], public)  # verifies the RS256 signature
    assert decoded.header == {
        "alg": "RS256",
        "typ": "JWT",
        "kid": "4f1c0e5d2b9a8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
    }
    claims = decoded.claims
    assert claims["iss"] == ACCOUNT
    assert claims["sub"] == ADMIN
    assert claims["aud"] == TOKEN_URI
    assert claims["scope"].split() == [
        "https://www.googleapis.com/auth/classroom.courses.readonly",
        "https://www.googleapis.com/auth/classroom.rosters.readonly",
        "https://www.googleapis.com/auth/classroom.profile.emails",
    ]
    assert before <= claims["iat"] <= int(time.time())
    assert claims["exp"] - claims["iat"] == 3600


def test_an_assertion_signed_with_another_key_does_not_verify(rsa_key: RSAKey) -> None:
    from interop_hub.connectors.google_classroom.jwt_auth import (
        ServiceAccountAuth,
        ServiceAccountKey,
    )

    auth = ServiceAccountAuth(
        ServiceAccountKey.from_json(key_file(rsa_key)), subject=ADMIN, scopes=["s"]
    )
    other = RSAKey.generate_key(2048)
    with pytest.raises(BadSignatureError):
        jwt.decode(auth.assertion(), RSAKey.import_key(other.as_pem(private=False)))


def test_missing_delegation_is_an_auth_error_with_googles_reason(
    router: respx.Router, rsa_key: RSAKey
) -> None:
    FakeClassroom(router)
    router.post(TOKEN_URI).mock(
        return_value=httpx.Response(
            401,
            json={
                "error": "unauthorized_client",
                "error_description": "Client is unauthorized to retrieve access tokens using "
                "this method, or client not authorized for any of the scopes requested.",
            },
        )
    )
    with pytest.raises(SourceAuthError) as caught:
        run(**service_account(rsa_key))
    message = caught.value.message
    assert "unauthorized_client: Client is unauthorized" in message
    assert ACCOUNT in message
    assert ADMIN in message


def test_a_rejected_signature_is_an_auth_error(router: respx.Router, rsa_key: RSAKey) -> None:
    FakeClassroom(router)
    router.post(TOKEN_URI).mock(
        return_value=httpx.Response(
            400, json={"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        )
    )
    with pytest.raises(SourceAuthError, match="invalid_grant: Invalid JWT Signature"):
        run(**service_account(rsa_key))


def test_a_failing_token_endpoint_is_unavailable_after_retries(
    router: respx.Router, rsa_key: RSAKey
) -> None:
    FakeClassroom(router)
    token = router.post(TOKEN_URI).mock(return_value=httpx.Response(503))
    with pytest.raises(SourceUnavailable, match="token endpoint"):
        run(**service_account(rsa_key))
    assert token.call_count == 3  # max_attempts


def test_a_revoked_token_is_renewed_once_and_the_request_replayed(
    router: respx.Router, rsa_key: RSAKey
) -> None:
    classroom = FakeClassroom(router, token="ya29.first")
    token = router.post(TOKEN_URI).mock(
        side_effect=[
            httpx.Response(200, json={"access_token": "ya29.first", "expires_in": 3599}),
            httpx.Response(200, json={"access_token": "ya29.second", "expires_in": 3599}),
        ]
    )
    connector = make_connector(Sleeps(), **service_account(rsa_key))
    records = connector.extract(ExtractContext())
    next(records)  # the district record; no request yet
    next(records)
    next(records)
    assert next(records)[0] == "courses"  # first page fetched with the first token
    classroom.token = "ya29.second"  # Google revoked the first token
    rest = list(records)
    connector.close()
    assert token.call_count == 2
    assert sum(1 for stream, _ in rest if stream == "people") == 7
    replayed = classroom.routes["courses"].calls[-1].request
    assert replayed.headers["Authorization"] == "Bearer ya29.second"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"delegated_user": None}, "delegated_user is required"),
        ({"access_token": "ya29.x"}, "exactly one of service_account_json and access_token"),
        ({"service_account_json": "{not json"}, "not valid JSON"),
        (
            {"service_account_json": json.dumps({"type": "authorized_user"})},
            "not 'service_account'",
        ),
        ({"service_account_json": "__bad_key__"}, "is not an RSA private key in PEM"),
    ],
)
def test_config_errors_name_the_problem_not_the_secret(
    rsa_key: RSAKey, changes: dict[str, Any], message: str
) -> None:
    if changes.get("service_account_json") == "__bad_key__":
        changes = {"service_account_json": key_file(rsa_key, private_key="-----BEGIN nonsense")}
    with pytest.raises(ValidationError, match=message) as caught:
        GoogleClassroomConfig.model_validate(settings(**service_account(rsa_key, **changes)))
    assert "PRIVATE KEY-----\n" not in str(caught.value)


def test_the_api_base_can_be_pointed_elsewhere(router: respx.Router) -> None:
    # Classroom behind a corporate proxy or a test double: base_url is configurable.
    route = router.get("https://proxy.example/classroom/v1/courses").mock(
        return_value=httpx.Response(200, json={})
    )
    run(base_url="https://proxy.example/classroom")
    assert route.call_count == 1
    assert API.startswith("https://classroom.googleapis.com")
