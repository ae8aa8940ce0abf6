"""Same seed and size → byte-identical output; zip packages are flat and reproducible."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from interop_hub.generator import generate_district
from tests.generator.checks import check_integrity, read_package


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a = generate_district(tmp_path / "a", 300, seed=5)
    b = generate_district(tmp_path / "b", 300, seed=5)
    assert a.rows == b.rows
    assert _files(a.path) == _files(b.path)


def test_different_seed_gives_different_data(tmp_path: Path) -> None:
    a = _files(generate_district(tmp_path / "a", 300, seed=5).path)
    b = _files(generate_district(tmp_path / "b", 300, seed=6).path)
    assert a["users.csv"] != b["users.csv"]
    assert a["demographics.csv"] != b["demographics.csv"]
    assert a["enrollments.csv"] != b["enrollments.csv"]


def test_school_year_moves_the_calendar(tmp_path: Path) -> None:
    pkg = read_package(generate_district(tmp_path / "y", 50, school_year=2031).path)
    year = next(s for s in pkg["academicSessions"] if s["type"] == "schoolYear")
    assert (year["schoolYear"], year["startDate"][:4], year["endDate"][:4]) == (
        "2031",
        "2030",
        "2031",
    )
    assert {r["dateLastModified"] for r in pkg["users"]} == {"2030-08-01T00:00:00.000Z"}


def test_zip_is_flat_reproducible_and_matches_folder(tmp_path: Path) -> None:
    folder = generate_district(tmp_path / "folder", 300, seed=2)
    first = generate_district(tmp_path / "one.zip", 300, seed=2, zip=True)
    second = generate_district(tmp_path / "two.zip", 300, seed=2, zip=True)
    assert first.rows == folder.rows
    assert first.path.read_bytes() == second.path.read_bytes()
    with zipfile.ZipFile(first.path) as zf:
        names = zf.namelist()
        assert names[0] == "manifest.csv"
        assert all("/" not in n and "\\" not in n for n in names)
        assert {n: zf.read(n) for n in names} == _files(folder.path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "one.zip", "two.zip"]


def test_refuses_to_clobber_without_overwrite(tmp_path: Path) -> None:
    out = generate_district(tmp_path / "pkg", 20).path
    with pytest.raises(FileExistsError):
        generate_district(out, 20)
    generate_district(out, 30, overwrite=True)
    assert len(read_package(out)["demographics"]) == 30
    archive = generate_district(tmp_path / "pkg.zip", 20, zip=True).path
    with pytest.raises(FileExistsError):
        generate_district(archive, 20, zip=True)
    generate_district(archive, 20, zip=True, overwrite=True)


@pytest.mark.parametrize("size", [1, 2, 5, 13, 40])
def test_tiny_districts_are_coherent(tmp_path: Path, size: int) -> None:
    summary = generate_district(tmp_path / "tiny", size, seed=3)
    pkg = read_package(summary.path)
    check_integrity(pkg)
    assert summary.rows["demographics"] == size
    assert sum(summary.schools.values()) >= 1
    if size >= 13:
        assert set(summary.schools) == {"elementary", "middle", "high"}
