"""Query parameters of Ed-Fi collection GETs: paging, totals, change versions and the
resource's own fields (flat names, e.g. ``?schoolId=255901001``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from interop_hub.edfi.errors import ParameterValidationFailed
from interop_hub.edfi.reader import Window
from interop_hub.edfi.registry import QueryField, ResourceSpec

__all__ = ["MAX_LIMIT", "CollectionQuery", "parse_collection_query", "parse_window"]

DEFAULT_LIMIT: Final = 25
MAX_LIMIT: Final = 500


@dataclass(frozen=True)
class CollectionQuery:
    window: Window
    total_count: bool
    filters: tuple[tuple[QueryField, Any], ...]


def _int(params: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ParameterValidationFailed(
            f"The request parameter '{name}' must be an integer; got '{raw}'.",
            errors=[f"{name} must be an integer."],
        ) from None


def _bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ParameterValidationFailed(
        f"The request parameter '{name}' must be true or false; got '{raw}'.",
        errors=[f"{name} must be a boolean."],
    )


def parse_window(params: Mapping[str, str]) -> tuple[Window, bool]:
    offset = _int(params, "offset", 0) or 0
    limit = _int(params, "limit", DEFAULT_LIMIT)
    assert limit is not None
    if offset < 0:
        raise ParameterValidationFailed(
            "Offset cannot be a negative value.", errors=["offset must be 0 or more."]
        )
    if limit < 0 or limit > MAX_LIMIT:
        raise ParameterValidationFailed(
            f"Limit must be omitted or set to a numeric value between 0 and {MAX_LIMIT}.",
            errors=[f"limit must be between 0 and {MAX_LIMIT}."],
        )
    window = Window(
        offset=offset,
        limit=limit,
        min_change_version=_int(params, "minChangeVersion", None),
        max_change_version=_int(params, "maxChangeVersion", None),
    )
    raw_total = params.get("totalCount")
    total = _bool("totalCount", raw_total) if raw_total else False
    return window, total


def _value(item: QueryField, raw: str) -> Any:
    if item.kind == "integer":
        try:
            return int(raw)
        except ValueError:
            pass
    elif item.kind == "number":
        try:
            return float(raw)
        except ValueError:
            pass
    elif item.kind == "boolean":
        return _bool(item.name, raw)
    else:
        return raw
    raise ParameterValidationFailed(
        f"The request parameter '{item.name}' must be a {item.kind}; got '{raw}'.",
        errors=[f"{item.name} must be a {item.kind}."],
    )


def parse_collection_query(resource: ResourceSpec, params: Mapping[str, str]) -> CollectionQuery:
    """Unknown parameters are ignored, as the ODS/API does."""
    window, total = parse_window(params)
    filters = tuple(
        (item, _value(item, params[name]))
        for name, item in resource.query_fields.items()
        if name in params
    )
    return CollectionQuery(window, total, filters)
