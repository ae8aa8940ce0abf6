"""Opening a OneRoster CSV package: a ZIP file or a folder, read as a stream.

Files are opened lazily as UTF-8 text (a leading BOM is dropped) with universal newline
handling left to the CSV reader, so a file of any size is read in bounded memory.
A ZIP whose files sit in a single top-level folder is accepted (with a warning) because
many tools zip a folder rather than its contents.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TextIO

__all__ = ["CsvPackage", "PackageError"]


class PackageError(Exception):
    """The path is not a readable package (no such file, not a ZIP, no manifest.csv)."""


class CsvPackage:
    """Read access to the files of one package, by bare file name (``users.csv``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.prefix_note: str | None = None
        self._zip: zipfile.ZipFile | None = None
        self._names: dict[str, str] = {}
        if path.is_dir():
            self._names = {p.name: p.name for p in path.iterdir() if p.is_file()}
        elif path.is_file():
            try:
                self._zip = zipfile.ZipFile(path)
            except zipfile.BadZipFile as exc:
                raise PackageError(f"{path} is neither a folder nor a ZIP file") from exc
            members = [n for n in self._zip.namelist() if not n.endswith("/")]
            root = {n: n for n in members if "/" not in n}
            if "manifest.csv" not in root:
                nested = [n for n in members if n.endswith("/manifest.csv") and n.count("/") == 1]
                if len(nested) == 1:
                    folder = nested[0].rsplit("/", 1)[0] + "/"
                    root = {
                        n[len(folder) :]: n
                        for n in members
                        if n.startswith(folder) and "/" not in n[len(folder) :]
                    }
                    self.prefix_note = folder
            self._names = root
        else:
            raise PackageError(f"{path} does not exist")

    def names(self) -> set[str]:
        return set(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    @contextmanager
    def open_text(self, name: str) -> Iterator[TextIO]:
        """Open ``name`` as text for the csv module (``newline=''``, BOM stripped)."""
        if self._zip is not None:
            with self._zip.open(self._names[name]) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                try:
                    yield text
                finally:
                    text.detach()
        else:
            with (self.path / self._names[name]).open(encoding="utf-8-sig", newline="") as fh:
                yield fh

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> CsvPackage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
