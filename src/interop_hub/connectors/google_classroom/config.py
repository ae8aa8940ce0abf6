"""The Google Classroom connector's settings.

Authentication, exactly one of:

* ``service_account_json`` (the key file of a service account with domain-wide
  delegation for the scopes below) and ``delegated_user``, the Workspace admin it acts as;
* ``access_token``: an OAuth access token obtained elsewhere (tests, short manual runs;
  Google's tokens expire after an hour).

Classroom has no organisations or terms. The mapping's defaults come from here: one
district org (``district_id``/``district_name``), one school org under it
(``school_id``/``school_name``) holding every class, and one ``schoolYear`` academic
session (``school_year``, by default 1 July of the year before to 30 June) that every
class meets in.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator

from interop_hub.connectors.google_classroom.jwt_auth import ServiceAccountKey
from interop_hub.connectors.sdk import HttpConnectorConfig

__all__ = ["DEFAULT_SCOPES", "CourseState", "GoogleClassroomConfig"]

CourseState = Literal["ACTIVE", "ARCHIVED", "PROVISIONED", "DECLINED", "SUSPENDED"]
DEFAULT_SCOPES = (
    "https://www.googleapis.com/auth/classroom.courses.readonly",
    "https://www.googleapis.com/auth/classroom.rosters.readonly",
    "https://www.googleapis.com/auth/classroom.profile.emails",
)


def _active_only() -> list[CourseState]:
    return ["ACTIVE"]


class GoogleClassroomConfig(HttpConnectorConfig):
    base_url: str = Field(default="https://classroom.googleapis.com")
    service_account_json: SecretStr | None = Field(
        default=None, description="The service account's JSON key file (its whole content)."
    )
    delegated_user: str | None = Field(
        default=None,
        description="The Workspace admin the service account acts as (domain-wide delegation).",
    )
    access_token: SecretStr | None = Field(
        default=None, description="A pre-obtained OAuth access token instead of a key."
    )
    scopes: list[str] = Field(default_factory=lambda: list(DEFAULT_SCOPES), min_length=1)
    course_states: list[CourseState] = Field(
        default_factory=_active_only, min_length=1, description="Courses to sync."
    )
    page_size: int = Field(default=100, ge=1, le=1000)
    district_id: str = Field(default="district", min_length=1, max_length=255)
    district_name: str = Field(min_length=1)
    school_id: str = Field(default="school", min_length=1, max_length=255)
    school_name: str = Field(min_length=1)
    school_year: int = Field(ge=1900, le=2999, description="The year the school year ends.")
    school_year_start: date | None = Field(default=None, description="Default: 1 July before.")
    school_year_end: date | None = Field(default=None, description="Default: 30 June.")

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.service_account_json is None) == (self.access_token is None):
            raise ValueError("configure exactly one of service_account_json and access_token")
        if self.service_account_json is not None:
            # Raises a ValueError that names the problem, never the key.
            self.service_account_key().signing_key()
            if not self.delegated_user:
                raise ValueError(
                    "delegated_user is required with a service account: Classroom lists a "
                    "domain's courses only to an admin the account acts for"
                )
        if self.district_id == self.school_id:
            raise ValueError("district_id and school_id must differ")
        start, end = self.year_span
        if end < start:
            raise ValueError("school_year_end is before school_year_start")
        return self

    def service_account_key(self) -> ServiceAccountKey:
        assert self.service_account_json is not None
        return ServiceAccountKey.from_json(self.service_account_json.get_secret_value())

    @property
    def year_span(self) -> tuple[date, date]:
        return (
            self.school_year_start or date(self.school_year - 1, 7, 1),
            self.school_year_end or date(self.school_year, 6, 30),
        )

    @property
    def session_id(self) -> str:
        return f"{self.school_id}-{self.school_year}"
