"""`interop-hub connectors` / `runs`: register, test, sync with progress, hold, approve."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from interop_hub.cli import main
from interop_hub.config import get_settings
from interop_hub.generator import generate_district


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("INTEROP_HUB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("INTEROP_HUB_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_register_sync_hold_and_approve_from_the_command_line(env: Path) -> None:
    inbox = env / "inbox"
    generate_district(inbox / "a", students=150, seed=5)
    assert _run("db", "upgrade")[0] == 0
    code, out = _run(
        "connectors",
        "add",
        "sis",
        "--kind",
        "oneroster-csv",
        "--set",
        f"inbox={inbox}",
        "--every",
        "6h",
        "--mode",
        "full",
    )
    assert code == 0, out
    assert '"interval_seconds": 21600' in out
    code, out = _run("connectors", "test", "sis")
    assert (code, "OK   inbox: newest package: a") == (0, out.strip())
    code, out = _run("connectors", "sync", "sis")
    assert code == 0, out
    assert "run 1 of oneroster-csv:sis: applied" in out

    # The next export lost every enrollment: held (exit 3), then approved.
    shutil.copytree(inbox / "a", inbox / "b")
    path = inbox / "b" / "enrollments.csv"
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(header)

    os.utime(inbox / "b", (2e9, 2e9))
    code, out = _run("connectors", "sync", "sis")
    assert code == 3, out
    assert "held: enrollments:" in out
    code, out = _run("runs", "approve", "2", "--by", "it@district")
    assert code == 0, out
    assert "run 2 of oneroster-csv:sis: applied" in out
    code, out = _run("runs", "list")
    assert out.splitlines()[0].split()[-1] == "applied"


def test_unknown_connector_is_a_clear_error(env: Path) -> None:
    _run("db", "upgrade")
    code, out = _run("connectors", "sync", "nope")
    assert code == 1
    assert "no connector 'nope'" in out
