"""Our OpenAPI documents, as exported to ``openapi/`` and checked for drift in CI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from interop_hub.config import Settings

__all__ = ["DOCUMENTS", "render_documents", "write_documents"]

DOCUMENTS = ("interop-hub.openapi.json",)


def _app_openapi() -> dict[str, Any]:
    from interop_hub.app import create_app

    # A fixed secret: building the schema must not generate keys or touch a database.
    app = create_app(Settings(jwt_secret="openapi-export-only"))  # noqa: S106
    return app.openapi()


def render_documents() -> dict[str, bytes]:
    """File name → exact bytes of each document (sorted keys, stable across runs)."""
    body = orjson.dumps(_app_openapi(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    return {DOCUMENTS[0]: body + b"\n"}


def write_documents(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in render_documents().items():
        path = out_dir / name
        path.write_bytes(body)
        written.append(path)
    return written
