"""The Clever connector's settings: the API root, the district-app token, what to read.

Clever's Data API authenticates a Secure Sync app's access to one district with a
*district-app token* (the app's dashboard shows it per district, or it is fetched from
``https://clever.com/oauth/tokens?owner_type=district``). It never expires and is sent as
``Authorization: Bearer``. Instant-login (user) tokens cannot page and are refused by the
district endpoints.

Clever allows 1,200 requests per minute per token; ``requests_per_second`` defaults to 15
so a sync leaves room for the app's other traffic on the same token.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from interop_hub.connectors.sdk import HttpConnectorConfig

__all__ = ["CleverConfig", "StaffRole"]

StaffRole = Literal["siteAdministrator", "principal", "counselor", "aide", "teacher"]


class CleverConfig(HttpConnectorConfig):
    base_url: str = Field(
        default="https://api.clever.com/v3.0",
        description="The Clever Data API root, with its version (v3.0).",
    )
    token: SecretStr = Field(description="The district-app bearer token (Secure Sync).")
    requests_per_second: float | None = Field(
        default=15.0,
        ge=0,
        description="Most requests per second (Clever allows 1,200 a minute per token).",
    )
    page_size: int = Field(
        default=1000, ge=1, le=10000, description="limit per page (Clever serves at most 10,000)."
    )
    include_contacts: bool = Field(
        default=False,
        description=(
            "Also sync contacts (users with the contact role: parents, guardians, emergency "
            "contacts) as OneRoster parent/guardian/relative users linked to their students."
        ),
    )
    include_demographics: bool = Field(
        default=True,
        description="Sync students' birth date, gender, race and ethnicity as demographics.",
    )
    staff_role: StaffRole = Field(
        default="siteAdministrator",
        description="The OneRoster role given to Clever staff (school admins/staff) users.",
    )
    use_events: bool = Field(
        default=True,
        description=(
            "Keep an events bookmark so incremental runs read only Clever's events (the app "
            "must have events enabled; Clever keeps them 30 days)."
        ),
    )
    undated_term_school_year: int | None = Field(
        default=None,
        ge=1900,
        le=2999,
        description=(
            "School year (the year it ends) of terms without dates and of the stand-in term "
            "given to sections without one. Empty: the current school year."
        ),
    )
    max_rate_limit_wait: float = Field(
        default=60.0,
        gt=0,
        le=120,
        description="Longest pause taken when Clever says the minute's requests are used up.",
    )

    @property
    def api_root(self) -> str:
        return self.base_url.rstrip("/")
