"""Extraction: a connector's records through its mapping into a staged package.

``stage(connector, folder, ctx)`` is what a run does in its ``fetching`` phase; tests use
it directly to check a connector and its mapping against a mocked source. A connector
that supplies a OneRoster CSV package (``Connector.package``) has it copied as is.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from interop_hub.connectors.sdk import Connector, ExtractContext
from interop_hub.connectors.sdk.paginators import dig
from interop_hub.mapping import Mapper, mapping_for

__all__ = ["StageResult", "stage"]


@dataclass
class StageResult:
    folder: Path
    rows: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    bookmarks: dict[str, str] = field(default_factory=dict)
    passthrough: bool = False


def _origin(stream: str, record: dict[str, object]) -> str:
    for key in ("sourcedId", "id", "uid", "dcid", "studentUniqueId", "StudentID"):
        value = dig(record, key)
        if value not in (None, ""):
            return f"{stream} {key}={value}"
    return stream


def stage(
    connector: Connector,
    folder: Path,
    ctx: ExtractContext,
    *,
    mapper: Mapper | None = None,
    system_code: str = "",
    on_rows: Callable[[dict[str, int]], None] | None = None,
) -> StageResult:
    """Extract with ``ctx`` and write the staged package into ``folder``."""
    from interop_hub.sync.staged import StagedPackageWriter

    folder.mkdir(parents=True, exist_ok=True)
    package = connector.package(ctx)
    if package is not None:
        for item in package.iterdir() if package.is_dir() else ():
            if item.is_file():
                shutil.copyfile(item, folder / item.name)
        if package.is_file():
            shutil.copyfile(package, folder / "package.zip")
        return StageResult(folder=folder, passthrough=True)
    mapper = mapper or mapping_for(connector.kind, connector.mapping_folder())
    result = StageResult(folder=folder)
    records: dict[str, int] = {}
    with StagedPackageWriter(
        folder, mode=ctx.mode, declared=mapper.mapping.targets(), system_code=system_code
    ) as writer:
        for stream, record in connector.extract(ctx):
            records[stream] = records.get(stream, 0) + 1
            origin = _origin(stream, record)
            for target, row in mapper.rows(stream, record):
                writer.add(target, row, origin)
            if on_rows is not None and records[stream] % 5000 == 0:
                on_rows(dict(records))
        result.rows = dict(writer.counts)
    result.records = records
    result.bookmarks = ctx.new_bookmarks()
    return result
