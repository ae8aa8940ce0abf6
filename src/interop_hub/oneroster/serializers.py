"""Canonical rows → OneRoster 1.2 and 1.1 wire dicts (pure: no SQL, no FastAPI).

Each entity has a ``Shape``: an ordered list of output fields. A field names the columns
and related sub-rows it needs, so ``fields=`` projection selects and loads only those.
Rules applied everywhere:

* absent optional values are omitted (never ``null``); empty optional arrays are omitted;
  required arrays (``roles``, ``terms``) are always present;
* booleans are the strings ``"true"``/``"false"``; dates ``YYYY-MM-DD``;
  ``dateLastModified`` ISO 8601 UTC with milliseconds and ``Z``;
* references are GUIDRefs ``{href, sourcedId, type}`` with absolute hrefs;
* ``metadata`` comes from the row's ``extension`` column.

JSON array columns (``userIds``, ``grades``, ``subjects``...) are stored in their wire form
(the importer writes them with orjson; PostgreSQL hands them over as ``jsonb::text``, see
``entities.py``). When the stored text provably *is* the wire value (a strict pattern:
a non-empty array of strings, or of ``{type, identifier}`` objects with non-empty strings,
no escapes that could hide a lone surrogate), it is embedded as an ``orjson.Fragment``
without being parsed; anything else takes the parse-and-rebuild path, so the output is
the same JSON value either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final

import orjson

from interop_hub.core.errors import InvalidSelectionField
from interop_hub.oneroster.render import OutputField, Plan, RenderContext, RowFn
from interop_hub.oneroster.roles import v1p1_role

__all__ = ["SHAPES", "Shape"]


_PLAN_CACHE_SIZE: Final = 512

# ---- value converters (accept SQLite text and PostgreSQL native values) -------------------


def fmt_datetime(value: Any) -> str:
    if isinstance(value, str):  # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)
        if len(value) >= 23 and value[10] in " T" and value[19] == ".":
            return f"{value[:10]}T{value[11:23]}Z"
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return f"{value.isoformat(timespec='milliseconds')}Z"


def fmt_date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value[:10]
    if isinstance(value, datetime):
        return value.date().isoformat()
    assert isinstance(value, date)
    return value.isoformat()


def fmt_bool(value: Any) -> str | None:
    if value is None:
        return None
    return "true" if value else "false"


def load_json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def str_list(value: Any) -> list[str] | None:
    items = load_json(value)
    if not items or not isinstance(items, list):
        return None
    return [str(item) for item in items if item is not None] or None


# ---- stored JSON that already is the wire value ------------------------------------------

_WS: Final = r"[ \t\n\r]*"
# The inside of a JSON string: no raw control characters, valid escapes only, and no
# \uD800-\uDFFF escapes (a lone surrogate would be invalid output; such text is parsed).
_UNESCAPED: Final = r'[^"\\\x00-\x1f]*'
_ESCAPE: Final = r'\\(?:["\\/bfnrt]|u(?![dD][89a-fA-F])[0-9a-fA-F]{4})'
_CHARS: Final = f"{_UNESCAPED}(?:{_ESCAPE}{_UNESCAPED})*"
_STR: Final = f'"{_CHARS}"'
_NONEMPTY_STR: Final = f'"(?!"){_CHARS}"'
_USER_ID: Final = (
    rf'\{{{_WS}"type"{_WS}:{_WS}{_NONEMPTY_STR}{_WS},'
    rf'{_WS}"identifier"{_WS}:{_WS}{_NONEMPTY_STR}{_WS}\}}'
)
_STR_ARRAY: Final = re.compile(rf"\[{_WS}{_STR}(?:{_WS},{_WS}{_STR})*{_WS}\]").fullmatch
_USER_ID_ARRAY: Final = re.compile(rf"\[{_WS}{_USER_ID}(?:{_WS},{_WS}{_USER_ID})*{_WS}\]").fullmatch


def json_strings(value: Any) -> Any:
    """A JSON array of strings (``grades``, ``subjects``...): omitted when empty."""
    if isinstance(value, str) and _STR_ARRAY(value):
        return orjson.Fragment(value)
    return str_list(value)


def user_ids(value: Any) -> Any:
    """``userIds``: ``[{type, identifier}]``, items without both dropped, omitted when empty."""
    if isinstance(value, str) and _USER_ID_ARRAY(value):
        return orjson.Fragment(value)
    items = load_json(value)
    if not items or not isinstance(items, list):
        return None
    out = [
        {"type": str(item["type"]), "identifier": str(item["identifier"])}
        for item in items
        if isinstance(item, dict) and item.get("type") and item.get("identifier")
    ]
    return out or None


def metadata(value: Any) -> dict[str, Any] | None:
    data = load_json(value)
    return data if isinstance(data, dict) and data else None


# ---- output fields ---------------------------------------------------------------------------


def _col(
    name: str, key: str, convert: Callable[[Any], Any] | None = None, *, cached: bool = False
) -> OutputField:
    if convert is None:
        return OutputField(name, (key,), "plain")
    return OutputField(name, (key,), "convert", convert=convert, cached=cached)


def text(name: str, key: str) -> OutputField:
    """Optional text: omitted when NULL or empty."""
    return OutputField(name, (key,), "text")


def required_text(name: str, key: str) -> OutputField:
    """Required text: ``""`` when the store has nothing (the schema forbids omitting it)."""
    return OutputField(name, (key,), "required")


def boolean(name: str, key: str) -> OutputField:
    """``"true"``/``"false"`` (as ``fmt_bool``), compiled inline."""
    return OutputField(name, (key,), "bool")


def a_date(name: str, key: str) -> OutputField:
    return _col(name, key, fmt_date, cached=True)


def strings(name: str, key: str) -> OutputField:
    return _col(name, key, json_strings, cached=True)


def ref(name: str, key: str, kind: str) -> OutputField:
    return OutputField(name, (key,), "ref", ref_type=kind)


def related_refs(name: str, loader: str, kind: str, *, required: bool = False) -> OutputField:
    """A list of refs from a related loader whose items are target sourcedIds."""

    def make(idx: Mapping[str, int], ctx: RenderContext) -> RowFn:
        i = idx["sourced_id"]
        data = ctx.related[loader]
        cache, make_ref = ctx.refs(kind)
        get = cache.get
        empty: list[Any] | None = [] if required else None

        def build(row: Sequence[Any]) -> list[dict[str, str]] | None:
            ids = data.get(row[i])
            return [get(x) or make_ref(x) for x in ids] if ids else empty

        return build

    return OutputField(name, ("sourced_id",), make=make, related=(loader,))


def _base() -> list[OutputField]:
    return [
        _col("sourcedId", "sourced_id"),
        _col("status", "status"),
        _col("dateLastModified", "date_last_modified", fmt_datetime, cached=True),
        _col("metadata", "extension", metadata),
    ]


@dataclass(frozen=True)
class Shape:
    entity: str
    fields: tuple[OutputField, ...]
    _plans: dict[tuple[str, ...] | None, Plan] = field(default_factory=dict, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def plan(self, selection: tuple[str, ...] | None, extra_columns: Iterable[str] = ()) -> Plan:
        """The plan for ``fields=selection``; raises ``InvalidSelectionField`` on unknowns."""
        key = (*selection, "|", *extra_columns) if selection else ("|", *extra_columns)
        cached = self._plans.get(key)
        if cached is not None:
            return cached
        by_name = {f.name: f for f in self.fields}
        if selection:
            unknown = [name for name in selection if name not in by_name]
            if unknown:
                raise InvalidSelectionField(
                    f"Unknown field(s) in fields: {', '.join(unknown)}; {self.entity} has: "
                    f"{', '.join(self.names)}."
                )
            chosen = tuple(f for f in self.fields if f.name in selection)
        else:
            chosen = self.fields
        columns = ["sourced_id"]
        related: list[str] = []
        for f in chosen:
            columns.extend(c for c in f.columns if c not in columns)
            related.extend(r for r in f.related if r not in related)
        columns.extend(c for c in extra_columns if c not in columns)
        plan = Plan(chosen, tuple(columns), tuple(related))
        if len(self._plans) < _PLAN_CACHE_SIZE:
            self._plans[key] = plan
        return plan


# ---- entity shapes ---------------------------------------------------------------------------


def _org() -> Shape:
    return Shape(
        "org",
        (
            *_base(),
            _col("name", "name"),
            _col("type", "type"),
            required_text("identifier", "identifier"),
            ref("parent", "parent_id", "org"),
            related_refs("children", "org_children", "org"),
        ),
    )


def _session() -> Shape:
    return Shape(
        "academicSession",
        (
            *_base(),
            _col("title", "title"),
            a_date("startDate", "start_date"),
            a_date("endDate", "end_date"),
            _col("type", "type"),
            ref("parent", "parent_id", "academicSession"),
            related_refs("children", "session_children", "academicSession"),
            _col("schoolYear", "school_year"),
        ),
    )


def _course() -> Shape:
    return Shape(
        "course",
        (
            *_base(),
            _col("title", "title"),
            ref("schoolYear", "school_year_id", "academicSession"),
            required_text("courseCode", "course_code"),
            strings("grades", "grades"),
            strings("subjects", "subjects"),
            ref("org", "org_id", "org"),
            strings("subjectCodes", "subject_codes"),
        ),
    )


def _class() -> Shape:
    return Shape(
        "class",
        (
            *_base(),
            _col("title", "title"),
            text("classCode", "class_code"),
            text("classType", "class_type"),
            text("location", "location"),
            strings("grades", "grades"),
            strings("subjects", "subjects"),
            ref("course", "course_id", "course"),
            ref("school", "school_id", "org"),
            related_refs("terms", "class_terms", "academicSession", required=True),
            strings("subjectCodes", "subject_codes"),
            strings("periods", "periods"),
        ),
    )


def _enrollment() -> Shape:
    return Shape(
        "enrollment",
        (
            *_base(),
            ref("user", "user_id", "user"),
            ref("class", "class_id", "class"),
            ref("school", "school_id", "org"),
            _col("role", "role"),
            boolean("primary", "primary"),
            a_date("beginDate", "begin_date"),
            a_date("endDate", "end_date"),
        ),
    )


_DEMOGRAPHIC_FLAGS: Final = (
    ("americanIndianOrAlaskaNative", "american_indian_or_alaska_native"),
    ("asian", "asian"),
    ("blackOrAfricanAmerican", "black_or_african_american"),
    ("nativeHawaiianOrOtherPacificIslander", "native_hawaiian_or_other_pacific_islander"),
    ("white", "white"),
    ("demographicRaceTwoOrMoreRaces", "demographic_race_two_or_more_races"),
    ("hispanicOrLatinoEthnicity", "hispanic_or_latino_ethnicity"),
)


def _demographics() -> Shape:
    return Shape(
        "demographics",
        (
            *_base(),
            a_date("birthDate", "birth_date"),
            text("sex", "sex"),
            *(boolean(name, key) for name, key in _DEMOGRAPHIC_FLAGS),
            text("countryOfBirthCode", "country_of_birth_code"),
            text("stateOfBirthAbbreviation", "state_of_birth_abbreviation"),
            text("cityOfBirth", "city_of_birth"),
            text("publicSchoolResidenceStatus", "public_school_residence_status"),
        ),
    )


def _user_ids() -> OutputField:
    return _col("userIds", "user_ids", user_ids)


# Sub-row layouts: roles are (role_type, role, org_id, user_profile, begin_date, end_date);
# profiles are (sourced_id, profile_type, vendor_id, application_id, credentials). 1.2 users
# get them as JSON arrays of those rows embedded in the page query (``roles_list``,
# ``agents_list``, ``profiles_list``; see ``repository.EMBEDDED``): text, ``'[]'`` or NULL
# when there are none. 1.1 users read roles and agents with the related loaders.


def _role_item(role: Sequence[Any], org: dict[str, str]) -> dict[str, Any]:
    role_type, role_name, _org_id, profile, begin, end = role
    out: dict[str, Any] = {"roleType": role_type, "role": role_name, "org": org}
    if profile:
        out["userProfile"] = profile
    if begin is not None:
        out["beginDate"] = fmt_date(begin)
    if end is not None:
        out["endDate"] = fmt_date(end)
    return out


def _roles() -> OutputField:
    """``roles`` (required, ``[]`` when none). Users of one school and role share the same
    roles text, so each distinct text is rendered and encoded once per page."""

    def make(idx: Mapping[str, int], ctx: RenderContext) -> RowFn:
        i = idx["roles_list"]
        org_refs, make_org = ctx.refs("org")
        encoded: dict[str | None, orjson.Fragment] = {}
        get = encoded.get

        def encode(text: str | None) -> orjson.Fragment:
            items = [
                _role_item(role, org_refs.get(role[2]) or make_org(role[2]))
                for role in load_json(text) or ()
            ]
            fragment = encoded[text] = orjson.Fragment(orjson.dumps(items))
            return fragment

        def build(row: Sequence[Any]) -> orjson.Fragment:
            text = row[i]
            found = get(text)
            return encode(text) if found is None else found

        return build

    return OutputField("roles", ("roles_list",), make=make)


def _agents() -> OutputField:
    def make(idx: Mapping[str, int], ctx: RenderContext) -> RowFn:
        i = idx["agents_list"]
        cache, make_ref = ctx.refs("user")
        get = cache.get
        loads = orjson.loads

        def build(row: Sequence[Any]) -> list[dict[str, str]] | None:
            text = row[i]
            if text is None or text == "[]":
                return None
            return [get(x) or make_ref(x) for x in loads(text)]

        return build

    return OutputField("agents", ("agents_list",), make=make)


def _profile_item(profile: Sequence[Any]) -> dict[str, Any]:
    profile_id, profile_type, vendor_id, application_id, credentials = profile
    item: dict[str, Any] = {
        "profileId": profile_id,
        "profileType": profile_type,
        "vendorId": vendor_id,
    }
    if application_id:
        item["applicationId"] = application_id
    creds = [
        {"type": str(c["type"]), "username": str(c["username"])}
        for c in load_json(credentials) or ()
        if isinstance(c, dict) and c.get("type") and c.get("username")
    ]
    if creds:
        item["credentials"] = creds
    return item


def _profiles() -> OutputField:
    def make(idx: Mapping[str, int], ctx: RenderContext) -> RowFn:
        i = idx["profiles_list"]

        def build(row: Sequence[Any]) -> list[dict[str, Any]] | None:
            text = row[i]
            if text is None or text == "[]":
                return None
            return [_profile_item(profile) for profile in orjson.loads(text)] or None

        return build

    return OutputField("userProfiles", ("profiles_list",), make=make)


def _v1p1_role() -> OutputField:
    def make(idx: Mapping[str, int], ctx: RenderContext) -> RowFn:
        i = idx["sourced_id"]
        data = ctx.related["roles"]

        def build(row: Sequence[Any]) -> str | None:
            roles = data.get(row[i])
            if not roles:
                return None
            primary = next((r for r in roles if r[0] == "primary"), roles[0])
            return v1p1_role(primary[1])

        return build

    return OutputField("role", ("sourced_id",), make=make, related=("roles",))


def _v1p1_orgs() -> OutputField:
    def make(idx: Mapping[str, int], ctx: RenderContext) -> RowFn:
        i = idx["sourced_id"]
        data = ctx.related["roles"]
        get = ctx.ref

        def build(row: Sequence[Any]) -> list[dict[str, str]]:
            org_ids = dict.fromkeys(r[2] for r in data.get(row[i], ()))
            return [get("org", org_id) for org_id in org_ids]

        return build

    return OutputField("orgs", ("sourced_id",), make=make, related=("roles",))


def _user_v1p2() -> Shape:
    return Shape(
        "user",
        (
            *_base(),
            text("userMasterIdentifier", "user_master_identifier"),
            text("username", "username"),
            _user_ids(),
            boolean("enabledUser", "enabled_user"),
            _col("givenName", "given_name"),
            _col("familyName", "family_name"),
            text("middleName", "middle_name"),
            text("preferredFirstName", "preferred_first_name"),
            text("preferredMiddleName", "preferred_middle_name"),
            text("preferredLastName", "preferred_last_name"),
            text("pronouns", "pronouns"),
            _roles(),
            _profiles(),
            ref("primaryOrg", "primary_org_id", "org"),
            text("identifier", "identifier"),
            text("email", "email"),
            text("sms", "sms"),
            text("phone", "phone"),
            _agents(),
            strings("grades", "grades"),
        ),
    )


def _user_v1p1() -> Shape:
    return Shape(
        "user",
        (
            *_base(),
            text("username", "username"),
            _user_ids(),
            boolean("enabledUser", "enabled_user"),
            _col("givenName", "given_name"),
            _col("familyName", "family_name"),
            text("middleName", "middle_name"),
            _v1p1_role(),
            text("identifier", "identifier"),
            text("email", "email"),
            text("sms", "sms"),
            text("phone", "phone"),
            related_refs("agents", "agents", "user"),
            _v1p1_orgs(),
            strings("grades", "grades"),
        ),
    )


def _shapes(user: Shape) -> dict[str, Shape]:
    return {
        "org": _org(),
        "academicSession": _session(),
        "course": _course(),
        "class": _class(),
        "enrollment": _enrollment(),
        "demographics": _demographics(),
        "user": user,
    }


SHAPES: Final[dict[str, dict[str, Shape]]] = {
    "v1p2": _shapes(_user_v1p2()),
    "v1p1": _shapes(_user_v1p1()),
}
