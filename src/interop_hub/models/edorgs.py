"""Authorization by education organization (``edfi/edorgs.py`` maintains these).

* ``api_client_edorgs``: the education organizations (LEA, school...) granted to an API
  client. A client with no row is unrestricted; with rows, its Ed-Fi reads and writes are
  limited to those ed-orgs and the ones below them.
* ``edfi_document_edorgs``: the ed-orgs each Ed-Fi document relates to (the relationship
  index): the ed-org ids in its natural key; for students, staff and contacts the ed-orgs of
  their associations; for person-keyed documents without an ed-org in their key, their
  person's ed-orgs. Kept up to date at write time, read by the authorization filter.
* ``edfi_deleted_document_edorgs``: the same rows of deleted documents, keyed by document id,
  so ``/deletes`` and ``/keyChanges`` can be filtered like the documents were.
* ``edfi_edorg_parents``: the ed-org hierarchy (school → LEA, LEA → parent LEA, ESC or SEA),
  one row per parent reference of an education organization document; a grant reaches an
  ed-org's descendants through it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from interop_hub.core.db import Base

__all__ = ["ApiClientEdorg", "EdfiDeletedDocumentEdorg", "EdfiDocumentEdorg", "EdfiEdorgParent"]

_SEQ = BigInteger().with_variant(Integer, "sqlite")


class ApiClientEdorg(Base):
    __tablename__ = "api_client_edorgs"

    client_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("api_clients.client_id", ondelete="CASCADE"), primary_key=True
    )
    education_organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class EdfiDocumentEdorg(Base):
    __tablename__ = "edfi_document_edorgs"
    __table_args__ = (
        Index(
            "ix_edfi_document_edorgs_edorg_document", "education_organization_id", "document_seq"
        ),
    )

    document_seq: Mapped[int] = mapped_column(
        _SEQ, ForeignKey("edfi_documents.seq", ondelete="CASCADE"), primary_key=True
    )
    education_organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class EdfiDeletedDocumentEdorg(Base):
    __tablename__ = "edfi_deleted_document_edorgs"

    document_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    education_organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class EdfiEdorgParent(Base):
    __tablename__ = "edfi_edorg_parents"

    document_seq: Mapped[int] = mapped_column(
        _SEQ, ForeignKey("edfi_documents.seq", ondelete="CASCADE"), primary_key=True
    )
    parent_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    education_organization_id: Mapped[int] = mapped_column(BigInteger)
