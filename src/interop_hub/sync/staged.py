"""A run's staged data: the mapped rows of one extraction, as a package of CSV files.

Every connector's mapping produces rows of the target files (``mapping.targets``): the
OneRoster 1.2 CSV files plus the hub's ``assessmentResults``. ``StagedPackageWriter``
writes them into a folder with a OneRoster ``manifest.csv``, so the staged data of any
source goes through the same validating importer as a district's own CSV export (one
contract, one set of error reports naming file, line, column and reason).

Manifest modes: a **full** run declares every target its mapping can produce as
``bulk`` (records absent from the source become ``tobedeleted``; never hard-deleted),
even when the source returned no rows for it (so an empty export is seen, and held by the
safety gate, rather than silently skipped); an **incremental** run declares ``delta``.

Alongside each file, ``<file>.keys`` lists the source stream and key of every data line,
so a problem the importer finds at ``users.csv`` line 812 is reported against the
source record it came from.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Literal

from interop_hub.mapping.targets import TARGETS

__all__ = ["StagedPackageWriter", "source_of_line"]

_BUFFER: Final = 1 << 20


class StagedPackageWriter:
    """Writes staged rows into ``folder``; ``close`` (a clean exit) writes the manifest."""

    def __init__(
        self,
        folder: Path,
        *,
        mode: Literal["full", "incremental"],
        declared: Iterable[str],
        system_code: str = "",
    ) -> None:
        self.folder = folder
        self.mode = mode
        self.declared = set(declared)
        self.system_code = system_code
        self.counts: dict[str, int] = {}
        self._files: dict[str, tuple[IO[str], Any, IO[str]]] = {}

    def __enter__(self) -> StagedPackageWriter:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:  # a failed extraction leaves no manifest: the folder is not a package
            for handle, _, keys in self._files.values():
                handle.close()
                keys.close()

    def _open(self, target: str) -> tuple[IO[str], Any, IO[str]]:
        handle = (self.folder / f"{target}.csv").open(
            "w", encoding="utf-8", newline="", buffering=_BUFFER
        )
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(TARGETS[target])
        keys = (self.folder / f"{target}.keys").open("w", encoding="utf-8", buffering=_BUFFER)
        opened = (handle, writer, keys)
        self._files[target] = opened
        self.counts[target] = 0
        return opened

    def add(self, target: str, row: Sequence[str], origin: str = "") -> None:
        """One row of ``target`` (columns in ``TARGETS[target]`` order); ``origin`` names the
        source record (``stream key``) for error reports."""
        opened = self._files.get(target) or self._open(target)
        opened[1].writerow(row)
        opened[2].write(origin.replace("\n", " ") + "\n")
        self.counts[target] += 1

    def close(self) -> None:
        for handle, _, keys in self._files.values():
            handle.close()
            keys.close()
        for target in self.declared - set(self._files):
            self._open(target)
        for handle, _, keys in self._files.values():
            if not handle.closed:
                handle.close()
                keys.close()
        mode = "bulk" if self.mode == "full" else "delta"
        with (self.folder / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(("propertyName", "value"))
            writer.writerow(("manifest.version", "1.0"))
            writer.writerow(("oneroster.version", "1.2"))
            if self.system_code:
                writer.writerow(("source.systemCode", self.system_code))
            for target in sorted(self._files):
                if target in TARGETS and target != "assessmentResults":
                    writer.writerow((f"file.{target}", mode))


def source_of_line(folder: Path, file: str, line: int) -> str | None:
    """The source record behind data ``line`` (1 = header) of a staged ``file``."""
    stem = file.removesuffix(".csv")
    path = folder / f"{stem}.keys"
    if line < 2 or not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        for number, text in enumerate(f, start=2):
            if number == line:
                return text.rstrip("\n") or None
    return None
