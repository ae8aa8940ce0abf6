"""Streaming RFC 4180 reader that knows the physical line where each record starts."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

__all__ = ["CsvSyntaxError", "iter_records"]


class CsvSyntaxError(Exception):
    """The file cannot be read as CSV from ``line`` on (bad quoting, NUL byte, bad UTF-8)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def iter_records(stream: TextIO) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for every non-blank record, header included.

    ``line`` is the 1-based physical line where the record starts, so a quoted cell that
    spans lines does not shift later line numbers. A missing trailing newline is fine.
    """
    reader = csv.reader(stream, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvSyntaxError(reader.line_num or start, f"malformed CSV: {exc}") from None
        except UnicodeDecodeError:
            raise CsvSyntaxError(reader.line_num + 1, "file is not valid UTF-8") from None
        line = start
        start = reader.line_num + 1
        if not cells or (len(cells) == 1 and cells[0] == ""):
            continue
        yield line, cells
