"""Set-based checks across files: duplicate sourcedIds and references.

Reference policy (``Reference.required`` and the target file's manifest mode):

* A reference resolves to the record staged from the same package, or, when the target
  file is ``delta`` or ``absent``, to a record the hub already holds: first through this
  source's crosswalk, then a hub record whose id equals the key (whatever source supplied
  it: per the CSV spec the receiver "already holds" records of absent files); the latter
  links this source's key to that record in the crosswalk.
* A ``bulk`` target file is the complete state, so the target must be in the package.
* Unresolved **required** reference: an *error*, unless the target file is ``absent``;
  then a *warning*, and the hub reserves the id (``identity.allocate_keys``) so the data
  is kept and the link completes when the source supplies the record.
* Unresolved **optional** reference (org/session parents, agents, primaryOrg, course
  org/schoolYear, role userProfile): a *warning*; the reference is dropped (stored NULL /
  link not stored), the rest of the record is kept.
"""

# ruff: noqa: S608  (SQL is built from internal table/column constants; values are bound)

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from interop_hub.connectors.oneroster_csv.manifest import Mode
from interop_hub.connectors.oneroster_csv.problems import ImportReport, Severity
from interop_hub.connectors.oneroster_csv.streams import (
    ENTITY_FILES,
    REFERENCES,
    STREAMS,
    Reference,
    Stream,
)
from interop_hub.sync.identity import allocate_keys
from interop_hub.sync.sql import SqlRunner, q
from interop_hub.sync.staging import Staging, hub_columns, staging_table

__all__ = [
    "ENTITY_STREAMS",
    "check_duplicates",
    "resolve_in_package",
    "resolve_references",
    "warn_unknown_tombstones",
]

# Entity type → its staging stream.
ENTITY_STREAMS: Final = {s.entity: s.name for s in STREAMS.values() if s.entity}
_ARTICLE: Final = {"org": "org", "academicSession": "academic session", "userProfile": "profile"}


def _canonical_table(entity: str) -> str:
    table = STREAMS[ENTITY_STREAMS[entity]].table
    assert table is not None
    return table


def check_duplicates(sql: SqlRunner, report: ImportReport, stream: str) -> int:
    """Error for every record whose sourcedId already appeared earlier in its file; returns
    how many there are."""
    table = staging_table(stream)
    dupes = (
        f"FROM {table} s JOIN (SELECT source_key, MIN(line) AS first FROM {table} "
        "GROUP BY source_key HAVING COUNT(*) > 1) f ON f.source_key = s.source_key "
        "WHERE s.line > f.first"
    )
    total = int(sql.scalar(f"SELECT COUNT(*) {dupes}") or 0)
    if not total:
        return 0
    file = f"{STREAMS[stream].file}.csv"
    column = "sourcedId"
    shown = sql.rows(
        f"SELECT s.line, s.source_key, f.first {dupes} ORDER BY s.line LIMIT :n",
        n=report.room("error"),
    )
    for line, key, first in shown:
        report.error(file, line, column, f"duplicate sourcedId (first on line {first})", key)
    report.count_only("error", total - len(shown))
    return total


def resolve_in_package(sql: SqlRunner, staging: Staging, stream: Stream, source: str) -> None:
    """Fill a stream's hub id and every reference whose target is in the package, in one
    pass (a rebuild with hash joins). Every staged key already has a crosswalk entry
    (``identity.insert_allocations``), so both come from the crosswalk: directly, or via a
    target staging table already resolved the same way (much smaller than the crosswalk
    of a large store)."""
    params: dict[str, str] = {"source": source}
    exprs: dict[str, str] = {}
    joins: list[str] = []
    if stream.entity and not stream.keyed_by_reference:
        params["e0"] = stream.entity
        joins.append(
            "LEFT JOIN crosswalk x0 ON x0.source = :source AND x0.entity_type = :e0 "
            "AND x0.source_key = s.source_key"
        )
        exprs["hub_id"] = "x0.hub_id"
    refs = [r for r in REFERENCES if r.stream == stream.name]
    for i, ref in enumerate(refs, start=1):
        target_stream = ENTITY_STREAMS[ref.target]
        target = staging_table(target_stream)
        if target_stream in staging.resolved and target_stream != stream.name:
            if target_stream in staging.duplicated:
                target = f"(SELECT DISTINCT source_key, hub_id FROM {target})"
            joins.append(f"LEFT JOIN {target} p{i} ON p{i}.source_key = s.{q(ref.key_field)}")
            exprs[ref.hub_field] = f"p{i}.hub_id"
            continue
        params[f"e{i}"] = ref.target
        joins.append(
            f"LEFT JOIN (SELECT DISTINCT source_key FROM {target}) p{i} "
            f"ON p{i}.source_key = s.{q(ref.key_field)} "
            f"LEFT JOIN crosswalk x{i} ON x{i}.source = :source AND x{i}.entity_type = :e{i} "
            f"AND x{i}.source_key = p{i}.source_key"
        )
        exprs[ref.hub_field] = f"x{i}.hub_id"
    cols = [f"s.{q(n)}" for n in stream.field_names]
    cols += [f"{exprs.get(c, 'CAST(NULL AS VARCHAR)')} AS {q(c)}" for c in hub_columns(stream)]
    table = staging_table(stream.name)
    staging.rebuild(stream, f"SELECT {', '.join(cols)} FROM {table} s {' '.join(joins)}", **params)
    if "hub_id" in exprs:
        staging.resolved.add(stream.name)


def resolve_references(
    sql: SqlRunner,
    report: ImportReport,
    modes: Mapping[str, Mode],
    *,
    source: str,
    now: datetime,
) -> None:
    for ref in REFERENCES:
        _resolve(sql, report, ref, modes.get(ENTITY_FILES[ref.target], "absent"), source, now)


def _resolve(
    sql: SqlRunner,
    report: ImportReport,
    ref: Reference,
    mode: Mode,
    source: str,
    now: datetime,
) -> None:
    table = staging_table(ref.stream)
    key, hub = q(ref.key_field), q(ref.hub_field)
    canonical = _canonical_table(ref.target)
    params = {"source": source, "entity": ref.target}
    unresolved = f"{table}.{hub} IS NULL AND {table}.{key} IS NOT NULL"
    if STREAMS[ref.stream].entity:
        unresolved += f" AND NOT {table}.tombstone"
    # 1. In the package: done for all references at once by ``resolve_in_package``.
    if mode != "bulk":
        # 2. Held by the hub under this source's crosswalk entry.
        sql.run(
            f"UPDATE {table} SET {hub} = c.hub_id FROM crosswalk c "
            "WHERE c.source = :source AND c.entity_type = :entity "
            f"AND c.source_key = {table}.{key} AND {unresolved} "
            f"AND EXISTS (SELECT 1 FROM {canonical} t WHERE t.sourced_id = c.hub_id)",
            **params,
        )
        # 3. Held by the hub under the same id (any source): link this source's key to it.
        no_entry = (
            "NOT EXISTS (SELECT 1 FROM crosswalk c WHERE c.source = :source "
            f"AND c.entity_type = :entity AND c.source_key = {table}.{key})"
        )
        linked = sql.run(
            f"UPDATE {table} SET {hub} = t.sourced_id FROM {canonical} t "
            f"WHERE t.sourced_id = {table}.{key} AND {unresolved} AND {no_entry}",
            **params,
        )
        if linked:
            sql.run(
                "INSERT INTO crosswalk (source, entity_type, source_key, hub_id, "
                "first_seen_at, last_seen_at) "
                f"SELECT :source, :entity, d.k, d.k, :now, :now FROM (SELECT DISTINCT "
                f"{table}.{key} AS k FROM {table} WHERE {table}.{hub} = {table}.{key} "
                f"AND {no_entry}) d",
                now=now,
                **params,
            )
    _report_unresolved(sql, report, ref, mode, table, unresolved)
    if ref.required and mode == "absent":
        allocate_keys(
            sql,
            table,
            ref.key_field,
            ref.hub_field,
            source=source,
            entity=ref.target,
            canonical_table=canonical,
            now=now,
            skip_tombstones=STREAMS[ref.stream].entity is not None,
        )


def _report_unresolved(
    sql: SqlRunner,
    report: ImportReport,
    ref: Reference,
    mode: Mode,
    table: str,
    unresolved: str,
) -> None:
    total = int(sql.scalar(f"SELECT COUNT(*) FROM {table} WHERE {unresolved}") or 0)
    if not total:
        return
    noun = _ARTICLE.get(ref.target, ref.target)
    target_file = f"{ENTITY_FILES[ref.target]}.csv"
    severity: Severity
    if ref.required and mode != "absent":
        severity = "error"
        where = f"in {target_file}" if mode == "bulk" else f"in {target_file} nor held by the hub"
        reason = f"{noun} not found {where}"
    elif ref.required:
        severity = "warning"
        reason = (
            f"{noun} not held by the hub and {target_file} is absent from the package; "
            "reference kept, the id is reserved for it"
        )
    else:
        severity = "warning"
        reason = f"optional reference: {noun} not found; reference dropped"
    shown = sql.rows(
        f"SELECT {table}.line, {table}.{q(ref.key_field)} FROM {table} WHERE {unresolved} "
        f"ORDER BY {table}.line LIMIT :n",
        n=report.room(severity),
    )
    file = f"{ref.file}.csv"
    for line, value in shown:
        if severity == "error":
            report.error(file, line, ref.column, reason, value)
        else:
            report.warning(file, line, ref.column, reason, value)
    report.count_only(severity, total - len(shown))


def warn_unknown_tombstones(sql: SqlRunner, report: ImportReport, stream: str) -> None:
    """A delta ``tobedeleted`` row for a record the hub never got from this source: ignored."""
    table = staging_table(stream)
    where = f"{table}.tombstone AND {table}.hub_id IS NULL"
    total = int(sql.scalar(f"SELECT COUNT(*) FROM {table} WHERE {where}") or 0)
    if not total:
        return
    shown = sql.rows(
        f"SELECT line, source_key FROM {table} WHERE {where} ORDER BY line LIMIT :n",
        n=report.room("warning"),
    )
    for line, key in shown:
        report.warning(
            f"{STREAMS[stream].file}.csv",
            line,
            "status",
            "tobedeleted for a record the hub does not hold from this source; ignored",
            key,
        )
    report.count_only("warning", total - len(shown))
