"""Run a loaded mapping: raw record in, target rows out (column order of the target)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

import orjson

from interop_hub.connectors.sdk.paginators import dig
from interop_hub.mapping.spec import (
    TEMPLATE_PLACEHOLDER,
    Condition,
    FieldSpec,
    Rule,
    SourceMapping,
    template_paths,
)
from interop_hub.mapping.targets import TARGETS

__all__ = ["Mapper", "render_value"]

Row = list[str]

_US_DATE: Final = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _lookup(record: Mapping[str, Any], item: Any, path: str) -> Any:
    if path.startswith("^."):
        return dig(record, path[2:])
    return dig(item, path)


def _text(value: Any, join: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return join.join(t for v in value if (t := _text(v, join)))
    return orjson.dumps(value).decode()


def _date(value: str) -> str:
    """``YYYY-MM-DD`` from an ISO date or date-time (its own calendar date), or from a US
    ``M/D/YYYY`` date as SIS exports write them; anything else is left for the importer
    to reject with the row and column."""
    head = value.strip()[:10]
    if len(head) == 10 and head[4] == "-" and head[7] == "-":
        return head
    us = _US_DATE.fullmatch(value.strip())
    if us is None:
        return value
    try:
        return date(int(us[3]), int(us[1]), int(us[2])).isoformat()
    except ValueError:
        return value


def _format(value: str, fmt: str) -> str:
    if not value:
        return value
    if fmt == "date":
        return _date(value)
    if fmt == "datetime":
        text = value.replace(" ", "T")
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return value
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if fmt == "bool":
        low = value.strip().lower()
        if low in ("true", "t", "1", "yes", "y"):
            return "true"
        if low in ("false", "f", "0", "no", "n"):
            return "false"
        return value
    if fmt == "lower":
        return value.lower()
    if fmt == "upper":
        return value.upper()
    if fmt == "strip":
        return value.strip()
    if fmt == "int":
        stripped = value.strip()
        return str(int(float(stripped))) if stripped.replace(".", "", 1).isdigit() else value
    return value


def render_value(spec: FieldSpec, record: Mapping[str, Any], item: Any) -> str:
    """One field's target text."""
    raw: Any
    if spec.source == "path":
        raw = _lookup(record, item, spec.value)
    elif spec.source == "const":
        raw = spec.value
    elif spec.source == "template":
        template: str = spec.value
        parts = {p: _text(_lookup(record, item, p), spec.join) for p in template_paths(template)}
        # Substituted by hand: str.format would read "{name.first}" or "{^.id}" as
        # attribute access and fail mid-run.
        raw = (
            TEMPLATE_PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)
            if all(parts.values())
            else ""
        )
    elif spec.source == "first_of":
        raw = next((t for s in spec.value if (t := render_value(s, record, item))), "")
    else:  # json
        rendered = _render_json(spec.value, record, item)
        raw = orjson.dumps(rendered).decode() if rendered is not None else ""
    text = _text(raw, spec.join)
    if spec.map is not None and text:
        text = spec.map.get(text, spec.otherwise if spec.otherwise is not None else text)
    if spec.format:
        text = _format(text, spec.format)
    if text and spec.prefix:
        text = spec.prefix + text
    return text or spec.default


def _render_json(node: Any, record: Mapping[str, Any], item: Any) -> Any:
    if isinstance(node, FieldSpec):
        return render_value(node, record, item) or None
    if isinstance(node, dict):
        out = {k: v for k, n in node.items() if (v := _render_json(n, record, item)) is not None}
        return out or None
    if isinstance(node, list):
        return [v for n in node if (v := _render_json(n, record, item)) is not None] or None
    return node


def _test(cond: Condition, record: Mapping[str, Any], item: Any) -> bool:
    value = _text(_lookup(record, item, cond.path), ",")
    if cond.op == "present":
        return bool(value) == (cond.values[0] != "false")
    if cond.op == "absent":
        return not value
    if cond.op == "equals":
        return value == cond.values[0]
    if cond.op == "in":
        return value in cond.values
    return value not in cond.values


class Mapper:
    """A compiled mapping: ``rows(stream, record)`` yields ``(target, row)`` pairs."""

    def __init__(self, mapping: SourceMapping) -> None:
        self.mapping = mapping
        self._plans: dict[str, list[tuple[Rule, list[FieldSpec | None]]]] = {}
        for stream, rules in mapping.streams.items():
            self._plans[stream] = [(r, [r.fields.get(c) for c in TARGETS[r.target]]) for r in rules]

    def streams(self) -> set[str]:
        return set(self._plans)

    def rows(self, stream: str, record: Mapping[str, Any]) -> Iterator[tuple[str, Row]]:
        for rule, columns in self._plans.get(stream, ()):
            items: Sequence[Any]
            if rule.each:
                found = dig(record, rule.each)
                items = found if isinstance(found, list) else []
            else:
                items = (record,)
            for item in items:
                if all(_test(c, record, item) for c in rule.when):
                    yield (
                        rule.target,
                        [render_value(s, record, item) if s is not None else "" for s in columns],
                    )

    def row_function(self, stream: str) -> Callable[[Mapping[str, Any]], Iterator[tuple[str, Row]]]:
        return lambda record: self.rows(stream, record)
