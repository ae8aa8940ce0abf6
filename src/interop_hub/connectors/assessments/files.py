"""Reading vendor CSV exports: finding them, guessing their encoding, streaming their rows.

Assessment vendors deliver results as CSV exports that a district downloads (or has
delivered by SFTP) into a folder: one file, a folder of files, or a ZIP (NWEA's
Comprehensive Data File is a ZIP of several CSVs). ``discover`` finds the files whose
name matches a vendor's pattern in any of these, in a stable order.

Vendor quirks handled here, for every vendor:

* **Encoding.** Exports are UTF-8, UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), or
  Windows-1252 (a file opened and re-saved in Excel on Windows: accented names become
  single bytes). ``sniff_encoding`` decodes the whole file incrementally (bounded memory)
  and picks the first of UTF-8-with-BOM, UTF-8, Windows-1252 that decodes it.
* **Header spelling.** Column names are matched case-insensitively and without
  surrounding spaces (``StudentId`` is ``StudentID``); rows carry the vendor's documented
  spelling (``Layout.columns``) so mappings use one name.
* **Truncated or malformed files** (a row with more or fewer cells than the header, a NUL
  character, which no database text column accepts) are errors, never a partial read.

Every error is a ``SourceDataError`` whose message names the file, the line, the column
(where there is one) and the reason: a run that cannot read an export fails as a whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from interop_hub.core.errors import SourceDataError, SourceUnavailable

__all__ = [
    "ExportFile",
    "Layout",
    "data_error",
    "discover",
    "read_header",
    "read_rows",
    "sniff_encoding",
]

_CHUNK: Final = 1 << 20
_ENCODINGS: Final = ("utf-8", "cp1252")


def data_error(file: str, line: int | None, column: str | None, reason: str) -> SourceDataError:
    """``<file>, line <n>, column <c>: <reason>`` (the parts that apply)."""
    where = file
    if line is not None:
        where += f", line {line}"
    if column:
        where += f", column {column}"
    return SourceDataError(f"{where}: {reason}")


@dataclass(frozen=True)
class ExportFile:
    """One export file: a display ``name`` (``CDF.zip!AssessmentResults.csv`` for a ZIP
    member) and a way to open its bytes (opened twice: to sniff, then to read)."""

    name: str
    open_binary: Callable[[], IO[bytes]]

    @property
    def basename(self) -> str:
        return self.name.rsplit("!", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Layout:
    """What a vendor file must hold. ``required`` lists groups of alternative column names
    (one of each group must be present: ``("Subject", "MeasurementScale")`` accepts the
    current and the pre-2020 NWEA layout); ``columns`` are the documented spellings that
    differently-cased headers are renamed to."""

    title: str
    required: tuple[tuple[str, ...], ...]
    columns: tuple[str, ...] = ()
    _canonical: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {n for group in self.required for n in group} | set(self.columns)
        object.__setattr__(self, "_canonical", {_fold(n): n for n in names})

    def canonical(self, header: str) -> str:
        name = header.strip()
        return self._canonical.get(_fold(name), name)

    def missing(self, header: Sequence[str]) -> list[tuple[str, ...]]:
        present = set(header)
        return [group for group in self.required if not present.intersection(group)]


def _fold(name: str) -> str:
    return name.strip().casefold()


def _zip_members(archive: Path, label: str, pattern: re.Pattern[str]) -> list[ExportFile]:
    try:
        with zipfile.ZipFile(archive) as zf:
            names = [
                info.filename
                for info in zf.infolist()
                if not info.is_dir()
                and "__MACOSX" not in info.filename
                and pattern.match(info.filename.rsplit("/", 1)[-1])
            ]
    except (zipfile.BadZipFile, OSError) as exc:
        raise data_error(label, None, None, f"not a readable ZIP file ({exc})") from None

    def opener(member: str) -> Callable[[], IO[bytes]]:
        def open_member() -> IO[bytes]:
            # The member stays readable after the archive object is closed: zipfile
            # counts references to the underlying file and closes it with the member.
            with zipfile.ZipFile(archive) as zf:
                return zf.open(member)

        return open_member

    return [ExportFile(f"{label}!{name}", opener(name)) for name in sorted(names)]


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def discover(path: Path, pattern: re.Pattern[str]) -> list[ExportFile]:
    """The export files at ``path``: the file itself (a CSV, whatever its name, or a ZIP
    whose members matching ``pattern`` are read), or in a folder (and its sub-folders)
    every CSV whose name matches ``pattern`` and every matching member of every ZIP.
    Sorted by name, so runs read files in the same order."""
    if not path.exists():
        raise SourceUnavailable(f"{path} does not exist (the export file or folder is missing)")
    if path.is_file():
        if path.suffix.lower() == ".zip":
            return _zip_members(path, path.name, pattern)
        return [ExportFile(path.name, _file_opener(path))]
    found: list[ExportFile] = []
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        label = item.relative_to(path).as_posix()
        if item.suffix.lower() == ".zip":
            found.extend(_zip_members(item, label, pattern))
        elif pattern.match(item.name):
            found.append(ExportFile(label, _file_opener(item)))
    return found


def sniff_encoding(export: ExportFile) -> str:
    """``utf-8-sig`` (a BOM), ``utf-8`` or ``cp1252``: the first that decodes every byte.
    Reads the file once in chunks (bounded memory); raises when nothing fits."""
    try:
        with export.open_binary() as fh:
            first = fh.read(_CHUNK)
            if not first.strip():
                raise data_error(export.name, 1, None, "the file is empty (no header line)")
            if first.startswith(codecs.BOM_UTF8):
                candidates: tuple[str, ...] = ("utf-8-sig", "cp1252")
            else:
                candidates = _ENCODINGS
            decoders = {enc: codecs.getincrementaldecoder(enc)() for enc in candidates}
            chunk = first
            while True:
                final = len(chunk) < _CHUNK
                for enc in list(decoders):
                    try:
                        decoders[enc].decode(chunk, final=final)
                    except UnicodeDecodeError:
                        del decoders[enc]
                if not decoders or final:
                    break
                chunk = fh.read(_CHUNK)
    except OSError as exc:
        raise data_error(export.name, None, None, f"cannot be read ({exc})") from None
    for enc in candidates:
        if enc in decoders:
            return enc
    raise data_error(
        export.name, None, None, "is not text in UTF-8 or Windows-1252 (a binary file?)"
    )


def _text(export: ExportFile, encoding: str) -> IO[str]:
    return io.TextIOWrapper(export.open_binary(), encoding=encoding, newline="")


def read_header(export: ExportFile, layout: Layout) -> list[str]:
    """The file's header (documented spellings); raises if a required column is missing."""
    encoding = sniff_encoding(export)
    with _text(export, encoding) as fh:
        try:
            header = next(csv.reader(fh), None)
        except csv.Error as exc:
            raise data_error(export.name, 1, None, f"malformed CSV header ({exc})") from None
    return _checked_header(export, layout, header)


def _checked_header(export: ExportFile, layout: Layout, header: list[str] | None) -> list[str]:
    if not header or not any(h.strip() for h in header):
        raise data_error(export.name, 1, None, "the file is empty (no header line)")
    names = [layout.canonical(h) for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise data_error(export.name, 1, name, "the column appears twice in the header")
        seen.add(name)
    missing = layout.missing(names)
    if missing:
        group = missing[0]
        column = " or ".join(group)
        raise data_error(
            export.name,
            1,
            column,
            f"required column missing: this is not a {layout.title} export "
            f"(found {len(names)} columns: {', '.join(names[:8])}"
            f"{', ...' if len(names) > 8 else ''})",
        )
    return names


def read_rows(export: ExportFile, layout: Layout) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` for every data row (``line``: the physical line it starts on, the
    header being line 1). Blank lines are skipped; cells are stripped of surrounding
    spaces. Streams the file: memory does not grow with its size."""
    encoding = sniff_encoding(export)
    with _text(export, encoding) as fh:
        reader = csv.reader(fh)
        try:
            header = _checked_header(export, layout, next(reader, None))
            width = len(header)
            end = reader.line_num
            for cells in reader:
                start, end = end + 1, reader.line_num
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                if len(cells) != width:
                    raise data_error(
                        export.name,
                        start,
                        None,
                        f"the row has {len(cells)} cells but the header has {width} "
                        "(a truncated or malformed export)",
                    )
                row = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
                for name, cell in row.items():
                    if "\x00" in cell:
                        raise data_error(
                            export.name, start, name, "a NUL character (a corrupt export)"
                        )
                yield start, row
        except csv.Error as exc:
            raise data_error(export.name, reader.line_num, None, f"malformed CSV ({exc})") from None
        except UnicodeDecodeError as exc:  # pragma: no cover - sniffed before
            raise data_error(export.name, reader.line_num, None, str(exc)) from None
