"""The canonical pydantic model as the validation contract of the fast row readers.

The readers validate with the same vocabularies (``canonical.vocab``) without building a
pydantic object per row (8M enrollments would spend minutes in pydantic). This module
turns a staged record back into its canonical model, so tests (and a debugging session)
can check that every record the fast path accepts is valid canonically. References are
still source keys here; the hub ids are assigned later by the sync.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel

from interop_hub.canonical import entities as c
from interop_hub.connectors.oneroster_csv.streams import STREAMS

__all__ = ["to_canonical"]

_MODELS: dict[str, type[c.Entity]] = {
    "orgs": c.Org,
    "academic_sessions": c.AcademicSession,
    "courses": c.Course,
    "classes": c.Class,
    "users": c.Person,
    "user_profiles": c.UserProfile,
    "demographics": c.Demographics,
    "enrollments": c.Enrollment,
}
_RENAME = {
    "parent_key": "parent_id",
    "school_year_key": "school_year_id",
    "org_key": "org_id",
    "course_key": "course_id",
    "school_key": "school_id",
    "class_key": "class_id",
    "user_key": "user_id",
    "primary_org_key": "primary_org_id",
}


def to_canonical(
    stream: str,
    record: tuple[Any, ...],
    *,
    term_ids: tuple[str, ...] = (),
    roles: tuple[dict[str, Any], ...] = (),
    agent_ids: tuple[str, ...] = (),
) -> BaseModel:
    """Build (and so validate) the canonical model of one staged entity record.

    Classes need their ``term_ids`` and users their ``roles`` (child streams)."""
    spec = STREAMS[stream]
    row = dict(zip(spec.field_names, record, strict=True))
    data: dict[str, Any] = {"sourced_id": row.pop("source_key"), "status": row.pop("status")}
    for name in ("line", "tombstone", "row_hash"):
        row.pop(name)
    ext = row.pop("extension")
    if ext:
        data["metadata"] = orjson.loads(ext)
    for name, value in row.items():
        kind = dict(spec.fields)[name]
        if value is None:
            continue
        if kind == "json":
            value = orjson.loads(value)
            if name not in ("user_ids", "credentials"):
                value = tuple(value)
        data[_RENAME.get(name, name)] = value
    if stream == "classes":
        data["term_ids"] = term_ids
    if stream == "users":
        data["roles"] = roles
        data["agent_ids"] = agent_ids
    return _MODELS[stream].model_validate(data)
