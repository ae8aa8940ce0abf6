"""Reading whole packages without a database: versions, warnings, the canonical contract."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from interop_hub.connectors.oneroster_csv import CsvPackage, ImportReport, PackageReader
from interop_hub.connectors.oneroster_csv.canonical import to_canonical
from tests.conftest import shared_data

CHILD_STREAMS = ("class_terms", "user_agents", "user_orgs", "roles")


def read_all(path: Path) -> tuple[PackageReader, dict[str, list[tuple[Any, ...]]], ImportReport]:
    report = ImportReport()
    streams: dict[str, list[tuple[Any, ...]]] = {}
    with CsvPackage(path) as package:
        reader = PackageReader(package, report, batch_size=2)
        for stream, records in reader.batches():
            streams.setdefault(stream, []).extend(records)
    return reader, streams, report


@pytest.mark.parametrize(
    ("name", "version", "counts"),
    [
        ("moodle_v1p1_full", "1.1", {"orgs": 1, "academic_sessions": 5, "users": 6}),
        ("moodle_v1p1_minimal", "1.1", {"classes": 2, "enrollments": 6, "user_orgs": 6}),
        ("moodle_v1p2_datagen_delta", "1.2", {"roles": 1, "user_profiles": 1}),
    ],
)
def test_shared_sets_read_without_errors(name: str, version: str, counts: dict[str, int]) -> None:
    reader, streams, report = read_all(shared_data("oneroster", "csv", name))
    assert report.error_count == 0, report.render()
    assert reader.version == version
    assert reader.users_layout == version
    for stream, n in counts.items():
        assert len(streams[stream]) == n


def test_every_accepted_record_satisfies_the_canonical_model() -> None:
    """The fast path and the pydantic contract agree on the shared sets."""
    for name in ("moodle_v1p1_full", "moodle_v1p1_minimal", "moodle_v1p2_datagen_delta"):
        _, streams, _ = read_all(shared_data("oneroster", "csv", name))
        role = {"role_type": "primary", "role": "student", "org_id": "o"}
        for stream, records in streams.items():
            if stream in CHILD_STREAMS:
                continue
            for record in records:
                to_canonical(stream, record, term_ids=("t",), roles=(role,))


def test_v1p1_quirks_are_warnings(tmp_path: Path) -> None:
    _, streams, report = read_all(shared_data("oneroster", "csv", "moodle_v1p1_full"))
    found = {(p.file, p.line, p.column) for p in report.warnings}
    assert ("classes.csv", 2, "classType") in found  # Scheduled → scheduled
    assert ("academicSessions.csv", 4, "status") in found  # inactive → tobedeleted
    sessions = {r[1]: r for r in streams["academic_sessions"]}
    assert sessions["as-grp-222-2345"][2] == "tobedeleted"
    assert streams["classes"][0][8] == "scheduled"
    # A 1.1 user with a blank status in a bulk file is active.
    users = {r[1]: r for r in streams["users"]}
    assert users["usr-222-66778899"][2] == "active"
    # Passwords never leave the reader.
    assert not any("Password1-" in repr(r) for records in streams.values() for r in records)


def test_zip_with_top_level_folder(tmp_path: Path) -> None:
    src = shared_data("oneroster", "csv", "moodle_v1p2_datagen_delta")
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in src.iterdir():
            zf.write(f, f"export/{f.name}")
    _, streams, report = read_all(archive)
    assert report.error_count == 0
    assert len(streams["users"]) == 1
    assert any("inside the folder" in p.reason for p in report.warnings)


def test_metadata_columns_become_the_extension(tmp_path: Path) -> None:
    src = shared_data("oneroster", "csv", "moodle_v1p2_datagen_delta")
    pkg = tmp_path / "pkg"
    shutil.copytree(src, pkg)
    orgs = pkg / "orgs.csv"
    orgs.chmod(0o644)
    lines = orgs.read_text().splitlines()
    lines[0] += ",metadata.classification,metadata.jp.kana"
    lines[1] += ",charter,"
    orgs.write_text("\n".join(lines))
    _, streams, report = read_all(pkg)
    assert report.error_count == 0
    assert streams["orgs"][0][5] == '{"classification":"charter"}'
