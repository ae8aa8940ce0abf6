"""Helpers that derive packages from the shared CSV sets (copied, never edited in place)
and snapshot the store."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from interop_hub.core.db import Base
from tests.conftest import shared_data

__all__ = ["copy_set", "edit", "read_rows", "snapshot", "write_rows"]


def copy_set(name: str, tmp_path: Path, folder: str | None = None) -> Path:
    """A writable copy of ``../shared/data/oneroster/csv/<name>`` (skips if absent)."""
    dest = tmp_path / (folder or name)
    shutil.copytree(shared_data("oneroster", "csv", name), dest)
    for f in dest.iterdir():
        f.chmod(0o644)
    return dest


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [row for row in csv.reader(fh) if row]


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def edit(path: Path, line: int, column: str, value: str) -> None:
    """Set the cell at physical ``line`` (header = 1; the sets have no multi-line cells)."""
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table except sync_runs (which records rejections by design)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "sync_runs":
                continue
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out
