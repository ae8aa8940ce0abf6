"""Authorization by education organization: the seam (a later phase fills it in).

Today a client holding the Ed-Fi read scope reads every document and one holding the write
scope writes any. ``document_filter`` is the one place the relationship-based rules of the
ODS/API (ed-orgs granted to the client, reached through school associations) will go: it
returns an SQL condition on ``edfi_documents`` that ``reader.py`` adds to every read, or
``None`` for no restriction. Writes will check the same rule through ``may_write``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from interop_hub.edfi.registry import ResourceSpec

__all__ = ["document_filter", "may_write"]


def document_filter(client_id: str, resource: ResourceSpec) -> ColumnElement[bool] | None:
    """The condition restricting ``client_id``'s reads of ``resource`` (None: all)."""
    return None


def may_write(client_id: str, resource: ResourceSpec, document: dict[str, Any]) -> bool:
    """Whether ``client_id`` may write ``document`` (every client with the scope, for now)."""
    return True
