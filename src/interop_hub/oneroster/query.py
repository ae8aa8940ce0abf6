"""OneRoster collection query parameters: ``limit``, ``offset``, ``sort``, ``orderBy``,
``filter`` and ``fields``, parsed into plain values (no SQL here; see ``compile.py``).

Filter grammar (OneRoster 1.1/1.2 §3.4)::

    expression := predicate ( logical predicate )*
    predicate  := field operator value
    field      := [A-Za-z0-9_]+ ( "." [A-Za-z0-9_]+ )*     e.g. roles.org.sourcedId
    operator   := "=" | "!=" | ">" | ">=" | "<" | "<=" | "~"
    value      := "'" ( any character, "''" for a quote )* "'"   (always single-quoted)
    logical    := "AND" | "OR"   (case-insensitive, surrounded by spaces)

Policy: one expression may use AND or OR, not both. OneRoster defines no precedence, and
consumers disagree (left-to-right vs. AND-binds-tighter), so a mixed expression is
rejected with 400 ``invaliddata`` rather than silently answered one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

from interop_hub.core.errors import InvalidRequest

__all__ = [
    "CollectionQuery",
    "FilterExpr",
    "Op",
    "Predicate",
    "parse_collection_query",
    "parse_fields",
    "parse_filter",
]


class Op(StrEnum):
    EQ = "="
    NE = "!="
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    CONTAINS = "~"


@dataclass(frozen=True)
class Predicate:
    field: str
    op: Op
    value: str
    position: int  # 1-based character position of the field in the filter text


@dataclass(frozen=True)
class FilterExpr:
    """Predicates joined by one connective (``None`` when there is a single predicate)."""

    predicates: tuple[Predicate, ...]
    connective: Literal["AND", "OR"] | None = None


@dataclass(frozen=True)
class CollectionQuery:
    limit: int
    offset: int
    sort: str | None
    descending: bool
    filter: FilterExpr | None
    fields: tuple[str, ...] | None


_OPERATOR_CHARS: Final = frozenset("=!<>~")
_FIELD_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")
_OPERATORS: Final = {op.value: op for op in Op}


def _fail(text: str, pos: int, message: str) -> InvalidRequest:
    near = text[pos : pos + 20]
    found = f" (found {near!r})" if near else " (found end of filter)"
    return InvalidRequest(f"Invalid filter at character {pos + 1}: {message}{found}.")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip_spaces(self) -> int:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1
        return self.pos - start

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def field(self) -> tuple[str, int]:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _FIELD_CHARS:
            self.pos += 1
        name = self.text[start : self.pos]
        if not name:
            raise _fail(self.text, start, "expected a field name")
        if name.startswith(".") or name.endswith(".") or ".." in name:
            raise _fail(self.text, start, f"malformed field path {name!r}")
        return name, start + 1

    def operator(self, after: str) -> Op:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _OPERATOR_CHARS:
            self.pos += 1
        symbol = self.text[start : self.pos]
        op = _OPERATORS.get(symbol)
        if op is None:
            self.pos = start
            raise _fail(
                self.text,
                start,
                f"expected an operator (=, !=, >, >=, <, <=, ~) after {after!r}",
            )
        return op

    def value(self) -> str:
        start = self.pos
        if self.at_end() or self.text[self.pos] != "'":
            raise _fail(self.text, start, "expected a value in single quotes")
        self.pos += 1
        chars: list[str] = []
        while True:
            if self.at_end():
                raise _fail(self.text, start, "unterminated quoted value")
            ch = self.text[self.pos]
            if ch == "'":
                if self.text.startswith("''", self.pos):  # an escaped quote
                    chars.append("'")
                    self.pos += 2
                    continue
                self.pos += 1
                return "".join(chars)
            chars.append(ch)
            self.pos += 1

    def predicate(self) -> Predicate:
        self.skip_spaces()
        name, position = self.field()
        self.skip_spaces()
        op = self.operator(name)
        self.skip_spaces()
        return Predicate(name, op, self.value(), position)

    def connective(self) -> tuple[Literal["AND", "OR"], int]:
        start = self.pos
        if not self.skip_spaces():
            raise _fail(self.text, start, "expected ' AND ' or ' OR ' after a value")
        word_start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isalpha():
            self.pos += 1
        word = self.text[word_start : self.pos].upper()
        if word not in ("AND", "OR") or not self.skip_spaces():
            raise _fail(self.text, word_start, "expected ' AND ' or ' OR ' between predicates")
        return ("AND" if word == "AND" else "OR"), word_start


def parse_filter(text: str | None) -> FilterExpr | None:
    """Parse a filter string; ``None``/blank means no filter. Raises ``InvalidRequest``."""
    if text is None or not text.strip():
        return None
    parser = _Parser(text)
    predicates = [parser.predicate()]
    connective: Literal["AND", "OR"] | None = None
    while text[parser.pos :].strip():
        word, word_pos = parser.connective()
        if connective is not None and word != connective:
            raise InvalidRequest(
                f"Invalid filter at character {word_pos + 1}: mixing AND and OR in one "
                "filter is not supported (OneRoster defines no precedence); "
                "use only AND or only OR."
            )
        connective = word
        predicates.append(parser.predicate())
    return FilterExpr(tuple(predicates), connective)


def parse_fields(values: list[str] | None) -> tuple[str, ...] | None:
    """``fields=a,b`` (or repeated ``fields=``) → ordered, de-duplicated names."""
    if not values:
        return None
    names: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip()
            if name and name not in names:
                names.append(name)
    return tuple(names) or None


def _parse_int(name: str, raw: int | str | None, default: int, minimum: int) -> int:
    if raw is None or raw == "":
        return default
    text = str(raw).strip()
    if not (text.isascii() and text.lstrip("+-").isdigit()):
        raise InvalidRequest(f"Invalid {name}: {raw!r} is not an integer.")
    value = int(text)
    if value < minimum:
        raise InvalidRequest(f"Invalid {name}: {value} is below the minimum of {minimum}.")
    return value


def parse_collection_query(
    *,
    limit: int | str | None,
    offset: int | str | None,
    sort: str | None,
    order_by: str | None,
    filter: str | None,
    fields: list[str] | None,
    default_limit: int,
    max_limit: int,
) -> CollectionQuery:
    """Validate the raw query parameters of a collection request.

    ``limit`` above ``max_limit`` is clamped to it (the spec lets a provider return fewer
    records than asked; ``X-Total-Count`` and ``Link`` tell the consumer there are more).
    """
    parsed_limit = min(_parse_int("limit", limit, default_limit, 1), max_limit)
    parsed_offset = _parse_int("offset", offset, 0, 0)
    direction = (order_by or "asc").strip()
    if direction not in ("asc", "desc"):
        raise InvalidRequest(f"Invalid orderBy: {order_by!r}; use 'asc' or 'desc'.")
    return CollectionQuery(
        limit=parsed_limit,
        offset=parsed_offset,
        sort=(sort or "").strip() or None,
        descending=direction == "desc",
        filter=parse_filter(filter),
        fields=parse_fields(fields),
    )
