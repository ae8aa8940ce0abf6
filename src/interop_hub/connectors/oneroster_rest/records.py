"""Raw OneRoster records → the shape the mapping reads (``mappings/oneroster-rest/``).

The records keep every field the provider sent; this module only *adds* what the
declarative mapping cannot compute, under ``_``-prefixed names, and evens out shape
differences between versions and providers so one mapping serves 1.1 and 1.2:

* **GUIDRefs given as bare ids.** Some 1.1 providers write ``"school": "s1"`` or
  ``"orgs": ["s1"]`` instead of ``{"href", "sourcedId", "type"}``; such refs become
  ``{"sourcedId": ...}`` so the mapping reads ``school.sourcedId`` either way.
* **Lists of refs → id lists** (the CSV's multi-value cells): ``_termSourcedIds`` of a
  class, ``_agentSourcedIds`` of a user.
* **userIds** ``[{type, identifier}]`` → ``_userIds``, the CSV cells ``{type:identifier}``.
  An item the CSV syntax cannot carry (a brace anywhere, or a colon in the type) is
  dropped: the importer would reject the whole row otherwise.
* **1.1 users → 1.2 roles.** A 1.1 user has a scalar ``role`` and ``orgs[]``; it becomes
  one ``roles[]`` item per org, ``primary`` for the first org and ``secondary`` for the
  others, and ``primaryOrg`` is the first org (the rule the hub's 1.1 CSV import applies).
  The shape decides, not the configured version: ClassLink serves 1.2-style users on
  1.1 paths, and some 1.2 paths still carry 1.1-style users. The 1.1 ``administrator``
  role is renamed by the mapping (to ``siteAdministrator``, as the CSV import does).
* **Role keys.** 1.2 JSON roles have no sourcedId but ``roles.csv`` rows need one, and a
  delta package upserts roles by it: each role gets ``_sourcedId`` =
  ``<user>:<org>:<role>`` (a repeat of the same pair gets ``#2``, ``#3``...; a key longer
  than 255 characters is replaced by a digest), stable across runs.
* **schoolYear of an academic session** (required by the CSV): the provider's 4-digit
  year; ``"2024-2025"`` gives its ending year; missing (some 1.1 providers) it is derived
  from ``startDate``: the ending year of the July-to-June school year the session starts
  in (a session starting 2024-08-19 or 2025-01-13 belongs to 2025).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

__all__ = ["DELETED", "is_deleted", "lift", "role_key", "school_year", "user_id_cells"]

DELETED: Final = frozenset({"tobedeleted", "inactive"})  # ``inactive``: OneRoster 1.0

# The GUIDRef fields of each collection: (single refs, lists of refs).
_REFS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "orgs": (("parent",), ("children",)),
    "academicSessions": (("parent",), ("children",)),
    "courses": (("schoolYear", "org"), ()),
    "classes": (("course", "school"), ("terms",)),
    "users": (("primaryOrg",), ("orgs", "agents")),
    "enrollments": (("user", "class", "school"), ()),
}
_YEAR: Final = re.compile(r"\d{4}")
_YEAR_RANGE: Final = re.compile(r"\d{4}\s*[-/]\s*(\d{4})")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_KEY: Final = 255


def is_deleted(record: Mapping[str, Any]) -> bool:
    return str(record.get("status") or "").strip().lower() in DELETED


def _ref(value: Any) -> Any:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return {"sourcedId": str(value)}
    return value


def _ids(values: Any) -> list[str]:
    out: list[str] = []
    for item in values if isinstance(values, list) else ():
        ref = _ref(item)
        if isinstance(ref, Mapping) and ref.get("sourcedId") not in (None, ""):
            out.append(str(ref["sourcedId"]))
    return out


def _refs(collection: str, record: dict[str, Any]) -> None:
    single, lists = _REFS.get(collection, ((), ()))
    for name in single:
        if name in record:
            record[name] = _ref(record[name])
    for name in lists:
        if isinstance(record.get(name), list):
            record[name] = [_ref(item) for item in record[name]]


def user_id_cells(user_ids: Any) -> list[str]:
    """``[{type, identifier}]`` → ``["{type:identifier}", ...]`` (see the module notes)."""
    cells: list[str] = []
    for item in user_ids if isinstance(user_ids, list) else ():
        if not isinstance(item, Mapping):
            continue
        kind = str(item.get("type") or "").strip()
        ident = str(item.get("identifier") or "").strip()
        if not kind or not ident or ":" in kind or any(c in kind + ident for c in "{}"):
            continue
        cells.append(f"{{{kind}:{ident}}}")
    return cells


def role_key(user: str, org: str, role: str, seen: dict[str, int]) -> str:
    """The stable sourcedId of one of a user's roles (``seen`` counts repeats per user)."""
    base = f"{user}:{org}:{role}"
    seen[base] = seen.get(base, 0) + 1
    key = base if seen[base] == 1 else f"{base}#{seen[base]}"
    if len(key) > _MAX_KEY:
        key = "role-" + hashlib.blake2b(key.encode(), digest_size=20).hexdigest()
    return key


def _roles(user: dict[str, Any]) -> None:
    roles = user.get("roles")
    if not (isinstance(roles, list) and roles) and user.get("role"):
        found = user.get("orgs")
        orgs: list[Any] = found if isinstance(found, list) else []
        roles = [
            {"roleType": "primary" if i == 0 else "secondary", "role": user["role"], "org": org}
            for i, org in enumerate(orgs)
        ]
        if roles and not user.get("primaryOrg"):
            user["primaryOrg"] = roles[0]["org"]
    lifted: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    sourced_id = str(user.get("sourcedId") or "")
    for item in roles if isinstance(roles, list) else ():
        if not isinstance(item, Mapping):
            continue
        role = {**item, "org": _ref(item.get("org"))}
        org = role["org"].get("sourcedId") if isinstance(role["org"], Mapping) else None
        role["_sourcedId"] = role_key(sourced_id, str(org or ""), str(role.get("role") or ""), seen)
        lifted.append(role)
    user["roles"] = lifted


def school_year(session: Mapping[str, Any]) -> str | None:
    """The session's school year as ``YYYY`` (see the module notes), or ``None``."""
    raw = session.get("schoolYear")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if _YEAR.fullmatch(text):
            return text
        if match := _YEAR_RANGE.fullmatch(text):
            return match.group(1)
    start = str(session.get("startDate") or "")[:10]
    if _DATE.fullmatch(start):
        year, month = int(start[:4]), int(start[5:7])
        return str(year + 1 if month >= 7 else year)
    return None


def _session(record: dict[str, Any]) -> None:
    record["_schoolYear"] = school_year(record)


def _class(record: dict[str, Any]) -> None:
    record["_termSourcedIds"] = _ids(record.get("terms"))


def _user(record: dict[str, Any]) -> None:
    _roles(record)
    record["_userIds"] = user_id_cells(record.get("userIds"))
    record["_agentSourcedIds"] = _ids(record.get("agents"))


_BY_COLLECTION: Final[dict[str, Callable[[dict[str, Any]], None]]] = {
    "academicSessions": _session,
    "classes": _class,
    "users": _user,
}


def lift(collection: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` (of ``collection``) with the additions above."""
    out = dict(record)
    _refs(collection, out)
    extra = _BY_COLLECTION.get(collection)
    if extra is not None:
        extra(out)
    return out
