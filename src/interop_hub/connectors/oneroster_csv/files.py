"""One reader per OneRoster CSV file (1.1 and 1.2 layouts).

Mapping notes:

* ``preferredGivenName``/``preferredFamilyName`` (CSV) → ``preferred_first_name``/
  ``preferred_last_name`` (the REST/canonical names).
* Grades are normalised to CEDS codes; multi-value cells become JSON arrays.
* Passwords (users.csv ``password``, userProfiles.csv ``password``) are never read into a
  record: the hub is not a credential store. A warning says so once per file.
* 1.1 users.csv carries a scalar ``role`` and ``orgSourcedIds``: the first org becomes the
  ``primary`` role (and ``primaryOrg``), the others ``secondary``. The 1.1 role
  ``administrator`` has no 1.2 equivalent with the same name; it is mapped to
  ``siteAdministrator`` (a 1.1 administrator is scoped to the orgs listed on the user, which
  are schools in practice).
* demographics.csv: older producers name the key column ``userSourcedId`` and the birth
  date ``birthdate``; both are accepted.
* userProfiles.csv ``credentialType``+``username`` become one credential ``{type, username}``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

import orjson

from interop_hub.canonical.vocab import (
    CLASS_TYPES,
    ENROLLMENT_ROLES,
    ORG_TYPES,
    ROLE_TYPES,
    ROLES,
    SESSION_TYPES,
    SEX_VALUES,
)
from interop_hub.connectors.oneroster_csv.fast import FastField, fast_keys
from interop_hub.connectors.oneroster_csv.rows import FileReader
from interop_hub.connectors.oneroster_csv.values import CanonicalVocab, parse_user_ids

__all__ = [
    "READERS",
    "AcademicSessionsReader",
    "ClassesReader",
    "CoursesReader",
    "DemographicsReader",
    "EnrollmentsReader",
    "OrgsReader",
    "RolesReader",
    "UserProfilesReader",
    "Users11Reader",
    "Users12Reader",
]

ORG_TYPE: Final = CanonicalVocab(ORG_TYPES)
SESSION_TYPE: Final = CanonicalVocab(SESSION_TYPES)
CLASS_TYPE: Final = CanonicalVocab(CLASS_TYPES)
ENROLLMENT_ROLE: Final = CanonicalVocab(ENROLLMENT_ROLES)
ROLE: Final = CanonicalVocab(ROLES)
ROLE_11: Final = CanonicalVocab(ROLES, aliases={"administrator": "siteAdministrator"})
ROLE_TYPE: Final = CanonicalVocab(ROLE_TYPES, extensible=False)
SEX: Final = CanonicalVocab(SEX_VALUES)
_BASE: Final = {"sourcedId": True, "status": False, "dateLastModified": False}


class OrgsReader(FileReader):
    file = "orgs"
    columns: ClassVar[dict[str, bool]] = _BASE | {
        "name": True,
        "type": True,
        "identifier": False,
        "parentSourcedId": False,
    }

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("orgs", key, 4)
        parent = self.ref("parentSourcedId")
        if parent == key:
            self.warning("parentSourcedId", "an org cannot be its own parent; dropped", parent)
            parent = None
        content = (
            self.text("name", required=True),
            self.vocab("type", ORG_TYPE, required=True),
            self.text("identifier"),
            parent,
        )
        self.entity("orgs", key, status, content, 4)


class AcademicSessionsReader(FileReader):
    file = "academicSessions"
    columns: ClassVar[dict[str, bool]] = _BASE | {
        "title": True,
        "type": True,
        "startDate": True,
        "endDate": True,
        "parentSourcedId": False,
        "schoolYear": True,
    }

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("academic_sessions", key, 6)
        start = self.date("startDate", required=True)
        end = self.date("endDate", required=True)
        if start and end and end < start:
            self.warning("endDate", f"endDate is before startDate {start}", end)
        parent = self.ref("parentSourcedId")
        if parent == key:
            self.warning("parentSourcedId", "a session cannot be its own parent; dropped", parent)
            parent = None
        year = self.text("schoolYear", required=True)
        if year is not None and not (len(year) == 4 and year.isdigit()):
            self.error("schoolYear", "schoolYear must be a 4-digit year (YYYY)", year)
        content = (
            self.text("title", required=True),
            self.vocab("type", SESSION_TYPE, required=True),
            start,
            end,
            parent,
            year,
        )
        self.entity("academic_sessions", key, status, content, 6)


class CoursesReader(FileReader):
    file = "courses"
    columns: ClassVar[dict[str, bool]] = _BASE | {
        "schoolYearSourcedId": False,
        "title": True,
        "courseCode": False,
        "grades": False,
        "orgSourcedId": False,
        "subjects": False,
        "subjectCodes": False,
    }
    fast_stream: ClassVar[str | None] = "courses"
    fast_fields: ClassVar[tuple[FastField, ...]] = (
        ("title", "text!", None),
        ("courseCode", "text_or_empty", None),
        ("schoolYearSourcedId", "ref", None),
        ("orgSourcedId", "ref", None),
        ("grades", "grades", None),
        ("subjects", "strings", None),
        ("subjectCodes", "strings", None),
    )

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("courses", key, 7)
        content = (
            self.text("title", required=True),
            self.text("courseCode") or "",
            self.ref("schoolYearSourcedId"),
            self.ref("orgSourcedId"),
            self.grades("grades"),
            self.strings("subjects"),
            self.strings("subjectCodes"),
        )
        self.entity("courses", key, status, content, 7)


class ClassesReader(FileReader):
    file = "classes"
    columns: ClassVar[dict[str, bool]] = _BASE | {
        "title": True,
        "grades": False,
        "courseSourcedId": True,
        "classCode": False,
        "classType": False,
        "location": False,
        "schoolSourcedId": True,
        "termSourcedIds": True,
        "subjects": False,
        "subjectCodes": False,
        "periods": False,
    }
    fast_stream: ClassVar[str | None] = "classes"
    fast_fields: ClassVar[tuple[FastField, ...]] = (
        ("title", "text!", None),
        ("classCode", "text", None),
        ("classType", "vocab", CLASS_TYPE),
        ("location", "text", None),
        ("courseSourcedId", "ref!", None),
        ("schoolSourcedId", "ref!", None),
        ("grades", "grades", None),
        ("subjects", "strings", None),
        ("subjectCodes", "strings", None),
        ("periods", "strings", None),
    )

    def fast_extra(self, cells: list[str], key: str) -> object:
        i = self.index["termSourcedIds"]
        terms = fast_keys(cells[i])
        return terms if terms else False

    def fast_children(self, line: int, key: str, extra: Any) -> None:
        for ordinal, term in enumerate(extra):
            self.emit("class_terms", (line, key, term, ordinal))

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("classes", key, 10)
        terms = self.keys("termSourcedIds", required=True)
        content = (
            self.text("title", required=True),
            self.text("classCode"),
            self.vocab("classType", CLASS_TYPE),
            self.text("location"),
            self.ref("courseSourcedId", required=True),
            self.ref("schoolSourcedId", required=True),
            self.grades("grades"),
            self.strings("subjects"),
            self.strings("subjectCodes"),
            self.strings("periods"),
        )
        self.entity("classes", key, status, content, 10, extra=terms)
        if self.ok:
            for ordinal, term in enumerate(terms):
                self.emit("class_terms", (self.line, key, term, ordinal))


class _UsersReader(FileReader):
    file = "users"
    _warned_password = False

    def common(self, key: str) -> tuple[bool | None, str | None, str | None, list[str]]:
        enabled = self.boolean("enabledUser", required=True)
        user_ids: str | None = None
        raw_ids = self.raw("userIds")
        if raw_ids:
            try:
                user_ids = orjson.dumps(parse_user_ids(raw_ids)).decode()
            except ValueError as exc:
                self.error("userIds", str(exc), raw_ids)
        if self.raw("password") and not self._warned_password:
            self._warned_password = True
            self.warning("password", "passwords are never stored by the hub; column ignored")
        agents = self.keys("agentSourcedIds")
        if key in agents:
            self.warning("agentSourcedIds", "a user cannot be their own agent; dropped", key)
            agents = [a for a in agents if a != key]
        return enabled, user_ids, self.grades("grades"), agents

    def emit_agents(self, key: str, agents: list[str]) -> None:
        for ordinal, agent in enumerate(agents):
            self.emit("user_agents", (self.line, key, agent, ordinal))


_USER_COMMON: Final = {
    "enabledUser": True,
    "username": False,
    "userIds": False,
    "givenName": True,
    "familyName": True,
    "middleName": False,
    "identifier": False,
    "email": False,
    "sms": False,
    "phone": False,
    "agentSourcedIds": False,
    "grades": False,
    "password": False,
}


class Users12Reader(_UsersReader):
    """1.2 layout: roles come from roles.csv."""

    columns: ClassVar[dict[str, bool]] = (
        _BASE
        | _USER_COMMON
        | {
            "userMasterIdentifier": False,
            "preferredGivenName": False,
            "preferredMiddleName": False,
            "preferredFamilyName": False,
            "primaryOrgSourcedId": False,
            "pronouns": False,
        }
    )
    fast_stream: ClassVar[str | None] = "users"
    fast_fields: ClassVar[tuple[FastField, ...]] = (
        ("enabledUser", "bool!", None),
        ("username", "text", None),
        ("userIds", "user_ids", None),
        ("givenName", "text!", None),
        ("familyName", "text!", None),
        ("middleName", "text", None),
        ("preferredGivenName", "text", None),
        ("preferredMiddleName", "text", None),
        ("preferredFamilyName", "text", None),
        ("pronouns", "text", None),
        ("identifier", "text", None),
        ("userMasterIdentifier", "text", None),
        ("email", "text", None),
        ("sms", "text", None),
        ("phone", "text", None),
        ("grades", "grades", None),
        ("primaryOrgSourcedId", "ref", None),
    )

    def fast_extra(self, cells: list[str], key: str) -> object:
        if not self._warned_password:
            i = self.index.get("password")
            if i is not None and cells[i].strip():
                return False  # the careful path warns once
        i = self.index.get("agentSourcedIds")
        if i is None:
            return []
        agents = fast_keys(cells[i], key)
        return False if agents is None else agents

    def fast_children(self, line: int, key: str, extra: Any) -> None:
        for ordinal, agent in enumerate(extra):
            self.emit("user_agents", (line, key, agent, ordinal))

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("users", key, 17)
        enabled, user_ids, grades, agents = self.common(key)
        content = (
            enabled,
            self.text("username"),
            user_ids,
            self.text("givenName", required=True),
            self.text("familyName", required=True),
            self.text("middleName"),
            self.text("preferredGivenName"),
            self.text("preferredMiddleName"),
            self.text("preferredFamilyName"),
            self.text("pronouns"),
            self.text("identifier"),
            self.text("userMasterIdentifier"),
            self.text("email"),
            self.text("sms"),
            self.text("phone"),
            grades,
            self.ref("primaryOrgSourcedId"),
        )
        self.entity("users", key, status, content, 17, extra=agents)
        if self.ok:
            self.emit_agents(key, agents)


class Users11Reader(Users12Reader):
    """1.1 layout: scalar ``role`` + ``orgSourcedIds`` (see the module notes)."""

    columns: ClassVar[dict[str, bool]] = (
        _BASE | _USER_COMMON | {"orgSourcedIds": True, "role": True}
    )
    fast_stream: ClassVar[str | None] = None  # the role list is part of the record

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("users", key, 17)
        enabled, user_ids, grades, agents = self.common(key)
        orgs = self.keys("orgSourcedIds", required=True)
        role = self.vocab("role", ROLE_11, required=True)
        content = (
            enabled,
            self.text("username"),
            user_ids,
            self.text("givenName", required=True),
            self.text("familyName", required=True),
            self.text("middleName"),
            None,
            None,
            None,
            None,
            self.text("identifier"),
            None,
            self.text("email"),
            self.text("sms"),
            self.text("phone"),
            grades,
            orgs[0] if orgs else None,
        )
        # The org list and role are the user's roles in 1.1: part of the hash.
        self.entity("users", key, status, content, 17, extra=(agents, orgs, role))
        if not self.ok:
            return
        self.emit_agents(key, agents)
        for ordinal, org in enumerate(orgs):
            role_type = "primary" if ordinal == 0 else "secondary"
            self.emit("user_orgs", (self.line, key, org, role, role_type, ordinal))


class RolesReader(FileReader):
    file = "roles"
    columns: ClassVar[dict[str, bool]] = _BASE | {
        "userSourcedId": True,
        "roleType": True,
        "role": True,
        "beginDate": False,
        "endDate": False,
        "orgSourcedId": True,
        "userProfileSourcedId": False,
    }
    fast_stream: ClassVar[str | None] = "roles"
    fast_fields: ClassVar[tuple[FastField, ...]] = (
        ("userSourcedId", "ref!", None),
        ("roleType", "vocab!", ROLE_TYPE),
        ("role", "vocab!", ROLE),
        ("orgSourcedId", "ref!", None),
        ("userProfileSourcedId", "ref", None),
        ("beginDate", "date", None),
        ("endDate", "date", None),
    )

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("roles", key, 7)
        content = (
            self.ref("userSourcedId", required=True),
            self.vocab("roleType", ROLE_TYPE, required=True),
            self.vocab("role", ROLE, required=True),
            self.ref("orgSourcedId", required=True),
            self.ref("userProfileSourcedId"),
            self.date("beginDate"),
            self.date("endDate"),
        )
        self.entity("roles", key, status, content, 7)


class UserProfilesReader(FileReader):
    file = "userProfiles"
    columns: ClassVar[dict[str, bool]] = _BASE | {
        "userSourcedId": True,
        "profileType": True,
        "vendorId": True,
        "applicationId": False,
        "description": False,
        "credentialType": False,
        "username": False,
        "password": False,
    }
    _warned_password = False

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("user_profiles", key, 6)
        ctype, username = self.raw("credentialType"), self.raw("username")
        credentials: str | None = None
        if ctype or username:
            if not ctype:
                self.error("credentialType", "a credential needs a type when it has a username")
            if not username:
                self.error("username", "a credential needs a username when it has a type")
            credentials = orjson.dumps([{"type": ctype, "username": username}]).decode()
        if self.raw("password") and not self._warned_password:
            self._warned_password = True
            self.warning("password", "passwords are never stored by the hub; column ignored")
        content = (
            self.ref("userSourcedId", required=True),
            self.text("profileType", required=True),
            self.text("vendorId", required=True),
            self.text("applicationId"),
            self.text("description"),
            credentials,
        )
        self.entity("user_profiles", key, status, content, 6)


class DemographicsReader(FileReader):
    file = "demographics"
    columns: ClassVar[dict[str, bool]] = _BASE | {
        "birthDate": False,
        "sex": False,
        "americanIndianOrAlaskaNative": False,
        "asian": False,
        "blackOrAfricanAmerican": False,
        "nativeHawaiianOrOtherPacificIslander": False,
        "white": False,
        "demographicRaceTwoOrMoreRaces": False,
        "hispanicOrLatinoEthnicity": False,
        "countryOfBirthCode": False,
        "stateOfBirthAbbreviation": False,
        "cityOfBirth": False,
        "publicSchoolResidenceStatus": False,
    }
    aliases: ClassVar[dict[str, str]] = {"userSourcedId": "sourcedId", "birthdate": "birthDate"}
    fast_stream: ClassVar[str | None] = "demographics"
    fast_fields: ClassVar[tuple[FastField, ...]] = (
        ("birthDate", "date", None),
        ("sex", "vocab", SEX),
        ("americanIndianOrAlaskaNative", "bool", None),
        ("asian", "bool", None),
        ("blackOrAfricanAmerican", "bool", None),
        ("nativeHawaiianOrOtherPacificIslander", "bool", None),
        ("white", "bool", None),
        ("demographicRaceTwoOrMoreRaces", "bool", None),
        ("hispanicOrLatinoEthnicity", "bool", None),
        ("countryOfBirthCode", "text", None),
        ("stateOfBirthAbbreviation", "text", None),
        ("cityOfBirth", "text", None),
        ("publicSchoolResidenceStatus", "text", None),
    )

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("demographics", key, 13)
        content = (
            self.date("birthDate"),
            self.vocab("sex", SEX),
            self.boolean("americanIndianOrAlaskaNative"),
            self.boolean("asian"),
            self.boolean("blackOrAfricanAmerican"),
            self.boolean("nativeHawaiianOrOtherPacificIslander"),
            self.boolean("white"),
            self.boolean("demographicRaceTwoOrMoreRaces"),
            self.boolean("hispanicOrLatinoEthnicity"),
            self.text("countryOfBirthCode"),
            self.text("stateOfBirthAbbreviation"),
            self.text("cityOfBirth"),
            self.text("publicSchoolResidenceStatus"),
        )
        self.entity("demographics", key, status, content, 13)


class EnrollmentsReader(FileReader):
    file = "enrollments"
    columns: ClassVar[dict[str, bool]] = _BASE | {
        "classSourcedId": True,
        "schoolSourcedId": True,
        "userSourcedId": True,
        "role": True,
        "primary": False,
        "beginDate": False,
        "endDate": False,
    }
    fast_stream: ClassVar[str | None] = "enrollments"
    fast_fields: ClassVar[tuple[FastField, ...]] = (
        ("classSourcedId", "ref!", None),
        ("schoolSourcedId", "ref!", None),
        ("userSourcedId", "ref!", None),
        ("role", "vocab!", ENROLLMENT_ROLE),
        ("primary", "bool", None),
        ("beginDate", "date", None),
        ("endDate", "date", None),
    )

    def convert(self) -> None:
        head = self.head()
        if head is None:
            return
        key, status, tomb = head
        if tomb:
            return self.tombstone("enrollments", key, 7)
        content = (
            self.ref("classSourcedId", required=True),
            self.ref("schoolSourcedId", required=True),
            self.ref("userSourcedId", required=True),
            self.vocab("role", ENROLLMENT_ROLE, required=True),
            self.boolean("primary"),
            self.date("beginDate"),
            self.date("endDate"),
        )
        self.entity("enrollments", key, status, content, 7)


READERS: Final[dict[str, type[FileReader]]] = {
    "orgs": OrgsReader,
    "academicSessions": AcademicSessionsReader,
    "courses": CoursesReader,
    "classes": ClassesReader,
    "roles": RolesReader,
    "userProfiles": UserProfilesReader,
    "demographics": DemographicsReader,
    "enrollments": EnrollmentsReader,
}
