"""Mapping files (``mappings/<kind>/*.yaml``): load, validate, compile.

A mapping file maps the raw records of a connector's streams to rows of target files
(``targets.TARGETS``)::

    kind: canvas                  # the connector kind the file belongs to
    streams:
      users:                      # stream name -> a list of rules
        - target: users           # the target file
          when: {path: workflow_state, not_in: [deleted]}   # optional filter
          each: enrollments       # optional: one row per item of this list
          fields:                 # target column -> field spec
            sourcedId: id
            givenName: {path: first_name, default: "(unknown)"}

A field spec is a dotted path (a string), or a mapping with exactly one source:
``path``, ``const``, ``template`` (``"{sis_id}-{id}"``: dotted paths in braces; when any
of them is empty the whole template is empty, so ``default`` applies), ``first_of`` (a
list of specs; the first non-empty wins) or ``json`` (a structure rendered to a JSON
string: a mapping holding one of the source keys is a spec, other scalars are literal
constants; empty specs, and objects or lists left empty, are dropped); plus the optional
transforms, applied in this order: ``map`` (a value table; unlisted values pass through
unless ``otherwise`` is given), ``format`` (``date``: ``YYYY-MM-DD`` from an ISO date or
date-time or a US ``M/D/YYYY``; ``datetime``: UTC ``...Z``; ``bool``, ``lower``,
``upper``, ``strip``, ``int``), ``prefix`` (only on a non-empty value), ``join``
(separator for list values, default ``,``) and ``default`` (when the result is empty).
Under ``each``, paths are relative to the item; ``^.path`` reaches the record itself
(and ``_parent.path`` the parent record of a nested stream).

A rule's ``when`` is one condition or a list (all must hold): ``path`` plus one of
``equals``, ``in``, ``not_in`` (values compared as text; booleans as ``true``/``false``),
``present`` or ``absent``.

Errors name the file, the key and the reason (``MappingError``); they surface when the
mapping is loaded, i.e. when a connector instance is registered or tested, not mid-run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from interop_hub.core.errors import HubError
from interop_hub.mapping.targets import TARGETS

__all__ = ["FieldSpec", "MappingError", "Rule", "SourceMapping", "load_mapping"]

FORMATS: Final = frozenset({"date", "datetime", "bool", "lower", "upper", "strip", "int"})
_SOURCES: Final = ("path", "const", "template", "first_of", "json")
_TRANSFORMS: Final = ("map", "otherwise", "format", "prefix", "join", "default")
TEMPLATE_PLACEHOLDER: Final = re.compile(r"\{([^{}]*)\}")


class MappingError(HubError):
    status_code = 422
    code_minor = "invaliddata"


@dataclass(frozen=True)
class FieldSpec:
    source: str
    value: Any
    map: Mapping[str, str] | None = None
    otherwise: str | None = None
    format: str | None = None
    prefix: str = ""
    join: str = ","
    default: str = ""


@dataclass(frozen=True)
class Condition:
    path: str
    op: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    target: str
    fields: Mapping[str, FieldSpec]
    when: tuple[Condition, ...] = ()
    each: str | None = None


@dataclass(frozen=True)
class SourceMapping:
    kind: str
    streams: Mapping[str, tuple[Rule, ...]]
    files: tuple[str, ...]

    def targets(self) -> set[str]:
        return {r.target for rules in self.streams.values() for r in rules}


def _spec(raw: Any, where: str) -> FieldSpec:
    if isinstance(raw, str):
        return FieldSpec("path", raw)
    if isinstance(raw, bool | int | float):
        return FieldSpec("const", _scalar(raw))
    if not isinstance(raw, Mapping):
        raise MappingError(f"{where}: a field spec is a path or a mapping, not {raw!r}")
    unknown = set(raw) - set(_SOURCES) - set(_TRANSFORMS)
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    sources = [k for k in _SOURCES if k in raw]
    if len(sources) != 1:
        raise MappingError(f"{where}: give exactly one of {', '.join(_SOURCES)}")
    source = sources[0]
    value = raw[source]
    if source == "first_of":
        if not isinstance(value, list) or not value:
            raise MappingError(f"{where}.first_of: a non-empty list of field specs")
        value = tuple(_spec(v, f"{where}.first_of[{i}]") for i, v in enumerate(value))
    elif source == "json":
        value = _json_spec(value, f"{where}.json")
    elif source == "const":
        value = _scalar(value)
    elif not isinstance(value, str):
        raise MappingError(f"{where}.{source}: must be a string")
    elif source == "template" and not all(p.strip() for p in template_paths(value)):
        raise MappingError(f"{where}.template: {value!r} has an empty {{}} placeholder")
    elif source == "path" and not value.strip():
        raise MappingError(f"{where}.path: must not be empty")
    fmt = raw.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise MappingError(f"{where}.format: {fmt!r} is not one of {', '.join(sorted(FORMATS))}")
    table = raw.get("map")
    if table is not None and not isinstance(table, Mapping):
        raise MappingError(f"{where}.map: must be a mapping of source value to target value")
    return FieldSpec(
        source=source,
        value=value,
        map={_scalar(k): _scalar(v) for k, v in table.items()} if table else None,
        otherwise=_scalar(raw["otherwise"]) if "otherwise" in raw else None,
        format=fmt,
        prefix=str(raw.get("prefix", "")),
        join=str(raw.get("join", ",")),
        default=_scalar(raw.get("default", "")),
    )


def _json_spec(raw: Any, where: str) -> Any:
    if isinstance(raw, Mapping):
        if any(k in raw for k in _SOURCES):
            return _spec(raw, where)
        return {str(k): _json_spec(v, f"{where}.{k}") for k, v in raw.items()}
    if isinstance(raw, list):
        return [_json_spec(v, f"{where}[{i}]") for i, v in enumerate(raw)]
    return raw


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _condition(raw: Any, where: str) -> Condition:
    if not isinstance(raw, Mapping) or "path" not in raw:
        raise MappingError(f"{where}: a condition is a mapping with a path and one test")
    ops = [k for k in ("equals", "in", "not_in", "present", "absent") if k in raw]
    if len(ops) != 1 or set(raw) - {"path", *ops}:
        raise MappingError(
            f"{where}: use path plus exactly one of equals, in, not_in, present, absent"
        )
    op = ops[0]
    value = raw[op]
    values = tuple(_scalar(v) for v in value) if isinstance(value, list) else (_scalar(value),)
    return Condition(str(raw["path"]), op, values)


def _rule(raw: Any, where: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise MappingError(f"{where}: a rule is a mapping with target and fields")
    unknown = set(raw) - {"target", "fields", "when", "each"}
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    target = raw.get("target")
    if target not in TARGETS:
        raise MappingError(
            f"{where}.target: {target!r} is not a target file ({', '.join(sorted(TARGETS))})"
        )
    fields = raw.get("fields")
    if not isinstance(fields, Mapping) or not fields:
        raise MappingError(f"{where}.fields: a non-empty mapping of column to field spec")
    columns = TARGETS[target]
    specs: dict[str, FieldSpec] = {}
    for column, spec in fields.items():
        if column not in columns:
            raise MappingError(f"{where}.fields.{column}: {target} has no column {column!r}")
        specs[str(column)] = _spec(spec, f"{where}.fields.{column}")
    if "sourcedId" not in specs:
        raise MappingError(f"{where}.fields: sourcedId is required")
    when = raw.get("when") or []
    conditions = [when] if isinstance(when, Mapping) else when
    if not isinstance(conditions, list):
        raise MappingError(f"{where}.when: a condition or a list of conditions")
    each = raw.get("each")
    if each is not None and not isinstance(each, str):
        raise MappingError(f"{where}.each: must be a path")
    return Rule(
        target=str(target),
        fields=specs,
        when=tuple(_condition(c, f"{where}.when[{i}]") for i, c in enumerate(conditions)),
        each=each,
    )


def load_mapping(folder: Path, kind: str) -> SourceMapping:
    """Every ``*.yaml`` in ``folder`` merged into one mapping for connector ``kind``."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise MappingError(f"{folder}: no mapping files (*.yaml) for connector kind {kind!r}")
    streams: dict[str, list[Rule]] = {}
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise MappingError(f"{path.name}: not valid YAML: {exc}") from None
        if not isinstance(doc, Mapping):
            raise MappingError(f"{path.name}: the top level must be a mapping")
        if doc.get("kind") != kind:
            raise MappingError(f"{path.name}.kind: expected {kind!r}, found {doc.get('kind')!r}")
        unknown = set(doc) - {"kind", "streams", "description"}
        if unknown:
            raise MappingError(f"{path.name}: unknown key(s) {', '.join(sorted(unknown))}")
        body = doc.get("streams")
        if not isinstance(body, Mapping):
            raise MappingError(f"{path.name}.streams: a mapping of stream name to rules")
        for stream, rules in body.items():
            if not isinstance(rules, list):
                raise MappingError(f"{path.name}.streams.{stream}: a list of rules")
            streams.setdefault(str(stream), []).extend(
                _rule(r, f"{path.name}.streams.{stream}[{i}]") for i, r in enumerate(rules)
            )
    return SourceMapping(
        kind=kind,
        streams={k: tuple(v) for k, v in streams.items()},
        files=tuple(p.name for p in files),
    )


def template_paths(template: str) -> list[str]:
    """The paths in a template's ``{braces}``."""
    return TEMPLATE_PLACEHOLDER.findall(template)
