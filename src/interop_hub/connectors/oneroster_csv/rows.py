"""Base class of the per-file row readers: cell access, typed parsing and problem recording.

A reader validates each record of its file and emits flat tuples into named streams
(``streams.STREAMS``). It never stops at the first problem: every cell is checked and every
finding is recorded, so the report names all of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, ClassVar, Final

import orjson

from interop_hub.canonical.vocab import STATUSES
from interop_hub.connectors.oneroster_csv.fast import FastField, FastRow, compile_row
from interop_hub.connectors.oneroster_csv.manifest import Mode
from interop_hub.connectors.oneroster_csv.problems import ImportReport
from interop_hub.connectors.oneroster_csv.values import (
    CanonicalVocab,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_grades,
    split_list,
)

__all__ = ["Emit", "FileReader", "row_digest"]

Emit = Callable[[str, tuple[Any, ...]], None]
STATUS_VOCAB: Final = CanonicalVocab(STATUSES, extensible=False)
_MAX_ID = 255


def row_digest(content: tuple[Any, ...], ext: str | None, extra: object) -> str:
    """``row_hash``: a digest of a record's parsed content (not of its raw cells, so a
    restatement that differs only in spacing, letter case of vocabularies or column order
    is not a change). ``extra`` is content kept in child rows (terms, agents, 1.1 roles)."""
    return hashlib.blake2b(orjson.dumps((content, ext, extra)), digest_size=16).hexdigest()


class FileReader:
    """Reads one CSV file. Subclasses declare ``file``, ``columns`` and implement ``convert``.

    ``columns`` maps each standard column to whether the *column* must be in the header
    (the columns of required fields). Cells of optional columns that are missing from the
    header read as blank. ``aliases`` maps older header spellings to standard ones.
    """

    file: ClassVar[str]
    columns: ClassVar[dict[str, bool]]
    aliases: ClassVar[dict[str, str]] = {}
    # The fast path (see ``fast``): the stream and the kinds of its content cells, in order.
    fast_stream: ClassVar[str | None] = None
    fast_fields: ClassVar[tuple[FastField, ...]] = ()

    def __init__(self, report: ImportReport, mode: Mode, emit: Emit) -> None:
        self.report = report
        self.mode: Mode = mode
        self.emit = emit
        self.name = f"{self.file}.csv"
        self.index: dict[str, int] = {}
        self.width = 0
        self.meta: list[tuple[int, str]] = []
        self.missing: set[str] = set()
        self.line = 0
        self.cells: list[str] = []
        self.ok = True
        self.rows = 0
        self._fast: Callable[[list[str]], FastRow | None] | None = None
        self._nulls: tuple[None, ...] = (None,) * len(self.fast_fields)

    # -- header ---------------------------------------------------------------------------
    def start(self, header: list[str]) -> bool:
        """Check the header; False if the file cannot be read at all."""
        names = [h.strip() for h in header]
        present = set(names)
        seen: dict[str, int] = {}
        for i, raw in enumerate(names):
            name = raw
            if raw in self.aliases and self.aliases[raw] not in present:
                name = self.aliases[raw]
            if name in seen:
                self.report.error(self.name, 1, raw, "duplicate column in the header")
                continue
            seen[name] = i
            if name.startswith("metadata."):
                self.meta.append((i, name[len("metadata.") :]))
            elif name not in self.columns:
                self.report.warning(self.name, 1, raw, "unknown column; ignored")
        self.index = {n: i for n, i in seen.items() if n in self.columns}
        self.width = len(names)
        for name, required in self.columns.items():
            if required and name not in self.index:
                self.missing.add(name)
                self.report.error(self.name, 1, name, "required column is missing from the header")
        if self.fast_stream is not None and not self.missing:
            self._fast = compile_row(self.index, self.fast_fields, delta=self.mode == "delta")
        return True

    # -- rows -----------------------------------------------------------------------------
    def row(self, line: int, cells: list[str]) -> None:
        self.rows += 1
        self.line = line
        fast = self._fast
        if fast is not None and len(cells) == self.width:
            parsed = fast(cells)
            if parsed is not None and self.accept(line, cells, parsed):
                return
        if len(cells) > self.width:
            self.report.error(
                self.name,
                line,
                None,
                f"record has {len(cells)} cells but the header has {self.width}",
            )
            return
        if len(cells) < self.width:
            self.report.warning(
                self.name,
                line,
                None,
                f"record has {len(cells)} cells but the header has {self.width}; "
                "missing cells read as blank",
            )
            cells = cells + [""] * (self.width - len(cells))
        self.cells = cells
        self.ok = True
        self.convert()

    def convert(self) -> None:
        raise NotImplementedError

    def accept(self, line: int, cells: list[str], parsed: FastRow) -> bool:
        """Emit a record the fast path parsed; False (having emitted nothing) sends it to
        the careful path. Readers with child rows override ``fast_extra``."""
        key, status, _tomb, content = parsed
        stream = self.fast_stream
        assert stream is not None
        if content is None:
            self.emit(stream, (line, key, "tobedeleted", True, None, None, *self._nulls))
            return True
        extra = self.fast_extra(cells, key)
        if extra is False:
            return False
        ext: str | None = None
        if self.meta:
            self.cells = cells
            ext = self.extension()
        digest = row_digest(content, ext, extra)
        self.emit(stream, (line, key, status, False, digest, ext, *content))
        self.fast_children(line, key, extra)
        return True

    def fast_extra(self, cells: list[str], key: str) -> object:
        """The ``extra`` hashed with the record (see ``entity``), or False to fall back."""
        return None

    def fast_children(self, line: int, key: str, extra: Any) -> None:
        """Emit the child rows of a fast record (``extra`` is what ``fast_extra`` gave)."""

    # -- cell access ----------------------------------------------------------------------
    def error(self, column: str | None, reason: str, value: str | None = None) -> None:
        self.ok = False
        self.report.error(self.name, self.line, column, reason, value)

    def warning(self, column: str | None, reason: str, value: str | None = None) -> None:
        self.report.warning(self.name, self.line, column, reason, value)

    def raw(self, column: str) -> str:
        i = self.index.get(column)
        return "" if i is None else self.cells[i].strip()

    def text(self, column: str, *, required: bool = False) -> str | None:
        value = self.raw(column)
        if value:
            return value
        if required and column not in self.missing:
            self.error(column, "required value is blank")
        elif required:
            self.ok = False
        return None

    def ref(self, column: str, *, required: bool = False) -> str | None:
        value = self.text(column, required=required)
        if value is not None and len(value) > _MAX_ID:
            self.error(column, f"sourcedId longer than {_MAX_ID} characters", value)
            return None
        return value

    def vocab(self, column: str, vocab: CanonicalVocab, *, required: bool = False) -> str | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            canonical, exact = vocab.match(value)
        except ValueError as exc:
            self.error(column, str(exc), value)
            return None
        if not exact:
            self.warning(column, f"read as {canonical!r} (letter case differs)", value)
        return canonical

    def date(self, column: str, *, required: bool = False) -> str | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.error(column, str(exc), value)
            return None

    def boolean(self, column: str, *, required: bool = False) -> bool | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            return parse_bool(value)
        except ValueError as exc:
            self.error(column, str(exc), value)
            return None

    def strings(self, column: str) -> str | None:
        """A multi-value cell as a JSON array (None when blank)."""
        items = split_list(self.raw(column))
        return orjson.dumps(items).decode() if items else None

    def grades(self, column: str) -> str | None:
        items = parse_grades(self.raw(column))
        return orjson.dumps(items).decode() if items else None

    def keys(self, column: str, *, required: bool = False) -> list[str]:
        """A multi-value reference cell; duplicates dropped with a warning."""
        raw = self.raw(column)
        items = split_list(raw)
        if not items:
            if required and column not in self.missing:
                self.error(column, "at least one sourcedId is required")
            elif required:
                self.ok = False
            return []
        unique = list(dict.fromkeys(items))
        if len(unique) != len(items):
            self.warning(column, "duplicate sourcedIds in the list; kept once", raw)
        for item in unique:
            if len(item) > _MAX_ID:
                self.error(column, f"sourcedId longer than {_MAX_ID} characters", item)
        return unique

    # -- the base fields of every entity --------------------------------------------------
    def head(self, key_column: str = "sourcedId") -> tuple[str, str, bool] | None:
        """``(sourcedId, status, tombstone)`` or None when the key is unusable.

        Bulk: a blank status means ``active``. Delta: status and dateLastModified are
        required; a ``tobedeleted`` row is a tombstone. ``inactive`` (OneRoster 1.0) is read
        as ``tobedeleted`` with a warning.
        """
        key = self.ref(key_column, required=True)
        raw_status = self.raw("status")
        status: str | None
        if not raw_status:
            if self.mode == "delta":
                self.error("status", "status is required in a delta file")
                status = None
            else:
                status = "active"
        elif raw_status.lower() == "inactive":
            self.warning("status", "OneRoster 1.0 status read as 'tobedeleted'", raw_status)
            status = "tobedeleted"
        else:
            status = self.vocab("status", STATUS_VOCAB)
        dlm = self.raw("dateLastModified")
        if not dlm:
            if self.mode == "delta":
                self.error("dateLastModified", "dateLastModified is required in a delta file")
        else:
            try:
                _, date_only = parse_datetime(dlm)
            except ValueError as exc:
                self.error("dateLastModified", str(exc), dlm)
            else:
                if date_only:
                    self.warning(
                        "dateLastModified", "a date without time; read as midnight UTC", dlm
                    )
        if key is None:
            self.ok = False
            return None
        if status is None:  # already reported; read on to report the other cells too
            return key, "active", False
        return key, status, self.mode == "delta" and status == "tobedeleted"

    def extension(self) -> str | None:
        if not self.meta:
            return None
        values = {name: self.cells[i].strip() for i, name in self.meta if self.cells[i].strip()}
        return orjson.dumps(values).decode() if values else None

    def entity(
        self,
        stream: str,
        key: str,
        status: str,
        content: tuple[Any, ...],
        width: int,
        extra: object = None,
    ) -> None:
        """Emit an entity record if the row is valid (content must have ``width`` fields).

        ``extra`` is content that lives in child rows (class terms, user agents, 1.1 roles):
        it is part of the hash so a change to it is a change to the record.

        An invalid row (already reported) is staged as a key-only placeholder, so records
        referencing it do not cascade into more errors; a package with errors is never
        applied, so placeholders never reach the store.
        """
        if not self.ok:
            self.emit(stream, (self.line, key, status, False, None, None) + (None,) * width)
            return
        ext = self.extension()
        digest = row_digest(content, ext, extra)
        assert len(content) == width
        self.emit(stream, (self.line, key, status, False, digest, ext, *content))

    def tombstone(self, stream: str, key: str, width: int) -> None:
        """Emit a delta ``tobedeleted`` marker (its other cells are not read)."""
        self.emit(stream, (self.line, key, "tobedeleted", True, None, None) + (None,) * width)
