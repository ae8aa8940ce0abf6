"""The canonical model: what the hub holds, independent of any wire format.

Ids in references are hub ids (the sourcedIds the hub emits). Optional fields are ``None``
when unknown; serializers omit them (OneRoster output carries no nulls).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from interop_hub.canonical.vocab import (
    ClassType,
    EnrollmentRole,
    OrgType,
    Role,
    RoleType,
    SessionType,
    Sex,
    Status,
)

__all__ = [
    "AcademicSession",
    "Class",
    "Course",
    "Demographics",
    "Enrollment",
    "Entity",
    "GuardianRelationship",
    "Org",
    "Person",
    "PersonRole",
    "UserId",
    "UserProfile",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entity(_Model):
    sourced_id: str = Field(min_length=1, max_length=255)
    status: Status = "active"
    date_last_modified: datetime | None = None
    metadata: dict[str, Any] | None = None


class Org(Entity):
    name: str = Field(min_length=1)
    type: OrgType
    identifier: str | None = None
    parent_id: str | None = None


class AcademicSession(Entity):
    title: str = Field(min_length=1)
    type: SessionType
    start_date: date
    end_date: date
    parent_id: str | None = None
    school_year: str = Field(pattern=r"^\d{4}$")
    org_id: str | None = None


class Course(Entity):
    title: str = Field(min_length=1)
    course_code: str = ""
    school_year_id: str | None = None
    org_id: str | None = None
    grades: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    subject_codes: tuple[str, ...] = ()


class Class(Entity):
    title: str = Field(min_length=1)
    class_code: str | None = None
    class_type: ClassType | None = None
    location: str | None = None
    course_id: str
    school_id: str
    term_ids: tuple[str, ...] = Field(min_length=1)
    grades: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    subject_codes: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()


class UserId(_Model):
    type: str
    identifier: str


class PersonRole(_Model):
    role_type: RoleType
    role: Role
    org_id: str
    user_profile: str | None = None
    begin_date: date | None = None
    end_date: date | None = None


class UserProfile(Entity):
    user_id: str
    profile_type: str
    vendor_id: str
    application_id: str | None = None
    description: str | None = None
    credentials: tuple[dict[str, str], ...] = ()


class Person(Entity):
    """A OneRoster user: student, teacher, guardian, administrator..."""

    enabled_user: bool = True
    username: str | None = None
    user_ids: tuple[UserId, ...] = ()
    given_name: str
    family_name: str
    middle_name: str | None = None
    preferred_first_name: str | None = None
    preferred_middle_name: str | None = None
    preferred_last_name: str | None = None
    pronouns: str | None = None
    identifier: str | None = None
    user_master_identifier: str | None = None
    email: str | None = None
    sms: str | None = None
    phone: str | None = None
    grades: tuple[str, ...] = ()
    primary_org_id: str | None = None
    roles: tuple[PersonRole, ...] = Field(min_length=1)
    agent_ids: tuple[str, ...] = ()


class GuardianRelationship(_Model):
    person_id: str
    related_person_id: str
    relationship: str | None = None


class Enrollment(Entity):
    user_id: str
    class_id: str
    school_id: str
    role: EnrollmentRole
    primary: bool | None = None
    begin_date: date | None = None
    end_date: date | None = None


class Demographics(Entity):
    """Keyed by the person's sourcedId."""

    birth_date: date | None = None
    sex: Sex | None = None
    american_indian_or_alaska_native: bool | None = None
    asian: bool | None = None
    black_or_african_american: bool | None = None
    native_hawaiian_or_other_pacific_islander: bool | None = None
    white: bool | None = None
    demographic_race_two_or_more_races: bool | None = None
    hispanic_or_latino_ethnicity: bool | None = None
    country_of_birth_code: str | None = None
    state_of_birth_abbreviation: str | None = None
    city_of_birth: str | None = None
    public_school_residence_status: str | None = None
