"""Merge staged entity rows into their canonical table (set-based, inside the run's
transaction) and write tombstones.

For each entity stream, in this order:

1. **insert** rows whose hub id the table does not hold yet;
2. **update** rows whose content changed: a different ``row_hash`` (digest of the source
   cells), status, or resolved reference; unchanged rows are not touched, so re-importing
   the same package bumps nothing;
3. **delta tombstones**: ``tobedeleted`` rows mark the held record ``tobedeleted``;
4. **bulk absence**: when the file is ``bulk``, records this source last supplied
   (``source`` column) that the file no longer contains become ``tobedeleted``. Nothing is
   ever hard-deleted.

Provenance semantics (chosen so that re-importing an unchanged package writes no row):

* ``source``/``source_seen_at`` of a canonical row: the source that last *changed* the
  row (insert, update, tombstone) and the hub time of that change. A row another source
  restates without changing it is taken over (``source`` set, ``source_seen_at``
  stamped; no change version), so bulk absence follows the source that still asserts it.
* ``crosswalk.first_seen_at``: when the entry was created; ``last_seen_at``: the last
  run of the source that changed the entry's record.
* *When a source last restated a record unchanged* is recorded per run, not per row: the
  run's ``sync_runs`` row (``source``, ``finished_at``, ``state='applied'``, the file
  ``modes`` and per-entity ``unchanged`` counts in ``stats``). A record of a ``bulk`` file
  that is still active was restated by every later applied bulk run of its source; a
  ``delta`` file restates only the rows it lists.

Each changed row is stamped with the run's change version and the hub time of the change
(``date_last_modified``), never the source's claimed dateLastModified.
"""

# ruff: noqa: S608  (SQL is built from internal table/column constants; values are bound)

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from interop_hub.connectors.oneroster_csv.streams import Stream
from interop_hub.sync.result import EntityStats
from interop_hub.sync.sql import SqlRunner, q
from interop_hub.sync.staging import hub_columns, staging_table

__all__ = ["Stamp", "apply_entity", "bump_parents", "count_unchanged", "touch_crosswalk"]


@dataclass(frozen=True)
class Stamp:
    """What every change of one run is stamped with."""

    source: str
    change_version: int
    now: datetime

    def params(self) -> dict[str, object]:
        return {"source": self.source, "cv": self.change_version, "now": self.now}


def _columns(stream: Stream) -> tuple[list[str], list[str]]:
    """(columns copied from staging, resolved columns compared one by one)."""
    resolved = [c for c in hub_columns(stream) if c != "hub_id"]
    return [*stream.content_fields, *resolved], resolved


def apply_entity(sql: SqlRunner, stream: Stream, stamp: Stamp, *, bulk: bool) -> EntityStats:
    assert stream.table is not None
    table, stg = stream.table, staging_table(stream.name)
    cols, resolved = _columns(stream)
    keep = set(stream.keep_if_null)
    stats = EntityStats()
    p = stamp.params()

    col_list = ", ".join(q(c) for c in cols)
    stats.added = sql.run(
        f"INSERT INTO {table} (sourced_id, status, date_last_modified, change_version, "
        f"source, source_seen_at, row_hash, {col_list}) "
        f"SELECT s.hub_id, s.status, :now, :cv, :source, :now, s.row_hash, "
        f"{', '.join('s.' + q(c) for c in cols)} FROM {stg} s "
        f"WHERE NOT s.tombstone AND s.hub_id IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.sourced_id = s.hub_id) "
        "ORDER BY s.hub_id",  # the primary-key index grows at its end, not at random
        **p,
    )

    sets = [
        f"{q(c)} = COALESCE(s.{q(c)}, {table}.{q(c)})" if c in keep else f"{q(c)} = s.{q(c)}"
        for c in cols
    ]
    changed = [
        sql.distinct(f"{table}.row_hash", "s.row_hash"),
        f"{table}.status <> s.status",
    ]
    for c in resolved:
        cmp = sql.distinct(f"{table}.{q(c)}", f"s.{q(c)}")
        changed.append(f"(s.{q(c)} IS NOT NULL AND {cmp})" if c in keep else cmp)
    stats.updated = sql.run(
        f"UPDATE {table} SET status = s.status, date_last_modified = :now, "
        f"change_version = :cv, source = :source, source_seen_at = :now, "
        f"row_hash = s.row_hash, {', '.join(sets)} FROM {stg} s "
        f"WHERE {table}.sourced_id = s.hub_id AND NOT s.tombstone "
        f"AND {table}.change_version <> :cv AND ({' OR '.join(changed)})",
        **p,
    )

    stats.tombstoned = sql.run(
        f"UPDATE {table} SET status = 'tobedeleted', date_last_modified = :now, "
        f"change_version = :cv, source = :source, source_seen_at = :now FROM {stg} s "
        f"WHERE {table}.sourced_id = s.hub_id AND s.tombstone "
        f"AND {table}.status <> 'tobedeleted'",
        **p,
    )
    if bulk:
        stats.tombstoned += sql.run(
            f"UPDATE {table} SET status = 'tobedeleted', date_last_modified = :now, "
            f"change_version = :cv WHERE {table}.source = :source "
            f"AND {table}.status <> 'tobedeleted' AND {table}.change_version <> :cv "
            f"AND NOT EXISTS (SELECT 1 FROM {stg} s WHERE s.hub_id = {table}.sourced_id)",
            **p,
        )
    return stats


def bump_parents(sql: SqlRunner, table: str, changed_ids: str, stamp: Stamp) -> int:
    """Stamp parents whose child rows (terms, agents, roles) changed; ``changed_ids`` is a
    one-column subquery. Rows already stamped by this run are not counted twice."""
    return sql.run(
        f"UPDATE {table} SET date_last_modified = :now, change_version = :cv "
        f"WHERE sourced_id IN ({changed_ids}) AND change_version <> :cv",
        **stamp.params(),
    )


def count_unchanged(sql: SqlRunner, stream: Stream, stamp: Stamp) -> int:
    """Held rows the package mentioned that this run did not change (read-only), after
    taking over rows that another source held unchanged (see the provenance semantics)."""
    assert stream.table is not None
    table, stg = stream.table, staging_table(stream.name)
    sql.run(
        f"UPDATE {table} SET source = :source, source_seen_at = :now FROM {stg} s "
        f"WHERE {table}.sourced_id = s.hub_id AND {table}.change_version <> :cv "
        f"AND {sql.distinct(f'{table}.source', ':source')}",
        **stamp.params(),
    )
    return int(
        sql.scalar(
            f"SELECT COUNT(*) FROM {stg} s JOIN {table} t ON t.sourced_id = s.hub_id "
            "WHERE t.change_version <> :cv",
            cv=stamp.change_version,
        )
        or 0
    )


def touch_crosswalk(sql: SqlRunner, stream: Stream, stamp: Stamp) -> None:
    """Refresh ``last_seen_at`` of the crosswalk entries whose record this run changed."""
    if not stream.entity or stream.keyed_by_reference:
        return
    assert stream.table is not None
    sql.run(
        f"UPDATE crosswalk SET last_seen_at = :now FROM {stream.table} t "
        "WHERE t.change_version = :cv AND crosswalk.source = :source "
        "AND crosswalk.entity_type = :entity AND crosswalk.hub_id = t.sourced_id "
        "AND crosswalk.last_seen_at < :now",
        entity=stream.entity,
        **stamp.params(),
    )
