"""The Ed-Fi document store: validated documents with extracted natural keys and references.

* ``edfi_documents``: one row per resource item. ``id`` is the Ed-Fi resource id (32 hex);
  ``seq`` is the internal row number (creation order; the references point at it).
  ``key_hash`` digests the resource name and the canonical natural key, so it is unique across
  the store; ``natural_key`` is that key as JSON (flat names, as in ``/deletes``). ``body`` is
  the document as the client sent it (minus ignored properties), JSON text served verbatim.
  ``change_version`` is the hub's global change version of the last write; the ETag is
  derived from it.
* ``edfi_references``: document → every document it references (references and descriptor
  values alike), so deleting a referenced document is refused (and the foreign key backs it).
* ``edfi_tombstones``: deletes and natural-key changes with their keys, for change queries.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base
from interop_hub.models.base import UTCDateTime

__all__ = ["EdfiDocument", "EdfiReference", "EdfiTombstone"]

_SEQ = BigInteger().with_variant(Integer, "sqlite")


class EdfiDocument(Base):
    __tablename__ = "edfi_documents"
    __table_args__ = (
        Index("ix_edfi_documents_resource_seq", "resource", "seq"),
        Index("ix_edfi_documents_resource_change_version", "resource", "change_version"),
    )

    seq: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(32), unique=True)
    resource: Mapped[str] = mapped_column(String(128))
    key_hash: Mapped[str] = mapped_column(String(32), unique=True)
    natural_key: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    change_version: Mapped[int] = mapped_column(BigInteger)
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime())


class EdfiReference(Base):
    __tablename__ = "edfi_references"

    document_seq: Mapped[int] = mapped_column(
        _SEQ, ForeignKey("edfi_documents.seq", ondelete="CASCADE"), primary_key=True
    )
    target_seq: Mapped[int] = mapped_column(
        _SEQ, ForeignKey("edfi_documents.seq"), primary_key=True, index=True
    )


class EdfiTombstone(Base):
    __tablename__ = "edfi_tombstones"
    __table_args__ = (
        Index("ix_edfi_tombstones_resource_kind_cv", "resource", "kind", "change_version"),
    )

    seq: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # "delete" | "key_change"
    resource: Mapped[str] = mapped_column(String(128))
    document_id: Mapped[str] = mapped_column(String(32))
    old_key: Mapped[str] = mapped_column(Text)
    new_key: Mapped[str | None] = mapped_column(Text, default=None)
    change_version: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
