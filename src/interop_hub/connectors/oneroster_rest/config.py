"""Configuration of a OneRoster REST source: version, provider URL, authentication.

One config shape serves every provider (Infinite Campus, Skyward, Aeries, ClassLink,
Ed-Fi's OneRoster service, another Interop Hub); the differences are the version, where
the token comes from, and which credentials sign the requests:

* ``oauth2``: the client-credentials grant (the 1.2 security framework, and the 2020 1.1
  errata). The token URL is never under the OneRoster base (Infinite Campus configures it
  separately), so it is its own field. The secret goes by HTTP Basic (default) or in the
  form body, as some providers require.
* ``oauth1``: OAuth 1.0a signed requests with the consumer key and secret, HMAC-SHA256,
  no token endpoint: OneRoster 1.1 as ClassLink's direct connections serve it.
* ``bearer``: a static token (ClassLink's OneRoster proxy hands out one that never
  expires).

The scope requested by ``oauth2`` defaults to the version's rostering scopes; the
demographics scope is asked for only when demographics are read (a provider may refuse a
token for a scope the client was not granted).
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import Field, SecretStr, model_validator

from interop_hub.connectors.sdk import HttpConnectorConfig

__all__ = ["VERSION_PATHS", "OneRosterRestConfig", "default_scopes"]

Version = Literal["1.1", "1.2"]

VERSION_PATHS: Final[dict[str, str]] = {
    "1.1": "/ims/oneroster/v1p1",
    "1.2": "/ims/oneroster/rostering/v1p2",
}

_SCOPE_PREFIX: Final = {
    "1.1": "https://purl.imsglobal.org/spec/or/v1p1/scope/",
    "1.2": "https://purl.imsglobal.org/spec/or/v1p2/scope/",
}


def default_scopes(version: str, *, demographics: bool) -> str:
    """The space-separated scopes a client asks for when none are configured."""
    names = ["roster-core.readonly", "roster.readonly"]
    if demographics:
        names.append("roster-demographics.readonly")
    return " ".join(_SCOPE_PREFIX[version] + name for name in names)


class OneRosterRestConfig(HttpConnectorConfig):
    base_url: str = Field(
        description="The provider's root URL, e.g. https://sis.example.org. The version's "
        "path (/ims/oneroster/rostering/v1p2 or /ims/oneroster/v1p1) is appended unless the "
        "URL already ends in it."
    )
    version: Version = Field(
        default="1.2", description="The OneRoster version the provider serves."
    )
    auth: Literal["oauth2", "oauth1", "bearer"] = Field(
        default="oauth2",
        description="oauth2: client credentials (1.2, and 1.1 per the 2020 errata); oauth1: "
        "OAuth 1.0a HMAC-SHA256 signed requests (1.1, e.g. ClassLink direct); bearer: a "
        "static token.",
    )
    token_url: str | None = Field(
        default=None, description="oauth2: the token endpoint (not under the OneRoster base)."
    )
    client_id: str | None = Field(
        default=None, description="oauth2: the client id; oauth1: the consumer key."
    )
    client_secret: SecretStr | None = Field(
        default=None, description="oauth2: the client secret; oauth1: the consumer secret."
    )
    token_auth_method: Literal["client_secret_basic", "client_secret_post"] = Field(
        default="client_secret_basic",
        description="oauth2: send the secret by HTTP Basic (the 1EdTech default) or in the "
        "form body.",
    )
    scope: str | None = Field(
        default=None,
        description="oauth2: space-separated scopes to request. Empty: the version's "
        "roster-core.readonly and roster.readonly, plus roster-demographics.readonly when "
        "demographics are read.",
    )
    token: SecretStr | None = Field(default=None, description="bearer: the access token.")
    include_demographics: bool = Field(
        default=True,
        description="Read /demographics (needs the roster-demographics.readonly scope). Off: "
        "the hub holds no demographics from this source.",
    )
    sort_by_sourced_id: bool = Field(
        default=True,
        description="Ask for sort=sourcedId so offset pages do not shift while a collection "
        "is read; turn off for a provider that rejects the sort parameter.",
    )

    @model_validator(mode="after")
    def _credentials_for_auth(self) -> OneRosterRestConfig:
        missing: list[str] = []
        if self.auth == "oauth2":
            missing = [
                name
                for name, value in (
                    ("token_url", self.token_url),
                    ("client_id", self.client_id),
                    ("client_secret", self.client_secret),
                )
                if not value
            ]
        elif self.auth == "oauth1":
            missing = [
                name
                for name, value in (
                    ("client_id", self.client_id),
                    ("client_secret", self.client_secret),
                )
                if not value
            ]
        elif not self.token:
            missing = ["token"]
        if missing:
            raise ValueError(f"auth {self.auth!r} needs {', '.join(missing)}")
        path = VERSION_PATHS[self.version]
        base = self.base_url.rstrip("/")
        for other, other_path in VERSION_PATHS.items():
            if other != self.version and base.endswith(other_path):
                raise ValueError(
                    f"base_url ends in the OneRoster {other} path {other_path}, but version "
                    f"is {self.version} (served at {path}): set version to {other} or give "
                    "the provider's root URL"
                )
        return self

    def api_root(self) -> str:
        """The versioned base, e.g. ``https://sis.example.org/ims/oneroster/rostering/v1p2``."""
        base = self.base_url.rstrip("/")
        path = VERSION_PATHS[self.version]
        return base if base.endswith(path) else base + path

    def requested_scope(self) -> str:
        """The oauth2 ``scope`` parameter: the configured scopes, else the defaults."""
        if self.scope is not None and self.scope.strip():
            return " ".join(self.scope.split())
        return default_scopes(self.version, demographics=self.include_demographics)
