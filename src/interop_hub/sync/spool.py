"""The durable copy of a run's staged files: gzip chunks in ``sync_run_files``.

Staged data is written to a local scratch folder while the connector fetches, then
stored in the database in the same transaction that moves the run to ``staged``: from
then on any worker on any machine can resume the run after a crash, and a held run can
be approved days later. Chunks are at most ``CHUNK`` bytes compressed, so no single
value grows past what either database handles comfortably.
"""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from sqlalchemy import Connection, delete, insert, select

from interop_hub.models import SyncRunFile

__all__ = ["load_files", "store_files"]

CHUNK: Final = 8 << 20
_READ: Final = 32 << 20


def _chunks(path: Path) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip framing
    pending = bytearray()
    with path.open("rb") as f:
        while block := f.read(_READ):
            pending += compressor.compress(block)
            while len(pending) >= CHUNK:
                yield bytes(pending[:CHUNK])
                del pending[:CHUNK]
    pending += compressor.flush()
    while pending:
        yield bytes(pending[:CHUNK])
        del pending[:CHUNK]


def store_files(conn: Connection, run_id: int, folder: Path) -> int:
    """Store every file of ``folder`` for ``run_id`` (replacing earlier ones); total bytes."""
    conn.execute(delete(SyncRunFile).where(SyncRunFile.run_id == run_id))
    total = 0
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        for seq, data in enumerate(_chunks(path)):
            conn.execute(
                insert(SyncRunFile).values(run_id=run_id, name=path.name, seq=seq, data=data)
            )
            total += len(data)
    return total


def load_files(conn: Connection, run_id: int, folder: Path) -> list[str]:
    """Write the stored files of ``run_id`` into ``folder`` (emptied first); their names."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    names: list[str] = []
    current: str | None = None
    out = None
    decompressor = zlib.decompressobj(31)
    rows = conn.execute(
        select(SyncRunFile.name, SyncRunFile.data)
        .where(SyncRunFile.run_id == run_id)
        .order_by(SyncRunFile.name, SyncRunFile.seq)
    )
    try:
        for name, data in rows:
            if name != current:
                if out is not None:
                    out.write(decompressor.flush())
                    out.close()
                current = name
                names.append(name)
                out = (folder / name).open("wb")
                decompressor = zlib.decompressobj(31)
            assert out is not None
            out.write(decompressor.decompress(data))
        if out is not None:
            out.write(decompressor.flush())
    finally:
        if out is not None:
            out.close()
    return names
