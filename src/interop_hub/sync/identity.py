"""Stable hub ids through the crosswalk ``(source, entity type, source key) → hub id``.

Id policy (set-based, no per-row round trips):

1. A key the crosswalk already maps for this source keeps its hub id: once assigned, a hub
   id never changes.
2. Otherwise the hub **adopts** the source's sourcedId as the hub id when it is free, i.e.
   no crosswalk entry of any source maps to it for that entity type and no canonical row
   has it (so vendors moving from a direct SIS feed keep their ids).
3. Otherwise (the id is owned by a different source's record of the same entity type) the
   hub **mints** a UUID.

The same rule *reserves* ids for required references into ``absent`` files that the hub
does not hold yet, so the record gets that id when the source supplies it later.
Crosswalk ``first_seen_at`` is set on insert; ``last_seen_at`` is refreshed when a run of
the source changes the entry's record (see ``apply`` for the provenance policy).
"""

# ruff: noqa: S608  (SQL is built from internal table/column constants; values are bound)

from __future__ import annotations

from datetime import datetime

from interop_hub.sync.sql import SqlRunner, q

__all__ = ["allocate_keys", "insert_allocations", "lookup_known"]


def lookup_known(
    sql: SqlRunner,
    table: str,
    key_col: str,
    hub_col: str,
    *,
    source: str,
    entity: str,
    where: str = "TRUE",
) -> int:
    """Fill ``table.hub_col`` from this source's crosswalk entries for ``table.key_col``
    (rows matching ``where``, a condition on ``table``)."""
    return sql.run(
        f"UPDATE {table} SET {q(hub_col)} = c.hub_id FROM crosswalk c "
        f"WHERE c.source = :source AND c.entity_type = :entity "
        f"AND c.source_key = {table}.{q(key_col)} AND {table}.{q(hub_col)} IS NULL "
        f"AND ({where})",
        source=source,
        entity=entity,
    )


def insert_allocations(
    sql: SqlRunner,
    table: str,
    key_col: str,
    *,
    source: str,
    entity: str,
    canonical_table: str,
    now: datetime,
    where: str = "TRUE",
) -> None:
    """Crosswalk entries (adopted or minted) for every key of ``table`` (rows matching
    ``where``, a condition on alias ``s``) that this source has none for yet. Only inserts:
    the staging rows pick their hub ids up afterwards in one pass."""
    pending = (
        f"SELECT DISTINCT s.{q(key_col)} AS k FROM {table} s "
        f"WHERE s.{q(key_col)} IS NOT NULL AND ({where}) AND NOT EXISTS (SELECT 1 FROM "
        "crosswalk c WHERE c.source = :source AND c.entity_type = :entity "
        f"AND c.source_key = s.{q(key_col)})"
    )
    # One pass: adopt the source's key where no other record of this entity type owns it
    # (no crosswalk entry of any source maps to it, no canonical row has it), else mint.
    # Inserted in key order: the primary-key index then grows at its end.
    if sql.pg:  # hash joins
        free = "o.hub_id IS NULL AND t.sourced_id IS NULL"
        joins = (
            "LEFT JOIN (SELECT DISTINCT hub_id FROM crosswalk WHERE entity_type = :entity) o "
            f"ON o.hub_id = d.k LEFT JOIN {canonical_table} t ON t.sourced_id = d.k"
        )
    else:  # index probes
        free = (
            "NOT EXISTS (SELECT 1 FROM crosswalk c WHERE c.entity_type = :entity "
            f"AND c.hub_id = d.k) AND NOT EXISTS (SELECT 1 FROM {canonical_table} t "
            "WHERE t.sourced_id = d.k)"
        )
        joins = ""
    sql.run(
        "INSERT INTO crosswalk (source, entity_type, source_key, hub_id, first_seen_at, "
        f"last_seen_at) SELECT :source, :entity, d.k, CASE WHEN {free} THEN d.k "
        f"ELSE {sql.uuid} END, :now, :now FROM ({pending}) d {joins} ORDER BY d.k",
        source=source,
        entity=entity,
        now=now,
    )


def allocate_keys(
    sql: SqlRunner,
    table: str,
    key_col: str,
    hub_col: str,
    *,
    source: str,
    entity: str,
    canonical_table: str,
    now: datetime,
    skip_tombstones: bool,
) -> None:
    """Give every ``key_col`` of ``table`` whose ``hub_col`` is still empty a hub id (known,
    adopted or minted) and fill ``hub_col``; used to reserve ids for references."""
    extra = " AND NOT {t}.tombstone" if skip_tombstones else ""
    insert_allocations(
        sql,
        table,
        key_col,
        source=source,
        entity=entity,
        canonical_table=canonical_table,
        now=now,
        where=f"s.{q(hub_col)} IS NULL" + extra.format(t="s"),
    )
    lookup_known(
        sql,
        table,
        key_col,
        hub_col,
        source=source,
        entity=entity,
        where="TRUE" + extra.format(t=table),
    )
