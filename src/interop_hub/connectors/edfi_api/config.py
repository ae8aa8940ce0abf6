"""The settings of one Ed-Fi ODS/API connection (rendered as a form by the admin API)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from interop_hub.connectors.sdk import HttpConnectorConfig

__all__ = ["MAX_PAGE_SIZE", "EdFiApiConfig"]

MAX_PAGE_SIZE = 500
"""The ODS/API's ``DefaultPageSizeLimit``: a larger ``limit`` is a 400."""


class EdFiApiConfig(HttpConnectorConfig):
    base_url: str = Field(
        description=(
            "The API root that serves the Ed-Fi discovery document (version, dataModels, "
            "urls), e.g. https://api.district.org/v7.1/api or, in a multi-tenant 7.x "
            "host, the tenant's root. Every other URL is read from that document."
        )
    )
    client_id: str = Field(min_length=1, description="The API client's key.")
    client_secret: SecretStr = Field(description="The API client's secret.")
    page_size: int = Field(
        default=MAX_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description="Items per page (offset paging; the ODS/API allows at most 500).",
    )
    school_year: int | None = Field(
        default=None,
        ge=1900,
        le=2100,
        description=(
            "The school year segment of year-specific instances: ODS/API 5.x/6.x in "
            "YearSpecific or InstanceYearSpecific mode, or 7.x context routes such as "
            "{schoolYearFromRoute}. Leave empty for a single-instance API."
        ),
    )
    instance_code: str | None = Field(
        default=None,
        description="The instance segment of 5.x/6.x InstanceYearSpecific mode.",
    )
    use_snapshot: bool = Field(
        default=False,
        description=(
            "Read from the host's change-query snapshot (Use-Snapshot: true) so paging "
            "cannot skip or repeat rows that change during the run; the host must offer one."
        ),
    )
