"""Sharing policies: which rows (and, later, which fields) a client may receive.

Today every client sees every org (``SharingPolicy.everything``). The policy is already an
SQL filter, not a post-filter: ``clause_for(table)`` returns the WHERE clause the read
gateway adds to each statement, so restricting a client to some orgs (``org_ids``) needs no
change in any endpoint or repository.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table

from interop_hub.sharing.anchors import ORG_ANCHORS

__all__ = ["SharingPolicy", "UnanchoredTable", "policy_for_client"]


class UnanchoredTable(LookupError):
    """A table with no org anchor was read: a programming error, never served."""


@dataclass(frozen=True)
class SharingPolicy:
    """``org_ids=None`` means every org; otherwise only data anchored at these orgs."""

    client_id: str
    org_ids: frozenset[str] | None = None

    @classmethod
    def everything(cls, client_id: str) -> SharingPolicy:
        return cls(client_id=client_id, org_ids=None)

    @property
    def unrestricted(self) -> bool:
        return self.org_ids is None

    def clause_for(self, table: Table) -> ColumnElement[bool] | None:
        """The policy's WHERE clause for ``table`` (``None``: nothing to restrict)."""
        anchor = ORG_ANCHORS.get(table.name)
        if anchor is None:
            raise UnanchoredTable(f"table {table.name!r} has no sharing anchor")
        if self.org_ids is None:
            return None
        return anchor(table, self.org_ids)


def policy_for_client(client_id: str) -> SharingPolicy:
    """The policy of ``client_id``. Per-client org/field policies arrive in a later issue."""
    return SharingPolicy.everything(client_id)
