"""Config validation, the versioned base URL, scopes, and the registry entry."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from interop_hub.connectors.oneroster_rest import OneRosterRestConfig, OneRosterRestConnector
from interop_hub.connectors.sdk.registry import connector_class
from tests.connectors.oneroster_rest.helpers import v11_config, v12_config


def test_registered_under_its_kind() -> None:
    assert connector_class("oneroster-rest") is OneRosterRestConnector
    assert OneRosterRestConnector.supports_incremental


@pytest.mark.parametrize(
    ("auth", "missing"),
    [
        ("oauth2", "token_url, client_id, client_secret"),
        ("oauth1", "client_secret"),
        ("bearer", "token"),
    ],
)
def test_each_auth_needs_its_credentials(auth: str, missing: str) -> None:
    values = {"base_url": "https://sis.example.org", "auth": auth}
    if auth == "oauth1":
        values["client_id"] = "key"
    with pytest.raises(ValidationError, match=f"auth '{auth}' needs {missing}"):
        OneRosterRestConfig.model_validate(values)


def test_version_path_is_appended_once() -> None:
    expected = "https://sis.lakeview.example.org/ims/oneroster/rostering/v1p2"
    assert v12_config().api_root() == expected
    already = v12_config(base_url="https://h.example/campus/ims/oneroster/rostering/v1p2/")
    assert already.api_root() == "https://h.example/campus/ims/oneroster/rostering/v1p2"
    assert v11_config().api_root() == "https://lakeview-il.oneroster.example.com/ims/oneroster/v1p1"


def test_a_base_url_of_the_other_version_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"ends in the OneRoster 1\.1 path"):
        v12_config(base_url="https://h.example/ims/oneroster/v1p1")


def test_default_scopes_follow_version_and_demographics() -> None:
    assert v12_config().requested_scope().split() == [
        "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly",
        "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly",
        "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly",
    ]
    v11 = v11_config(auth="oauth2", token_url="https://t.example/token", include_demographics=False)
    assert v11.requested_scope().split() == [
        "https://purl.imsglobal.org/spec/or/v1p1/scope/roster-core.readonly",
        "https://purl.imsglobal.org/spec/or/v1p1/scope/roster.readonly",
    ]
    assert v12_config(scope="  a   b ").requested_scope() == "a b"


def test_secrets_are_secret_fields_and_unknown_keys_refused() -> None:
    config = v12_config()
    assert isinstance(config.client_secret, SecretStr)
    assert "s3cret-value" not in repr(config)
    with pytest.raises(ValidationError):
        v12_config(client_secrett="typo")
