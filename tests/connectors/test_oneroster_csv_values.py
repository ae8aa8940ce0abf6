"""Cell parsing and the streaming CSV reader (no database)."""

from __future__ import annotations

import io

import pytest

from interop_hub.canonical.vocab import CLASS_TYPES
from interop_hub.connectors.oneroster_csv.reader import CsvSyntaxError, iter_records
from interop_hub.connectors.oneroster_csv.values import (
    CanonicalVocab,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_grades,
    parse_user_ids,
    split_list,
)


@pytest.mark.parametrize(("raw", "expected"), [("TRUE", True), ("false", False), ("True", True)])
def test_booleans_are_case_insensitive(raw: str, expected: bool) -> None:
    assert parse_bool(raw) is expected


@pytest.mark.parametrize("raw", ["yes", "1", "t"])
def test_other_booleans_are_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="boolean"):
        parse_bool(raw)


def test_dates_must_be_calendar_dates() -> None:
    assert parse_date("2024-02-29") == "2024-02-29"
    for bad in ("2023-02-29", "2023-1-01", "01/02/2023", "2023-13-01"):
        with pytest.raises(ValueError, match="date"):
            parse_date(bad)


def test_datetimes() -> None:
    value, date_only = parse_datetime("2023-10-02T00:00:00.000Z")
    assert (value.isoformat(), date_only) == ("2023-10-02T00:00:00+00:00", False)
    assert parse_datetime("2023-05-01")[1] is True
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_datetime("yesterday")


def test_multi_value_cells_and_grades() -> None:
    assert split_list("Science, Physics, Biology") == ["Science", "Physics", "Biology"]
    assert split_list("") == []
    assert parse_grades("K,9,10,PK4") == ["KG", "09", "10", "PK"]


def test_user_ids() -> None:
    assert parse_user_ids("{LDAP:12},{LTI:15}") == [
        {"type": "LDAP", "identifier": "12"},
        {"type": "LTI", "identifier": "15"},
    ]
    with pytest.raises(ValueError, match="type:identifier"):
        parse_user_ids("LDAP:12")


def test_vocabulary_normalises_case_and_allows_ext() -> None:
    vocab = CanonicalVocab(CLASS_TYPES)
    assert vocab.match("scheduled") == ("scheduled", True)
    assert vocab.match("Scheduled") == ("scheduled", False)
    assert vocab.match("ext:lab") == ("ext:lab", True)
    with pytest.raises(ValueError, match="homeroom, scheduled or an ext: value"):
        vocab.match("lecture")


def test_reader_tracks_physical_lines_bom_quotes_and_missing_newline() -> None:
    text = '\ufeffa,b\r\n1,"x\r\ny"\r\n\r\n2,"09,10"'  # BOM, multi-line cell, blank line, no EOL
    stream = io.StringIO(text.removeprefix("\ufeff"), newline="")
    assert list(iter_records(stream)) == [
        (1, ["a", "b"]),
        (2, ["1", "x\r\ny"]),
        (5, ["2", "09,10"]),
    ]


def test_reader_reports_malformed_quoting_with_its_line() -> None:
    stream = io.StringIO('a,b\n1,2\n3,"x"y\n', newline="")
    with pytest.raises(CsvSyntaxError) as info:
        list(iter_records(stream))
    assert info.value.line == 3
