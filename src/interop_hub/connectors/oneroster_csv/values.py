"""Parsing of single CSV cells (pure functions; raise ``ValueError`` with a reason)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Final

from interop_hub.canonical.vocab import EXT_PATTERN, normalize_grade

__all__ = [
    "CanonicalVocab",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_grades",
    "parse_user_ids",
    "split_list",
]

_DATE_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE: Final = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_USER_ID_RE: Final = re.compile(r"\{([^:{}]*):([^{}]*)\}")
_USER_IDS_RE: Final = re.compile(r"^\s*\{[^:{}]*:[^{}]*\}(\s*,\s*\{[^:{}]*:[^{}]*\})*\s*$")


def parse_date(value: str) -> str:
    """A ``YYYY-MM-DD`` calendar date; returned unchanged (ISO text) when valid."""
    if not _DATE_RE.match(value):
        raise ValueError("not a date in YYYY-MM-DD form")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a valid calendar date") from None
    return value


def parse_datetime(value: str) -> tuple[datetime, bool]:
    """An ISO 8601 date-time (``2023-10-02T00:00:00.000Z``), read as UTC when it has no offset.

    Returns ``(value, date_only)``: a bare ``YYYY-MM-DD`` is accepted as midnight UTC and
    flagged so the caller can warn (older producers write dates here).
    """
    if _DATE_RE.match(value):
        return datetime.combine(parse_date_obj(value), datetime.min.time(), UTC), True
    if not _DATETIME_RE.match(value):
        raise ValueError("not an ISO 8601 date-time (e.g. 2023-10-02T00:00:00.000Z)")
    text = value
    # Python < 3.11 style limits: fromisoformat accepts at most 6 fractional digits.
    match = re.search(r"\.(\d+)", text)
    if match and len(match.group(1)) > 6:
        text = text[: match.start(1) + 6] + text[match.end(1) :]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("not a valid ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed, False


def parse_date_obj(value: str) -> date:
    return date.fromisoformat(parse_date(value))


def parse_bool(value: str) -> bool:
    """``true``/``false`` in any letter case (some producers emit ``TRUE``)."""
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ValueError("not a boolean (true or false)")


def split_list(value: str) -> list[str]:
    """A multi-value cell (``"09,10"``): comma-separated, items stripped, empties dropped."""
    if "," not in value:
        stripped = value.strip()
        return [stripped] if stripped else []
    return [item for item in (part.strip() for part in value.split(",")) if item]


def parse_grades(value: str) -> list[str]:
    """Grades, normalised to CEDS codes (``K``→``KG``, ``9``→``09``)."""
    return [normalize_grade(g) for g in split_list(value)]


def parse_user_ids(value: str) -> list[dict[str, str]]:
    """``{type:id}`` items separated by commas, e.g. ``{LDAP:12},{LTI:15}``."""
    if not _USER_IDS_RE.match(value):
        raise ValueError("userIds must be {type:identifier} items separated by commas")
    return [{"type": t.strip(), "identifier": i.strip()} for t, i in _USER_ID_RE.findall(value)]


class CanonicalVocab:
    """A vocabulary matched case-insensitively to its canonical spelling.

    ``match`` returns ``(canonical, exact)``; ``exact`` is False when only the letter case
    differed (``Scheduled`` → ``scheduled``), so the caller can warn. ``ext:`` values pass
    through when the vocabulary is extensible. Unknown values raise ``ValueError``.
    The allowed sets come from ``interop_hub.canonical.vocab`` (the one place for the rules).
    """

    def __init__(
        self,
        allowed: frozenset[str],
        *,
        extensible: bool = True,
        aliases: dict[str, str] | None = None,
    ) -> None:
        self.allowed = allowed
        self.extensible = extensible
        self._folded = {v.lower(): v for v in allowed}
        self._aliases = {k.lower(): v for k, v in (aliases or {}).items()}

    def match(self, value: str) -> tuple[str, bool]:
        if value in self.allowed:
            return value, True
        if self.extensible and EXT_PATTERN.match(value):
            return value, True
        folded = value.lower()
        if folded in self._folded:
            return self._folded[folded], False
        if folded in self._aliases:
            return self._aliases[folded], True
        choices = ", ".join(sorted(self.allowed))
        suffix = " or an ext: value" if self.extensible else ""
        raise ValueError(f"not one of {choices}{suffix}")
