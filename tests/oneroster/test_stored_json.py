"""Stored JSON columns embedded as-is must be the same JSON value the parse path builds."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from interop_hub.oneroster.serializers import json_strings, str_list, user_ids


def _wire(value: Any) -> Any:
    """The JSON value a converter result puts on the wire."""
    return None if value is None else orjson.loads(orjson.dumps(value))


def _parsed_user_ids(text: str) -> Any:
    items = orjson.loads(text)
    out = [
        {"type": str(i["type"]), "identifier": str(i["identifier"])}
        for i in items or ()
        if isinstance(i, dict) and i.get("type") and i.get("identifier")
    ]
    return out or None


@pytest.mark.parametrize(
    "text",
    [
        '["09"]',
        '["09", "10"]',  # PostgreSQL jsonb::text and json.dumps spacing
        '["a\\"b", "c\\\\d", "\\u00e9", "é"]',
        '[""]',
        "[]",
        "[1, 2]",
        '["a", null]',
        "null",
        '{"a": 1}',
    ],
)
def test_string_arrays(text: str) -> None:
    assert _wire(json_strings(text)) == _wire(str_list(text))


@pytest.mark.parametrize(
    "text",
    [
        '[{"type":"SIS","identifier":"G1"}]',
        '[{"type": "SIS", "identifier": "G1"}, {"type": "LDAP", "identifier": "x\\"y"}]',
        '[{"identifier":"G1","type":"SIS"}]',  # other key order: parsed
        '[{"type":"","identifier":"G1"}]',  # empty type: dropped
        '[{"type":"SIS","identifier":"G1","extra":1}]',  # extra key: dropped on the wire
        '[{"type":"SIS","identifier":5}]',  # number: stringified
        "[]",
        "null",
    ],
)
def test_user_ids(text: str) -> None:
    assert _wire(user_ids(text)) == _wire(_parsed_user_ids(text))


def test_fast_path_is_taken_for_importer_output() -> None:
    assert isinstance(user_ids('[{"type":"SIS","identifier":"G1"}]'), orjson.Fragment)
    assert isinstance(json_strings('["09","10"]'), orjson.Fragment)
    # A lone surrogate escape is not embedded: the parse path rejects it, as before.
    with pytest.raises(orjson.JSONDecodeError):
        json_strings('["\\ud800"]')
