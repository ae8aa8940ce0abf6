"""The PowerSchool connector's settings: the server, the plugin's credentials, the scope.

PowerSchool grants API access to *plugins*: the district installs a plugin whose
``plugin.xml`` asks for OAuth and for data access (the tables and fields the plugin may
read). PowerSchool then generates the plugin's client id and secret (System > System
Settings > Plugin Management Configuration > the plugin > Data Provider Configuration).
The connector exchanges them at ``POST /oauth/access_token`` (HTTP Basic, grant
``client_credentials``) for a bearer token, cached until shortly before ``expires_in``
runs out and renewed once when PowerSchool answers 401.

The plugin also sets the *maximum page size* of every resource (Data Configuration);
``page_size`` above it is clamped by PowerSchool, which the connector notices and pages
with the smaller size.

**Incremental runs.** PowerSchool's ``/ws/v1`` resources (students, staff, sections,
terms, courses, section enrollments) carry no last-modified time, and the fields their
``q=`` search accepts (``school_enrollment.enroll_status``, ``name.last_name``, entry
dates...) do not include one. Data Version Tracking (``/ws/dataversion/{app}/{version}``,
and PowerQueries run against a data version) only works with a ``dataversion``
subscription declared in the plugin the district installs, and reports ids of changed
table rows rather than the resources read here; the connector does not depend on it. So
no stream has a reliable change filter, and an incremental run reads every stream in
full, like a full run, but stages a *delta*: every record it reads is an upsert (the
diff then applies only what changed), and the records PowerSchool itself marks as ended
are removed explicitly (a dropped section enrollment, a student whose enrollment status
is no longer one of ``student_statuses``, a staff member inactive at every school). A
record deleted outright in PowerSchool is only noticed by a full run (its absence from a
full read becomes a tombstone), so schedule full runs too, e.g. nightly full and hourly
incremental. An incremental run costs as many requests as a full one; what it offers
is that it never deletes a record merely because a read did not return it.
"""

from __future__ import annotations

from typing import Final, Literal, Self

from pydantic import Field, SecretStr, model_validator

from interop_hub.connectors.sdk import HttpConnectorConfig

__all__ = ["DEFAULT_RACE_CODES", "EnrollStatus", "PowerSchoolConfig", "RaceField"]

EnrollStatus = Literal["A", "P", "T", "G", "H", "I"]
RaceField = Literal[
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
]

# PowerSchool's default federal race category codes (Districts > District Info > Federal
# Race Categories); a district with other codes configures race_codes.
DEFAULT_RACE_CODES: Final[dict[str, RaceField]] = {
    "I": "americanIndianOrAlaskaNative",
    "A": "asian",
    "B": "blackOrAfricanAmerican",
    "P": "nativeHawaiianOrOtherPacificIslander",
    "W": "white",
}


_ACTIVE_ONLY: Final[list[EnrollStatus]] = ["A"]


class PowerSchoolConfig(HttpConnectorConfig):
    base_url: str = Field(
        description="The PowerSchool server, e.g. https://powerschool.springfield.k12.example "
        "(without /ws/v1)."
    )
    client_id: str = Field(
        min_length=1,
        description="The plugin's client id (Plugin Management Configuration > the plugin > "
        "Data Provider Configuration).",
    )
    client_secret: SecretStr = Field(description="The plugin's client secret.")
    page_size: int = Field(
        default=100,
        ge=1,
        le=10000,
        description="pagesize to ask for. PowerSchool caps it at the plugin's maximum page "
        "size per resource (Plugin Management Configuration > Data Configuration).",
    )
    school_ids: list[int] = Field(
        default_factory=list,
        description="Only these schools (their ids, SCHOOLS.DCID). Empty: every school of "
        "the district.",
    )
    student_statuses: list[EnrollStatus] = Field(
        default_factory=lambda: _ACTIVE_ONLY.copy(),
        min_length=1,
        description="Enrollment statuses of the students to roster: A active, P "
        "pre-registered, T transferred out, G graduated, H historical, I inactive. Other "
        "students are not rostered (a full run removes them; an incremental run marks them "
        "tobedeleted).",
    )
    include_demographics: bool = Field(
        default=True,
        description="Read the demographics and ethnicity_race expansions of students (birth "
        "date, sex, race, ethnicity). Off: the hub holds no demographics from this source.",
    )
    race_codes: dict[str, RaceField] = Field(
        default_factory=lambda: dict(DEFAULT_RACE_CODES),
        description="Federal race category code (a student race's federal_race_code_category) "
        "-> OneRoster demographics flag.",
    )
    district_id: str | None = Field(
        default=None,
        description="sourcedId of the district org. Empty: the district's uuid, else "
        "'district:' plus its district number.",
    )

    @model_validator(mode="after")
    def _server_root(self) -> Self:
        base = self.base_url.rstrip("/")
        for suffix in ("/ws/v1", "/ws", "/oauth/access_token"):
            if base.lower().endswith(suffix):
                raise ValueError(
                    f"base_url ends in {suffix}: give the PowerSchool server's root URL "
                    f"({base[: -len(suffix)] or 'https://...'})"
                )
        return self

    @property
    def server(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def token_url(self) -> str:
        return f"{self.server}/oauth/access_token"
