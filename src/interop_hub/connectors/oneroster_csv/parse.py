"""Read a whole package: manifest, version detection, then every imported file in
reference order, yielding bounded batches of stream records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any, Final

from interop_hub.connectors.oneroster_csv.files import READERS, Users11Reader, Users12Reader
from interop_hub.connectors.oneroster_csv.manifest import (
    IMPORTED_FILES,
    Manifest,
    Mode,
    read_manifest,
)
from interop_hub.connectors.oneroster_csv.package import CsvPackage
from interop_hub.connectors.oneroster_csv.problems import ImportReport
from interop_hub.connectors.oneroster_csv.reader import CsvSyntaxError, iter_records
from interop_hub.connectors.oneroster_csv.rows import FileReader

__all__ = ["Batch", "PackageReader"]

Batch = tuple[str, list[tuple[Any, ...]]]
DEFAULT_BATCH: Final = 5000


class PackageReader:
    """Streams a package's records after reading its manifest.

    ``version`` is the OneRoster version (``"1.1"``/``"1.2"``); ``users_layout`` is the
    layout of users.csv actually found: the 1.1 layout (``orgSourcedIds`` + ``role``) is
    used when the header has those columns and no roles.csv is supplied, whatever the
    manifest says (with a warning when they disagree). Files are read in the order
    orgs → academicSessions → courses → classes → users → roles → userProfiles →
    demographics → enrollments.
    """

    def __init__(
        self, package: CsvPackage, report: ImportReport, batch_size: int = DEFAULT_BATCH
    ) -> None:
        self.package = package
        self.report = report
        self.batch_size = batch_size
        if package.prefix_note:
            report.warning(
                "manifest.csv",
                None,
                None,
                f"package files are inside the folder {package.prefix_note!r}; read from there",
            )
        self.manifest: Manifest = read_manifest(package, report)
        self.users_layout = self._users_layout()
        self.version = self.manifest.version or self.users_layout
        self.rows_read: dict[str, int] = {}

    def mode(self, file: str) -> Mode:
        return self.manifest.mode(file)

    def _users_layout(self) -> str:
        manifest = self.manifest
        if manifest.supplied("roles"):
            return "1.2"
        header: list[str] = []
        if manifest.supplied("users") and "users.csv" in self.package:
            try:
                with self.package.open_text("users.csv") as text:
                    for _, cells in iter_records(text):
                        header = [c.strip() for c in cells]
                        break
            except CsvSyntaxError:
                header = []
        if "orgSourcedIds" in header and "role" in header:
            if manifest.version == "1.2":
                self.report.warning(
                    "users.csv",
                    1,
                    None,
                    "manifest says 1.2 but users.csv has the 1.1 layout (orgSourcedIds, role); "
                    "read as 1.1",
                )
            return "1.1"
        if header and manifest.version == "1.1":
            self.report.warning(
                "users.csv",
                1,
                None,
                "manifest says 1.1 but users.csv has the 1.2 layout (no orgSourcedIds/role); "
                "read as 1.2",
            )
        return manifest.version or "1.2"

    def _reader(self, file: str, emit: Any) -> FileReader:
        mode = self.mode(file)
        if file == "users":
            cls: type[FileReader] = Users11Reader if self.users_layout == "1.1" else Users12Reader
        else:
            cls = READERS[file]
        return cls(self.report, mode, emit)

    def batches(self) -> Iterator[Batch]:
        """Yield ``(stream, records)`` batches; each list holds at most about ``batch_size``."""
        for file in IMPORTED_FILES:
            if not self.manifest.supplied(file) or f"{file}.csv" not in self.package:
                continue
            if file in ("roles", "userProfiles") and self.version == "1.1":
                self.report.warning(
                    f"{file}.csv", None, None, f"{file}.csv is a 1.2 file; read anyway"
                )
            yield from self._file_batches(file)

    def _file_batches(self, file: str) -> Iterator[Batch]:
        pending: dict[str, list[tuple[Any, ...]]] = defaultdict(list)

        def emit(stream: str, record: tuple[Any, ...]) -> None:
            pending[stream].append(record)

        reader = self._reader(file, emit)
        name = f"{file}.csv"
        check = max(1, min(1024, self.batch_size // 4))
        try:
            with self.package.open_text(name) as text:
                records = iter_records(text)
                first = next(records, None)
                if first is None:
                    self.report.error(name, 1, None, "the file is empty (no header row)")
                    return
                reader.start(first[1])
                row = reader.row
                n = 0
                for line, cells in records:
                    row(line, cells)
                    n += 1
                    if n >= check:
                        n = 0
                        if sum(len(b) for b in pending.values()) >= self.batch_size:
                            yield from _drain(pending)
        except CsvSyntaxError as exc:
            self.report.error(name, exc.line, None, exc.reason)
        self.rows_read[file] = reader.rows
        yield from _drain(pending)


def _drain(pending: dict[str, list[tuple[Any, ...]]]) -> Iterator[Batch]:
    for stream in list(pending):
        records = pending.pop(stream)
        if records:
            yield stream, records
