"""What the CSV readers emit: named streams of flat tuples, and the references between them.

This is pure data shared by the readers (which fill the streams) and by ``interop_hub.sync``
(which stages, resolves and applies them). Field names of entity streams equal the columns
of the canonical tables, except ``*_key`` fields: they hold the *source's* sourcedId of a
referenced record; the sync resolves each to a hub id in the field named by the reference.

Entity streams start with ``ENTITY_PREFIX``:

* ``line``: the CSV line of the record (for reports);
* ``source_key``: the source's sourcedId;
* ``status``: ``active`` or ``tobedeleted``;
* ``tombstone``: True for a delta ``tobedeleted`` row: only its key is read and it just
  marks the held record ``tobedeleted`` (its other cells are ignored);
* ``row_hash``: digest of every content cell, to detect real changes;
* ``extension``: the ``metadata.*`` cells as a JSON object (or None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "ENTITY_FILES",
    "ENTITY_PREFIX",
    "REFERENCES",
    "STREAMS",
    "Kind",
    "Reference",
    "Stream",
]

Kind = Literal["text", "int", "bool", "date", "json"]

ENTITY_PREFIX: Final[tuple[tuple[str, Kind], ...]] = (
    ("line", "int"),
    ("source_key", "text"),
    ("status", "text"),
    ("tombstone", "bool"),
    ("row_hash", "text"),
    ("extension", "json"),
)


@dataclass(frozen=True)
class Stream:
    """A staged stream. ``entity``/``table`` are set for streams that become canonical rows."""

    name: str
    file: str
    fields: tuple[tuple[str, Kind], ...]
    entity: str | None = None
    table: str | None = None
    # Resolved canonical columns that keep the stored value when the package leaves them null.
    keep_if_null: tuple[str, ...] = ()
    # The hub id is not allocated but comes from a reference (demographics → user).
    keyed_by_reference: bool = False

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    @property
    def content_fields(self) -> tuple[str, ...]:
        """Fields copied as-is into the canonical table (not the prefix, not ``*_key``)."""
        skip = {name for name, _ in ENTITY_PREFIX} - {"extension"}
        return tuple(n for n in self.field_names if n not in skip and not n.endswith("_key"))


@dataclass(frozen=True)
class Reference:
    """``stream.key_field`` names a record of entity type ``target``; its hub id goes into
    ``hub_field``. ``file``/``column`` name the CSV cell for reports. Required references that
    resolve nowhere are errors, unless the target's file is ``absent`` (then the hub reserves
    the id and warns); optional ones are dropped with a warning."""

    stream: str
    key_field: str
    hub_field: str
    target: str
    required: bool
    file: str
    column: str


def _entity(*fields: tuple[str, Kind]) -> tuple[tuple[str, Kind], ...]:
    return ENTITY_PREFIX + fields


T: Final = "text"
STREAMS: Final[dict[str, Stream]] = {
    s.name: s
    for s in (
        Stream(
            "orgs",
            "orgs",
            _entity(("name", T), ("type", T), ("identifier", T), ("parent_key", T)),
            entity="org",
            table="orgs",
        ),
        Stream(
            "academic_sessions",
            "academicSessions",
            _entity(
                ("title", T),
                ("type", T),
                ("start_date", "date"),
                ("end_date", "date"),
                ("parent_key", T),
                ("school_year", T),
            ),
            entity="academicSession",
            table="academic_sessions",
            keep_if_null=("org_id",),
        ),
        Stream(
            "courses",
            "courses",
            _entity(
                ("title", T),
                ("course_code", T),
                ("school_year_key", T),
                ("org_key", T),
                ("grades", "json"),
                ("subjects", "json"),
                ("subject_codes", "json"),
            ),
            entity="course",
            table="courses",
        ),
        Stream(
            "classes",
            "classes",
            _entity(
                ("title", T),
                ("class_code", T),
                ("class_type", T),
                ("location", T),
                ("course_key", T),
                ("school_key", T),
                ("grades", "json"),
                ("subjects", "json"),
                ("subject_codes", "json"),
                ("periods", "json"),
            ),
            entity="class",
            table="classes",
        ),
        Stream(
            "class_terms",
            "classes",
            (("line", "int"), ("class_key", T), ("term_key", T), ("ordinal", "int")),
        ),
        Stream(
            "users",
            "users",
            _entity(
                ("enabled_user", "bool"),
                ("username", T),
                ("user_ids", "json"),
                ("given_name", T),
                ("family_name", T),
                ("middle_name", T),
                ("preferred_first_name", T),
                ("preferred_middle_name", T),
                ("preferred_last_name", T),
                ("pronouns", T),
                ("identifier", T),
                ("user_master_identifier", T),
                ("email", T),
                ("sms", T),
                ("phone", T),
                ("grades", "json"),
                ("primary_org_key", T),
            ),
            entity="user",
            table="users",
        ),
        Stream(
            "user_agents",
            "users",
            (("line", "int"), ("user_key", T), ("agent_key", T), ("ordinal", "int")),
        ),
        # 1.1 layout: users.csv orgSourcedIds + scalar role become one role per org.
        Stream(
            "user_orgs",
            "users",
            (
                ("line", "int"),
                ("user_key", T),
                ("org_key", T),
                ("role", T),
                ("role_type", T),
                ("ordinal", "int"),
            ),
        ),
        # 1.2 roles.csv: keyed by its own sourcedId (kept in user_roles.source_key).
        Stream(
            "roles",
            "roles",
            _entity(
                ("user_key", T),
                ("role_type", T),
                ("role", T),
                ("org_key", T),
                ("profile_key", T),
                ("begin_date", "date"),
                ("end_date", "date"),
            ),
        ),
        Stream(
            "user_profiles",
            "userProfiles",
            _entity(
                ("user_key", T),
                ("profile_type", T),
                ("vendor_id", T),
                ("application_id", T),
                ("description", T),
                ("credentials", "json"),
            ),
            entity="userProfile",
            table="user_profiles",
        ),
        Stream(
            "demographics",
            "demographics",
            _entity(
                ("birth_date", "date"),
                ("sex", T),
                ("american_indian_or_alaska_native", "bool"),
                ("asian", "bool"),
                ("black_or_african_american", "bool"),
                ("native_hawaiian_or_other_pacific_islander", "bool"),
                ("white", "bool"),
                ("demographic_race_two_or_more_races", "bool"),
                ("hispanic_or_latino_ethnicity", "bool"),
                ("country_of_birth_code", T),
                ("state_of_birth_abbreviation", T),
                ("city_of_birth", T),
                ("public_school_residence_status", T),
            ),
            entity="demographics",
            table="demographics",
            keyed_by_reference=True,
        ),
        Stream(
            "enrollments",
            "enrollments",
            _entity(
                ("class_key", T),
                ("school_key", T),
                ("user_key", T),
                ("role", T),
                ("primary", "bool"),
                ("begin_date", "date"),
                ("end_date", "date"),
            ),
            entity="enrollment",
            table="enrollments",
        ),
    )
}

# Entity type → the CSV file that carries it (for manifest modes).
ENTITY_FILES: Final = {
    "org": "orgs",
    "academicSession": "academicSessions",
    "course": "courses",
    "class": "classes",
    "user": "users",
    "userProfile": "userProfiles",
    "enrollment": "enrollments",
}


def _ref(
    stream: str, key: str, hub: str, target: str, required: bool, file: str, column: str
) -> Reference:
    return Reference(stream, key, hub, target, required, file, column)


REFERENCES: Final[tuple[Reference, ...]] = (
    _ref("orgs", "parent_key", "parent_id", "org", False, "orgs", "parentSourcedId"),
    _ref(
        "academic_sessions",
        "parent_key",
        "parent_id",
        "academicSession",
        False,
        "academicSessions",
        "parentSourcedId",
    ),
    _ref(
        "courses",
        "school_year_key",
        "school_year_id",
        "academicSession",
        False,
        "courses",
        "schoolYearSourcedId",
    ),
    _ref("courses", "org_key", "org_id", "org", False, "courses", "orgSourcedId"),
    _ref("classes", "course_key", "course_id", "course", True, "classes", "courseSourcedId"),
    _ref("classes", "school_key", "school_id", "org", True, "classes", "schoolSourcedId"),
    _ref("class_terms", "class_key", "class_id", "class", True, "classes", "sourcedId"),
    _ref(
        "class_terms",
        "term_key",
        "term_id",
        "academicSession",
        True,
        "classes",
        "termSourcedIds",
    ),
    _ref(
        "users", "primary_org_key", "primary_org_id", "org", False, "users", "primaryOrgSourcedId"
    ),
    _ref("user_agents", "user_key", "user_id", "user", True, "users", "sourcedId"),
    _ref("user_agents", "agent_key", "agent_id", "user", False, "users", "agentSourcedIds"),
    _ref("user_orgs", "user_key", "user_id", "user", True, "users", "sourcedId"),
    _ref("user_orgs", "org_key", "org_id", "org", True, "users", "orgSourcedIds"),
    _ref("roles", "user_key", "user_id", "user", True, "roles", "userSourcedId"),
    _ref("roles", "org_key", "org_id", "org", True, "roles", "orgSourcedId"),
    _ref(
        "roles",
        "profile_key",
        "user_profile",
        "userProfile",
        False,
        "roles",
        "userProfileSourcedId",
    ),
    _ref("user_profiles", "user_key", "user_id", "user", True, "userProfiles", "userSourcedId"),
    _ref("demographics", "source_key", "hub_id", "user", True, "demographics", "sourcedId"),
    _ref("enrollments", "class_key", "class_id", "class", True, "enrollments", "classSourcedId"),
    _ref("enrollments", "school_key", "school_id", "org", True, "enrollments", "schoolSourcedId"),
    _ref("enrollments", "user_key", "user_id", "user", True, "enrollments", "userSourcedId"),
)
