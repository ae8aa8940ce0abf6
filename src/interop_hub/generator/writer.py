"""OneRoster 1.2 CSV package output: headers, streaming table writers, manifest and zip.

Format decisions (OneRoster 1.2 CSV binding, see ``standards/oneroster.md`` §6):

* UTF-8 without BOM, CRLF line ends, RFC 4180 quoting by :mod:`csv` (minimal quoting, so
  multi-value cells such as ``"09,10"`` are quoted and single values are not).
* Every written file is declared ``bulk`` in ``manifest.csv``; the other 1.2 files are
  ``absent``. Rows carry ``status=active`` and one fixed ``dateLastModified`` (the snapshot
  time, derived from the school year, never the wall clock) so output is reproducible and a
  consumer can still test its delta logic against it.
* ``--zip`` writes the same files (manifest first, then alphabetical) into a zip with no
  folders, fixed entry timestamps (1980-01-01) and DEFLATE, so equal input gives equal bytes.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Final, Self

__all__ = [
    "HEADERS",
    "MANIFEST_FILES",
    "PackageWriter",
    "Table",
    "package_files",
    "scratch_folder",
    "write_zip",
]

# The 21 files of a 1.2 package, in the manifest order of the 1.2 sample.
MANIFEST_FILES: Final = (
    "academicSessions",
    "categories",
    "classResources",
    "classes",
    "courseResources",
    "courses",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "lineItems",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "results",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
)

_B: Final = ("sourcedId", "status", "dateLastModified")
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "orgs": (*_B, "name", "type", "identifier", "parentSourcedId"),
    "academicSessions": (
        *_B, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear",
    ),
    "courses": (
        *_B, "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects",
        "subjectCodes",
    ),
    "classes": (
        *_B, "title", "grades", "courseSourcedId", "classCode", "classType", "location",
        "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods",
    ),
    "users": (
        *_B, "enabledUser", "username", "userIds", "givenName", "familyName", "middleName",
        "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password",
        "userMasterIdentifier", "preferredGivenName", "preferredMiddleName",
        "preferredFamilyName", "primaryOrgSourcedId", "pronouns",
    ),
    "roles": (
        *_B, "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId",
        "userProfileSourcedId",
    ),
    "demographics": (
        *_B, "birthDate", "sex", "americanIndianOrAlaskaNative", "asian",
        "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white",
        "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity", "countryOfBirthCode",
        "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus",
    ),
    "enrollments": (
        *_B, "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary",
        "beginDate", "endDate",
    ),
}  # fmt: skip

_BUFFER: Final = 1 << 20
_ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)


class Table:
    """One open CSV file; counts the data rows written."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self._file = path.open("w", encoding="utf-8", newline="", buffering=_BUFFER)
        self._writer = csv.writer(self._file, lineterminator="\r\n")
        self._writer.writerow(header)
        self.rows = 0

    def write(self, row: Sequence[str]) -> None:
        self._writer.writerow(row)
        self.rows += 1

    def write_many(self, rows: Sequence[Sequence[str]]) -> None:
        self._writer.writerows(rows)
        self.rows += len(rows)

    def close(self) -> None:
        self._file.close()


class PackageWriter:
    """Opens one :class:`Table` per file in :data:`HEADERS`; writes the manifest on close."""

    def __init__(self, folder: Path, *, system_name: str, system_code: str) -> None:
        self.folder = folder
        self.system_name = system_name
        self.system_code = system_code
        self.tables: dict[str, Table] = {}

    def __enter__(self) -> Self:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, header in HEADERS.items():
            self.tables[name] = Table(self.folder / f"{name}.csv", header)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for table in self.tables.values():
            table.close()
        if exc_type is None:
            self._write_manifest()

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]

    def counts(self) -> dict[str, int]:
        return {name: table.rows for name, table in sorted(self.tables.items())}

    def _write_manifest(self) -> None:
        rows: list[tuple[str, str]] = [("manifest.version", "1.0"), ("oneroster.version", "1.2")]
        rows += [(f"file.{n}", "bulk" if n in self.tables else "absent") for n in MANIFEST_FILES]
        rows += [("source.systemName", self.system_name), ("source.systemCode", self.system_code)]
        with (self.folder / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(("propertyName", "value"))
            writer.writerows(rows)


def package_files(folder: Path) -> list[Path]:
    """The package's files in zip order: manifest first, then the data files by name."""
    data = sorted(p for p in folder.glob("*.csv") if p.name != "manifest.csv")
    return [folder / "manifest.csv", *data]


def write_zip(folder: Path, target: Path) -> None:
    """Zip ``folder``'s CSV files flat into ``target`` (atomically, reproducibly)."""
    tmp = target.with_name(f".{target.name}.partial")
    with zipfile.ZipFile(tmp, "w") as zf:
        for path in package_files(folder):
            info = zipfile.ZipInfo(path.name, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            size = path.stat().st_size
            with path.open("rb") as src, zf.open(info, "w", force_zip64=size >= 1 << 31) as dst:
                shutil.copyfileobj(src, dst, _BUFFER)
    tmp.replace(target)


def scratch_folder(near: Path) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder on the same file system as ``near`` (for zip staging)."""
    near.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".interop-hub-gen-", dir=near)
