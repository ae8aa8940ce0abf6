"""Seed data every Ed-Fi API has: the DS 5.2 descriptors and school years 1991-2050.

Loaded by ``interop-hub edfi seed`` (and the demo), never by migrations (so tests and
deployments choose). Existing items (same natural key) are left untouched; one change
version stamps the whole load.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from sqlalchemy.orm import Session

from interop_hub.core.clock import utcnow
from interop_hub.edfi import documents as store
from interop_hub.edfi.descriptors import bundled_descriptors
from interop_hub.edfi.extract import canonical_key, key_hash, natural_key
from interop_hub.edfi.registry import get_registry

__all__ = ["load_descriptors", "load_documents", "load_school_years", "school_years"]

_BATCH = 1000


def school_years(first: int = 1991, last: int = 2050) -> Iterator[tuple[str, dict[str, Any]]]:
    for year in range(first, last + 1):
        yield (
            "schoolYearTypes",
            {
                "schoolYear": year,
                "currentSchoolYear": False,
                "schoolYearDescription": f"{year - 1}-{year}",
            },
        )


def load_documents(session: Session, items: Iterable[tuple[str, dict[str, Any]]]) -> int:
    """Insert trusted documents (no references) that are not stored yet; return how many."""
    registry = get_registry()
    rows: list[dict[str, Any]] = []
    for resource_name, document in items:
        spec = registry.get(resource_name)
        if spec is None:  # a DS 5.2 descriptor type the DS 5.0 API does not serve
            continue
        key = natural_key(spec, document)
        rows.append(
            {
                "id": uuid.uuid4().hex,
                "resource": spec.name,
                "key_hash": key_hash(spec.name, key),
                "natural_key": canonical_key(key),
                "body": orjson.dumps(document).decode(),
            }
        )
    if not rows:
        return 0
    store.lock_writes(session)
    present = store.find_by_hashes(session, (r["key_hash"] for r in rows))
    fresh = list({r["key_hash"]: r for r in rows if r["key_hash"] not in present}.values())
    if not fresh:
        return 0
    version = store.next_change_version(session)
    now = utcnow()
    for start in range(0, len(fresh), _BATCH):
        batch = [
            {**r, "change_version": version, "last_modified": now}
            for r in fresh[start : start + _BATCH]
        ]
        store.insert_many(session, batch)
    return len(fresh)


def load_descriptors(session: Session, types: set[str] | None = None) -> int:
    """Store the bundled DS 5.2 descriptors (of ``types`` only, when given). Types that
    DS 5.2 added and the DS 5.0 API does not serve are skipped."""
    return load_documents(session, bundled_descriptors(types))


def load_school_years(session: Session) -> int:
    return load_documents(session, school_years())
