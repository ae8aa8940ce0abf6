"""Stored documents as Ed-Fi JSON: ``id`` first, then the stored body, then ``_etag`` and
``_lastModifiedDate``. The body is stored as JSON text and spliced, never re-encoded."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from interop_hub.core.clock import format_datetime

__all__ = ["etag_for", "quoted_etag", "render_item", "render_items"]


def etag_for(change_version: int) -> str:
    """The ``_etag`` of a document: its change version (every write gets a new one)."""
    return str(change_version)


def quoted_etag(change_version: int) -> str:
    return f'"{change_version}"'


def render_item(document_id: str, body: str, change_version: int, modified: datetime) -> str:
    inner = body[1:-1].strip()
    middle = f",{inner}," if inner else ","
    return (
        f'{{"id":"{document_id}"{middle}"_etag":"{etag_for(change_version)}",'
        f'"_lastModifiedDate":"{format_datetime(modified)}"}}'
    )


def render_items(rows: Iterable[tuple[str, str, int, datetime]]) -> bytes:
    return ("[" + ",".join(render_item(*row) for row in rows) + "]").encode()
