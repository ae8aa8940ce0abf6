"""Generated district packages, cached under benchmarks/.data (deterministic, so safe to reuse)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from benchmarks.common import DATA
from interop_hub.generator import generate_district


def district(students: int, seed: int = 1) -> Path:
    path = DATA / f"district-{students}-s{seed}"
    if not (path / "manifest.csv").exists():
        shutil.rmtree(path, ignore_errors=True)
        generate_district(path, students, seed, False, overwrite=True)
    return path


def count_rows(package: Path) -> int:
    total = 0
    for f in package.glob("*.csv"):
        if f.name != "manifest.csv":
            with f.open("rb") as fh:
                total += sum(1 for _ in fh) - 1
    return total


def changed_copy(package: Path, every: int, tag: str) -> tuple[Path, int]:
    """A copy of ``package`` where every ``every``-th user has a new email; returns the
    path and how many users changed."""
    out = DATA / f"{package.name}-changed-{every}"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(package, out)
    src = package / "users.csv"
    changed = 0
    with (
        src.open(newline="", encoding="utf-8") as fin,
        (out / "users.csv").open("w", newline="", encoding="utf-8") as fout,
    ):
        reader = csv.reader(fin)
        writer = csv.writer(fout, lineterminator="\r\n")
        header = next(reader)
        writer.writerow(header)
        email = header.index("email")
        for n, row in enumerate(reader):
            if n % every == 0:
                row[email] = f"{tag}{n}@changed.example.org"
                changed += 1
            writer.writerow(row)
    return out, changed
