"""Run a connector through its mapping into a staged package and read the rows back."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import orjson

from interop_hub.connectors.sdk import Connector, ExtractContext
from interop_hub.sync.extract import StageResult, stage

__all__ = ["staged_rows", "staged_via"]


def staged_via(connector: Connector, folder: Path) -> StageResult:
    return stage(connector, folder, ExtractContext())


def staged_rows(folder: Path) -> list[dict[str, Any]]:
    """The staged assessmentResults rows, JSON columns parsed, empty cells dropped."""
    with (folder / "assessmentResults.csv").open(encoding="utf-8", newline="") as fh:
        rows: list[dict[str, Any]] = []
        for row in csv.DictReader(fh):
            parsed: dict[str, Any] = {k: v for k, v in row.items() if v}
            for name in ("scores", "performanceLevels"):
                if name in parsed:
                    parsed[name] = orjson.loads(parsed[name])
            rows.append(parsed)
    return rows
