"""The fast path of the row readers: one generated function per file and header.

The careful readers (``rows.FileReader`` and ``files``) check every cell of a record and
report every finding. Most records of a real package have no finding at all, and at
millions of rows the careful path's per-cell method calls dominate the import. So a reader
may declare ``fast_fields``: the kind of each content cell. From it and the file's header
``compile_row`` generates one straight-line function that reads a record's cells and
returns the parsed values, or ``None`` as soon as any cell is outside the plain cases it
knows (blank required value, unknown or differently cased vocabulary value, ``ext:``
value, malformed or date-only date, over-long id, ...).

Contract: the fast path accepts a record only if the careful path would report nothing
for it and would produce exactly the same values; anything else (``None``) is read again
by the careful path, which reports it. So reports, staged records and row hashes are the
same with or without the fast path; only the time differs.

Validated cells that repeat (timestamps, dates, grade and subject lists) are cached in
small bounded dictionaries: the parsing functions are pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import orjson

from interop_hub.connectors.oneroster_csv.values import (
    CanonicalVocab,
    parse_date,
    parse_datetime,
    parse_grades,
    parse_user_ids,
    split_list,
)

__all__ = ["FastField", "FastRow", "compile_row", "fast_keys"]

# (column, kind, vocabulary for the ``vocab`` kinds). Kinds (``!`` = required):
# text, text!, text_or_empty, ref, ref!, vocab, vocab!, bool, bool!, date, strings,
# grades, user_ids.
FastField = tuple[str, str, CanonicalVocab | None]
# (source key, status, tombstone, content values or None for a tombstone)
FastRow = tuple[str, str, bool, tuple[Any, ...] | None]

MAX_ID: Final = 255
_CACHE_LIMIT: Final = 65_536
_BAD: Final = object()
_BOOL: Final = {"true": True, "false": False, "": None}
_BOOL_REQUIRED: Final = {"true": True, "false": False}

_datetimes: dict[str, bool] = {}
_dates: dict[str, bool] = {}
_lists: dict[str, str | None] = {}
_grades: dict[str, str | None] = {}


def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def _datetime_ok(value: str) -> bool:
    """A full ISO date-time (a bare date would be warned about: not fast)."""
    try:
        _, date_only = parse_datetime(value)
    except ValueError:
        return False
    if date_only:
        return False
    _remember(_datetimes, value, True)
    return True


def _date_ok(value: str) -> bool:
    try:
        parse_date(value)
    except ValueError:
        return False
    _remember(_dates, value, True)
    return True


def _strings(value: str) -> str | None:
    cached = _lists.get(value, _BAD)
    if cached is not _BAD:
        return cached  # type: ignore[return-value]
    items = split_list(value)
    out = orjson.dumps(items).decode() if items else None
    _remember(_lists, value, out)
    return out


def _grade_list(value: str) -> str | None:
    cached = _grades.get(value, _BAD)
    if cached is not _BAD:
        return cached  # type: ignore[return-value]
    items = parse_grades(value)
    out = orjson.dumps(items).decode() if items else None
    _remember(_grades, value, out)
    return out


def _user_ids(value: str) -> object:
    try:
        return orjson.dumps(parse_user_ids(value)).decode()
    except ValueError:
        return _BAD


def fast_keys(raw: str, key: str | None = None) -> list[str] | None:
    """A multi-value reference cell the careful ``keys`` would read without a finding
    (no duplicate, no over-long id, not ``key`` itself); else None."""
    items = split_list(raw.strip())
    if len(set(items)) != len(items) or (key is not None and key in items):
        return None
    for item in items:
        if len(item) > MAX_ID:
            return None
    return items


def compile_row(
    index: dict[str, int], fields: Sequence[FastField], *, delta: bool
) -> Callable[[list[str]], FastRow | None]:
    """Generate ``fast(cells) -> (key, status, tombstone, content) | None`` for a header
    (``index``: column → cell position; a column missing from it reads as blank)."""
    env: dict[str, Any] = {
        "DT": _datetimes,
        "DATES": _dates,
        "dt_ok": _datetime_ok,
        "date_ok": _date_ok,
        "strings": _strings,
        "grades": _grade_list,
        "uids": _user_ids,
        "BAD": _BAD,
        "BOOL": _BOOL,
        "BOOL1": _BOOL_REQUIRED,
    }

    def cell(column: str) -> str:
        i = index.get(column)
        return '""' if i is None else f"c[{i}]"

    lines = [
        "def fast(c):",
        f"    key = {cell('sourcedId')}.strip()",
        f"    if not key or len(key) > {MAX_ID}: return None",
        f"    st = {cell('status')}.strip()",
        "    if st == 'active': tomb = False",
        f"    elif st == 'tobedeleted': tomb = {delta}",
        f"    elif not st and not {delta}:",
        "        st = 'active'",
        "        tomb = False",
        "    else: return None",
        f"    d = {cell('dateLastModified')}.strip()",
        "    if d:",
        "        if d not in DT and not dt_ok(d): return None",
        f"    elif {delta}: return None",
        "    if tomb: return (key, st, True, None)",
    ]
    names: list[str] = []
    for n, (column, kind, vocab) in enumerate(fields):
        v, src = f"v{n}", cell(column)
        names.append(v)
        if vocab is not None:
            env[f"A{n}"] = vocab.allowed
        code = {
            "text": [f"{v} = {src}.strip() or None"],
            "text!": [f"{v} = {src}.strip()", f"if not {v}: return None"],
            "text_or_empty": [f"{v} = {src}.strip()"],
            "ref": [
                f"{v} = {src}.strip() or None",
                f"if {v} is not None and len({v}) > {MAX_ID}: return None",
            ],
            "ref!": [f"{v} = {src}.strip()", f"if not {v} or len({v}) > {MAX_ID}: return None"],
            "vocab": [
                f"{v} = {src}.strip() or None",
                f"if {v} is not None and {v} not in A{n}: return None",
            ],
            "vocab!": [f"{v} = {src}.strip()", f"if {v} not in A{n}: return None"],
            "bool": [f"{v} = BOOL.get({src}.strip().lower(), BAD)", f"if {v} is BAD: return None"],
            "bool!": [
                f"{v} = BOOL1.get({src}.strip().lower(), BAD)",
                f"if {v} is BAD: return None",
            ],
            "date": [
                f"{v} = {src}.strip() or None",
                f"if {v} is not None and {v} not in DATES and not date_ok({v}): return None",
            ],
            "strings": [f"{v} = strings({src}.strip())"],
            "grades": [f"{v} = grades({src}.strip())"],
            "user_ids": [
                f"{v} = {src}.strip() or None",
                f"if {v} is not None:",
                f"    {v} = uids({v})",
                f"    if {v} is BAD: return None",
            ],
        }[kind]
        lines += [f"    {line}" for line in code]
    content = ", ".join(names) + ("," if len(names) == 1 else "")
    lines.append(f"    return (key, st, False, ({content}))")
    exec(compile("\n".join(lines), f"<fast row {sorted(index)[:3]}>", "exec"), env)  # noqa: S102
    fast: Callable[[list[str]], FastRow | None] = env["fast"]
    return fast
