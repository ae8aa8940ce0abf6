"""What a document holds beyond its values: natural key, references, descriptor values.

``walk`` removes the properties the schema does not know (the ODS ignores them; ``link``
objects inside references are dropped too) and collects every reference and descriptor
value with its JSON path. ``natural_key`` reads the flat key, checking that a key value held
in two references agrees (key unification). ``key_hash`` digests resource + canonical key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from interop_hub.edfi.registry import ObjectPlan, Reference, ResourceSpec

__all__ = ["Collected", "canonical_key", "key_hash", "natural_key", "walk"]


@dataclass
class Collected:
    references: list[tuple[str, Reference, dict[str, Any]]] = field(default_factory=list)
    descriptors: list[tuple[str, str, Any]] = field(default_factory=list)  # path, resource, uri


def walk(plan: ObjectPlan, value: Any, path: str, out: Collected) -> None:
    """Prune unknown properties of ``value`` (in place) and collect references and
    descriptors. Values of the wrong shape are left for schema validation to report."""
    if not isinstance(value, dict):
        return
    for name in [n for n in value if n not in plan.known]:
        del value[name]
    for name, ref in plan.references:
        item = value.get(name)
        if isinstance(item, dict):
            item.pop("link", None)
            for extra in [n for n in item if n not in ref.fields]:
                del item[extra]
            out.references.append((f"{path}.{name}", ref, item))
    for name, resource in plan.descriptors:
        uri = value.get(name)
        if uri is not None:
            out.descriptors.append((f"{path}.{name}", resource, uri))
    for name, child in plan.objects:
        if name in value:
            walk(child, value[name], f"{path}.{name}", out)
    for name, child in plan.arrays:
        items = value.get(name)
        if isinstance(items, list):
            for i, item in enumerate(items):
                walk(child, item, f"{path}.{name}[{i}]", out)


def _get(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def natural_key(resource: ResourceSpec, document: dict[str, Any]) -> dict[str, Any]:
    """The flat natural key. Raises ``KeyUnificationError`` when two references disagree on
    a shared key value (e.g. ``schoolId`` in ``schoolReference`` and ``sessionReference``)."""
    key: dict[str, Any] = {}
    for item in resource.identity:
        found = None
        for path in item.paths:
            value = _get(document, path)
            if value is None:
                continue
            if found is None:
                found = value
            elif value != found:
                raise KeyUnificationError(item.name, item.paths)
        key[item.name] = found
    return key


class KeyUnificationError(ValueError):
    def __init__(self, name: str, paths: tuple[tuple[str, ...], ...]) -> None:
        where = ", ".join("$." + ".".join(p) for p in paths)
        super().__init__(f"The values of {name} ({where}) must be the same.")
        self.name = name
        self.paths = paths


def check_unified(resource: ResourceSpec, document: dict[str, Any]) -> None:
    """Key unification for non-key values held in two references as well."""
    for item in resource.query_fields.values():
        if len(item.paths) < 2 or item.identity:
            continue
        values = {orjson.dumps(v) for p in item.paths if (v := _get(document, p)) is not None}
        if len(values) > 1:
            raise KeyUnificationError(item.name, item.paths)


def canonical_key(key: dict[str, Any]) -> str:
    return orjson.dumps(key, option=orjson.OPT_SORT_KEYS).decode()


def key_hash(resource: str, key: dict[str, Any]) -> str:
    data = resource.encode() + b"\x1f" + orjson.dumps(key, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(data, digest_size=16).hexdigest()
