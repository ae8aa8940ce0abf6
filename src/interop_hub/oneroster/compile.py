"""Compile parsed OneRoster filters and sorts to SQLAlchemy (never to Python filtering).

Value semantics:

* text fields compare as strings; ``~`` is a case-insensitive "contains" (LIKE, escaped);
* ``dateLastModified`` compares as a UTC datetime (``2024-01-02``, ``...T10:00:00Z`` and
  offsets accepted; a value without a zone is UTC);
* date fields compare as dates (``YYYY-MM-DD``); booleans take ``'true'``/``'false'``
  with ``=`` and ``!=`` only;
* ``!=`` on an optional field also matches records where the field is absent;
* array paths (``grades``, ``roles.role``, ``terms.sourcedId``, ``userIds.identifier``...)
  match when *any* element matches.

Unknown paths raise ``InvalidFilterField`` (400 ``invalid_filter_field``). A well-formed
predicate whose value cannot be the field's type (a date field compared with 'yesterday', a
boolean with '>') raises ``Unprocessable`` (422 ``invaliddata``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    column,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import UnaryExpression

from interop_hub.core.errors import InvalidFilterField, Unprocessable
from interop_hub.oneroster.entities import EntitySql, JsonArray, Kind, Related, Scalar, Target
from interop_hub.oneroster.query import CollectionQuery, FilterExpr, Op, Predicate

__all__ = ["compile_filter", "compile_order"]

_ORDERING = (Op.GT, Op.GE, Op.LT, Op.LE)


def _value(pred: Predicate, kind: Kind) -> Any:
    raw = pred.value
    if kind is Kind.STRING:
        return raw
    if pred.op is Op.CONTAINS:
        raise Unprocessable(
            f"Invalid filter at character {pred.position}: the ~ operator applies to text "
            f"fields, not to {pred.field!r}."
        )
    if kind is Kind.BOOL:
        if pred.op not in (Op.EQ, Op.NE) or raw.lower() not in ("true", "false"):
            raise Unprocessable(
                f"Invalid filter at character {pred.position}: {pred.field!r} is a boolean; "
                "use = or != with 'true' or 'false'."
            )
        return raw.lower() == "true"
    if kind is Kind.DATE:
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            raise Unprocessable(
                f"Invalid filter at character {pred.position}: {raw!r} is not a date "
                f"(YYYY-MM-DD) for {pred.field!r}."
            ) from None
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Unprocessable(
            f"Invalid filter at character {pred.position}: {raw!r} is not an ISO 8601 "
            f"date-time for {pred.field!r}, e.g. '2024-01-31T00:00:00Z'."
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _compare(
    expr: ColumnElement[Any], pred: Predicate, kind: Kind, nullable: bool
) -> ColumnElement[bool]:
    value = _value(pred, kind)
    op = pred.op
    result: ColumnElement[bool]
    if op is Op.EQ:
        result = expr == value
    elif op is Op.NE:
        result = expr.is_distinct_from(value) if nullable else expr != value
    elif op is Op.CONTAINS:
        result = expr.icontains(value, autoescape=True)
    elif op is Op.GT:
        result = expr > value
    elif op is Op.GE:
        result = expr >= value
    elif op is Op.LT:
        result = expr < value
    else:
        result = expr <= value
    return result


def _json_elements(target: JsonArray, dialect: str) -> tuple[Any, ColumnElement[Any]]:
    """A table-valued function over the array's elements, and the element value to test."""
    col = target.column
    if dialect == "postgresql":
        safe = case((func.jsonb_typeof(col) == "array", col), else_=literal([], JSONB))
        if target.key is None:
            elements = func.jsonb_array_elements_text(safe).table_valued(column("value", String))
            return elements, elements.c.value
        objects = func.jsonb_array_elements(safe).table_valued(column("value", JSONB))
        return objects, objects.c.value.op("->>")(literal(target.key))
    text = type_coerce(col, String())
    safe_text = case((func.json_type(text) == "array", text), else_=literal("[]"))
    rows = func.json_each(safe_text).table_valued(column("value", String))
    if target.key is None:
        return rows, rows.c.value
    return rows, func.json_extract(rows.c.value, f"$.{target.key}")


def _predicate(target: Target, pred: Predicate, dialect: str) -> ColumnElement[bool]:
    if isinstance(target, Scalar):
        return _compare(target.expr, pred, target.kind, target.nullable)
    if isinstance(target, Related):
        condition = _compare(target.expr, pred, target.kind, target.nullable)
        return exists(select(literal(1)).select_from(target.table).where(target.link, condition))
    elements, value = _json_elements(target, dialect)
    condition = _compare(value, pred, Kind.STRING, nullable=False)
    return exists(select(literal(1)).select_from(elements).where(condition))


def compile_filter(entity: EntitySql, expr: FilterExpr, dialect: str) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    for pred in expr.predicates:
        target = entity.filters.get(pred.field)
        if target is None:
            known = ", ".join(sorted(entity.filters))
            raise InvalidFilterField(
                f"Unknown filter field {pred.field!r} at character {pred.position} for "
                f"{entity.name}; filterable fields: {known}."
            )
        parts.append(_predicate(target, pred, dialect))
    if len(parts) == 1:
        return parts[0]
    return or_(*parts) if expr.connective == "OR" else and_(*parts)


def compile_order(
    entity: EntitySql, query: CollectionQuery
) -> list[ColumnElement[Any] | UnaryExpression[Any]]:
    """ORDER BY for a collection: the requested sort, then ``sourcedId`` as tiebreaker.

    Unknown or non-scalar sort fields are ignored (default sort ``sourcedId``), as the
    1.2 code-minor vocabulary has no ``invalid_sort_field``. NULLs sort last in both
    directions on every database.
    """
    id_col = entity.table.c.sourced_id
    sort = entity.sorts.get(query.sort) if query.sort else None
    if sort is None or sort is id_col:
        return [id_col.desc() if query.descending else id_col.asc()]
    primary = sort.desc() if query.descending else sort.asc()
    return [primary.nulls_last(), id_col.asc()]
