"""The OneRoster CSV drop connector: a watched inbox folder of packages (or uploads).

District SIS exports land in the inbox as ZIP files or folders (with ``manifest.csv``),
by SFTP, a shared drive, or an upload through the admin API. A run takes the newest
package in the inbox (by modification time; the inbox itself when it holds a
``manifest.csv``) and stages it unchanged, so the importer's report names the district's
own files and lines. Older packages are left in place for the district to archive.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field

from interop_hub.connectors.sdk import Check, Connector, ConnectorConfig, ExtractContext
from interop_hub.core.errors import SourceDataError, SourceUnavailable

__all__ = ["OneRosterCsvDropConfig", "OneRosterCsvDropConnector", "newest_package"]


class OneRosterCsvDropConfig(ConnectorConfig):
    inbox: str = Field(description="Folder where OneRoster CSV packages (ZIP or folder) land.")


def newest_package(inbox: Path) -> Path | None:
    if (inbox / "manifest.csv").is_file():
        return inbox
    candidates = [
        p
        for p in inbox.iterdir()
        if (p.is_file() and p.suffix.lower() == ".zip")
        or (p.is_dir() and (p / "manifest.csv").is_file())
    ]
    return max(candidates, key=lambda p: (p.stat().st_mtime, p.name), default=None)


class OneRosterCsvDropConnector(Connector):
    kind: ClassVar[str] = "oneroster-csv"
    title: ClassVar[str] = "OneRoster CSV drop (1.1 / 1.2 packages)"
    config_model: ClassVar[type[ConnectorConfig]] = OneRosterCsvDropConfig
    supports_incremental: ClassVar[bool] = False

    config: OneRosterCsvDropConfig

    def _inbox(self) -> Path:
        inbox = Path(self.config.inbox)
        if not inbox.is_dir():
            raise SourceUnavailable(f"the inbox folder {inbox} does not exist or is not a folder")
        return inbox

    def package(self, ctx: ExtractContext) -> Path | None:
        found = newest_package(self._inbox())
        if found is None:
            raise SourceDataError(
                f"no OneRoster package in {self.config.inbox}: expected a .zip file or a "
                "folder with manifest.csv"
            )
        return found

    def check(self) -> list[Check]:
        try:
            inbox = self._inbox()
        except SourceUnavailable as exc:
            return [Check("inbox", False, exc.message)]
        found = newest_package(inbox)
        if found is None:
            return [Check("inbox", True, f"{inbox} is readable but holds no package yet")]
        return [Check("inbox", True, f"newest package: {found.name}")]
