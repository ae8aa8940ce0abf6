"""The filter grammar and parameter validation (pure)."""

from __future__ import annotations

import pytest

from interop_hub.core.errors import InvalidRequest
from interop_hub.oneroster.query import (
    FilterExpr,
    Op,
    Predicate,
    parse_collection_query,
    parse_fields,
    parse_filter,
)


def test_single_predicate_and_all_operators() -> None:
    for symbol, op in [
        ("=", Op.EQ),
        ("!=", Op.NE),
        (">", Op.GT),
        (">=", Op.GE),
        ("<", Op.LT),
        ("<=", Op.LE),
        ("~", Op.CONTAINS),
    ]:
        parsed = parse_filter(f"status{symbol}'active'")
        assert parsed == FilterExpr((Predicate("status", op, "active", 1),))


def test_connectives_quotes_and_spaces() -> None:
    parsed = parse_filter("  roles.org.sourcedId = 'a b'  and  familyName~'O''Neil' AND x>='' ")
    assert parsed is not None
    assert parsed.connective == "AND"
    assert [(p.field, p.op, p.value) for p in parsed.predicates] == [
        ("roles.org.sourcedId", Op.EQ, "a b"),
        ("familyName", Op.CONTAINS, "O'Neil"),
        ("x", Op.GE, ""),
    ]
    assert parse_filter("a='1' OR b='2' OR c='3'").connective == "OR"  # type: ignore[union-attr]
    assert parse_filter("") is None
    assert parse_filter("   ") is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a='1' AND b='2' OR c='3'", "mixing AND and OR"),
        ("a=1", "character 3: expected a value in single quotes"),
        ("a='1", "unterminated"),
        ("a='1'b='2'", "expected ' AND ' or ' OR '"),
        ("a='1' NOT b='2'", "between predicates"),
        ("a=='1'", "expected an operator"),
        ("'x'='1'", "expected a field name"),
        ("a.='1'", "malformed field path"),
        ("a='1' AND", "expected ' AND ' or ' OR '"),
        ("a='1' AND ", "expected a field name"),
    ],
)
def test_malformed_filters_say_where(text: str, fragment: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        parse_filter(text)
    assert fragment in err.value.message


def test_fields_split_and_dedupe() -> None:
    assert parse_fields(["a,b", " c ,a", ""]) == ("a", "b", "c")
    assert parse_fields(None) is None
    assert parse_fields([","]) is None


def test_limit_clamps_and_validates() -> None:
    def q(**kw: object) -> object:
        args = {
            "limit": None,
            "offset": None,
            "sort": None,
            "order_by": None,
            "filter": None,
            "fields": None,
            "default_limit": 100,
            "max_limit": 10000,
            **kw,
        }
        return parse_collection_query(**args)  # type: ignore[arg-type]

    assert q().limit == 100  # type: ignore[attr-defined]
    assert q(limit="50000").limit == 10000  # type: ignore[attr-defined]
    assert q(order_by="desc").descending  # type: ignore[attr-defined]
    for bad in ({"limit": "0"}, {"limit": "1.5"}, {"offset": "-1"}, {"order_by": "up"}):
        with pytest.raises(InvalidRequest):
            q(**bad)
