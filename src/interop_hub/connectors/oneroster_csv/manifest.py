"""``manifest.csv``: the OneRoster version, each file's mode (bulk | delta | absent), the source.

Manifest policy:

* errors: no manifest, wrong header, a ``file.*`` mode other than bulk/delta/absent, a
  duplicate property, an unsupported ``oneroster.version``, a file marked bulk/delta that
  the package does not contain, a file present in the package but marked absent;
* warnings: unknown ``file.*`` names, data files the manifest does not mention (ignored),
  files the hub does not import yet (gradebook, resources) when supplied.

Files not mentioned in the manifest are treated as ``absent`` (1.1 manifests do not list
the 1.2-only files ``roles`` and ``userProfiles``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from interop_hub.connectors.oneroster_csv.package import CsvPackage
from interop_hub.connectors.oneroster_csv.problems import ImportReport
from interop_hub.connectors.oneroster_csv.reader import CsvSyntaxError, iter_records

__all__ = [
    "IMPORTED_FILES",
    "KNOWN_FILES",
    "NOT_IMPORTED_FILES",
    "Manifest",
    "Mode",
    "read_manifest",
]

Mode = Literal["bulk", "delta", "absent"]
MANIFEST: Final = "manifest.csv"
SUPPORTED_VERSIONS: Final = {"1.1": "1.1", "1.2": "1.2", "1.2.1": "1.2"}

IMPORTED_FILES: Final = (
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "roles",
    "userProfiles",
    "demographics",
    "enrollments",
)
NOT_IMPORTED_FILES: Final = (
    "categories",
    "classResources",
    "courseResources",
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "lineItems",
    "resources",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "results",
    "scoreScales",
    "userResources",
)
KNOWN_FILES: Final = frozenset(IMPORTED_FILES + NOT_IMPORTED_FILES)
_ABSENT_WORDS: Final = frozenset({"", "absent", "null", "none", "n/a", "na", "-"})


@dataclass
class Manifest:
    """What the manifest declares. ``version`` is ``"1.1"`` or ``"1.2"`` (None if unknown)."""

    version: str | None = None
    manifest_version: str | None = None
    modes: dict[str, Mode] = field(default_factory=dict)
    system_name: str | None = None
    system_code: str | None = None
    lines: dict[str, int] = field(default_factory=dict)

    def mode(self, file: str) -> Mode:
        return self.modes.get(file, "absent")

    def supplied(self, file: str) -> bool:
        return self.mode(file) != "absent"


def _meaningful(value: str) -> str | None:
    return None if value.strip().lower() in _ABSENT_WORDS else value.strip()


def read_manifest(package: CsvPackage, report: ImportReport) -> Manifest:
    """Parse and check ``manifest.csv`` against the package contents."""
    manifest = Manifest()
    if MANIFEST not in package:
        report.error(MANIFEST, None, None, "the package has no manifest.csv")
        return manifest
    try:
        with package.open_text(MANIFEST) as text:
            records = list(iter_records(text))
    except CsvSyntaxError as exc:
        report.error(MANIFEST, exc.line, None, exc.reason)
        return manifest
    if not records or [c.strip() for c in records[0][1][:2]] != ["propertyName", "value"]:
        report.error(MANIFEST, 1, None, "the header must be propertyName,value")
        return manifest
    for line, cells in records[1:]:
        if len(cells) != 2:
            report.error(MANIFEST, line, None, f"expected 2 cells, found {len(cells)}")
            continue
        name, value = cells[0].strip(), cells[1].strip()
        if name in manifest.lines:
            report.error(
                MANIFEST,
                line,
                "propertyName",
                f"duplicate property (first on line {manifest.lines[name]})",
                name,
            )
            continue
        manifest.lines[name] = line
        if name.startswith("file."):
            _read_mode(manifest, report, line, name[5:], value)
        elif name == "oneroster.version":
            if value not in SUPPORTED_VERSIONS:
                report.error(
                    MANIFEST, line, "value", "unsupported oneroster.version (1.1 or 1.2)", value
                )
            else:
                manifest.version = SUPPORTED_VERSIONS[value]
        elif name == "manifest.version":
            manifest.manifest_version = value
        elif name == "source.systemName":
            manifest.system_name = _meaningful(value)
        elif name == "source.systemCode":
            manifest.system_code = _meaningful(value)
    if "oneroster.version" not in manifest.lines:
        report.warning(
            MANIFEST, None, None, "no oneroster.version; the version is read from users.csv"
        )
    _check_files(manifest, package, report)
    return manifest


def _read_mode(manifest: Manifest, report: ImportReport, line: int, file: str, value: str) -> None:
    mode = value.lower()
    if mode not in ("bulk", "delta", "absent"):
        report.error(MANIFEST, line, "value", "file mode must be bulk, delta or absent", value)
        return
    if file not in KNOWN_FILES:
        report.warning(MANIFEST, line, "propertyName", "unknown file; ignored", f"file.{file}")
        return
    manifest.modes[file] = mode  # type: ignore[assignment]


def _check_files(manifest: Manifest, package: CsvPackage, report: ImportReport) -> None:
    for file, mode in manifest.modes.items():
        name = f"{file}.csv"
        line = manifest.lines.get(f"file.{file}")
        if mode != "absent" and name not in package:
            report.error(
                MANIFEST, line, "value", f"file.{file} is {mode} but {name} is not in the package"
            )
        elif mode == "absent" and name in package:
            report.error(
                MANIFEST, line, "value", f"file.{file} is absent but {name} is in the package"
            )
        elif mode != "absent" and file in NOT_IMPORTED_FILES:
            report.warning(name, None, None, f"{name} is not imported yet (gradebook/resources)")
    for name in sorted(package.names()):
        if name == MANIFEST or not name.endswith(".csv"):
            continue
        if name[:-4] not in manifest.modes and name[:-4] in KNOWN_FILES:
            report.warning(name, None, None, "file is not listed in manifest.csv; ignored")
        elif name[:-4] not in KNOWN_FILES:
            report.warning(name, None, None, "not a OneRoster file; ignored")
