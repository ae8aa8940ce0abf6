"""The Canvas connector's settings: the instance, the account, and how to authenticate.

Two ways to authenticate, exactly one of which must be configured:

* ``access_token``: an admin's access token (Account > Settings > Approved integrations
  > New access token). Sent as ``Authorization: Bearer``.
* A developer key (``client_id`` + ``client_secret``) with a ``refresh_token`` obtained
  once through the OAuth2 web flow: the connector exchanges the refresh token at
  ``/login/oauth2/token`` for an hour-long access token whenever it needs one.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator

from interop_hub.connectors.sdk import HttpConnectorConfig

__all__ = ["CanvasConfig"]


class CanvasConfig(HttpConnectorConfig):
    base_url: str = Field(
        description="The Canvas instance, e.g. https://district.instructure.com (no /api/v1)."
    )
    account_id: str = Field(
        default="self",
        description=(
            "The account to sync: 'self' (the instance's root account), a numeric id, or "
            "'sis_account_id:<id>'. It becomes the district; its sub-accounts the schools."
        ),
        min_length=1,
    )
    access_token: SecretStr | None = Field(default=None, description="An admin access token.")
    client_id: str | None = Field(default=None, description="Developer key id (OAuth2).")
    client_secret: SecretStr | None = Field(default=None, description="Developer key secret.")
    refresh_token: SecretStr | None = Field(
        default=None, description="Refresh token from the developer key's OAuth2 flow."
    )
    page_size: int = Field(
        default=100, ge=1, le=100, description="per_page (Canvas serves at most 100)."
    )
    include_concluded_courses: bool = Field(
        default=False,
        description="Also sync concluded (completed) courses and their enrollments.",
    )
    undated_term_school_year: int | None = Field(
        default=None,
        ge=1900,
        le=2999,
        description=(
            "School year (the year it ends) given to terms without dates, such as Canvas's "
            "Default Term. Empty: the current school year."
        ),
    )
    throttle_low_water: float = Field(
        default=100.0,
        ge=0,
        description="Pause briefly when X-Rate-Limit-Remaining drops below this.",
    )
    throttle_pause_seconds: float = Field(
        default=1.0, ge=0, le=60, description="The pause taken below the low-water mark."
    )

    @model_validator(mode="after")
    def _one_auth_method(self) -> Self:
        oauth = (self.client_id, self.client_secret, self.refresh_token)
        if self.access_token is not None:
            if any(v is not None for v in oauth):
                raise ValueError(
                    "configure either access_token or client_id + client_secret + "
                    "refresh_token, not both"
                )
        elif any(v is None for v in oauth):
            raise ValueError(
                "configure access_token, or all of client_id, client_secret and refresh_token"
            )
        return self

    @property
    def instance_url(self) -> str:
        return self.base_url.rstrip("/")
