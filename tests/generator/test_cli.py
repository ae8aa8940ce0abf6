"""``interop-hub generate``."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from interop_hub.cli import main


def test_generate_folder_and_zip(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["generate", "--students", "120", "--seed", "9", str(tmp_path / "p")]
    )
    assert result.exit_code == 0, result.output
    assert "enrollments.csv" in result.output
    assert (tmp_path / "p" / "manifest.csv").is_file()

    result = runner.invoke(main, ["generate", "-n", "120", "--zip", str(tmp_path / "p.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "p.zip") as zf:
        assert "users.csv" in zf.namelist()


def test_generate_reports_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["generate", "-n", "10", str(tmp_path / "p")]).exit_code == 0
    result = runner.invoke(main, ["generate", "-n", "10", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert "--overwrite" in result.output
    assert runner.invoke(main, ["generate", "-n", "0", str(tmp_path / "q")]).exit_code == 2
