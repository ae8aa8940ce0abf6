"""Import a OneRoster 1.1/1.2 CSV package (ZIP or folder, bulk and/or delta) into the store.

Pipeline (one database connection; see each module for its policy):

1. ``connectors.oneroster_csv`` streams and validates every row (bounded memory; most
   rows go through the generated fast path of ``connectors.oneroster_csv.fast``);
   ``staging`` writes the records in batches into temporary tables.
2. ``references.check_duplicates``; ``identity.allocate_keys`` gives every record its
   stable hub id (known / adopted / minted); ``references.resolve_references`` checks every
   cross-file reference set-based against the package and the store.
3. Any error → the transaction is rolled back (crosswalk allocations included), the run is
   recorded ``rejected`` and ``PackageRejected`` (an ``ImportRejected``) is raised with
   *all* findings. Nothing is applied.
4. Otherwise ``change_version.lock_next`` locks the global version, ``apply`` and
   ``children`` merge set-based, and the version is stored only if something changed.
   Data, crosswalk, hub_state and the ``applied`` run row commit together. Only rows
   that change are written: re-importing an unchanged package writes no canonical or
   crosswalk row (when a source last restated its records is recorded per run, in
   ``sync_runs``; see the provenance semantics in ``apply``).

Transaction boundary: this service owns its transaction (it is a batch job, not a request
handler): it commits exactly once, on success, and rolls back on rejection or failure. The
``running`` run row is committed first, separately, so a crash leaves a trace.

Known limit: ``date_last_modified`` is the hub time when the apply starts; a consumer that
pulls with ``dateLastModified>`` *during* a long apply may miss this run's rows (they
become visible at commit with an earlier timestamp). The change version has no such gap.
"""

# ruff: noqa: S608  (SQL is built from internal table/column constants; values are bound)

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.connectors.oneroster_csv import (
    STREAMS,
    CsvPackage,
    ImportReport,
    Manifest,
    Mode,
    PackageError,
    PackageReader,
)
from interop_hub.core.clock import utcnow
from interop_hub.core.errors import ImportRejected
from interop_hub.core.statistics import refresh_statistics
from interop_hub.sync.apply import Stamp, apply_entity, count_unchanged, touch_crosswalk
from interop_hub.sync.change_version import commit_version, lock_next
from interop_hub.sync.children import sync_agents, sync_class_terms, sync_roles
from interop_hub.sync.identity import insert_allocations, lookup_known
from interop_hub.sync.indexes import deferred_indexes
from interop_hub.sync.references import (
    check_duplicates,
    resolve_in_package,
    resolve_references,
    warn_unknown_tombstones,
)
from interop_hub.sync.result import EntityStats, ImportResult
from interop_hub.sync.runs import finish_run, start_run
from interop_hub.sync.sql import SqlRunner
from interop_hub.sync.staging import Staging, staging_table

__all__ = [
    "DEFAULT_SOURCE",
    "ApplyHooks",
    "PackageRejected",
    "default_source",
    "import_package",
]

DEFAULT_SOURCE: Final = "oneroster-csv"
KIND: Final = "oneroster-csv"
# Apply order follows references: orgs → sessions → courses → classes → users → ... .
APPLY_ORDER: Final = (
    "orgs",
    "academic_sessions",
    "courses",
    "classes",
    "users",
    "user_profiles",
    "demographics",
    "enrollments",
)

# Child tables written with their parent stream: (table, staging stream that feeds it).
_CHILD_LOADS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "classes": (("class_terms", "class_terms"),),
    "users": (("user_agents", "user_agents"), ("user_roles", "roles"), ("user_roles", "user_orgs")),
}


@dataclass(frozen=True)
class ApplyHooks:
    """How a connector run extends an import (see ``import_package``)."""

    more: Callable[[Connection, Stamp], dict[str, EntityStats]] | None = None
    decide: Callable[[Connection, ImportResult], str] | None = None


class PackageRejected(ImportRejected):
    """The package has errors; nothing was applied. ``report`` holds every finding."""

    def __init__(self, report: ImportReport, run_id: int | None) -> None:
        first = "; ".join(p.render() for p in report.errors[:3])
        super().__init__(
            f"package rejected: {report.error_count} error(s), "
            f"{report.warning_count} warning(s); nothing was applied. First: {first}",
            report.sorted(),
        )
        self.report = report
        self.run_id = run_id


def default_source(manifest: Manifest) -> str:
    """``oneroster-csv:<systemCode>`` when the manifest names the system, else
    ``oneroster-csv``. The source name scopes the crosswalk and bulk deletions."""
    code = manifest.system_code or manifest.system_name
    if code:
        slug = re.sub(r"[^a-z0-9._-]+", "-", code.lower()).strip("-")
        if slug:
            return f"{DEFAULT_SOURCE}:{slug}"
    return DEFAULT_SOURCE


def _engine(target: Engine | sessionmaker[Session]) -> Engine:
    if isinstance(target, Engine):
        return target
    bind = target.kw.get("bind")
    if not isinstance(bind, Engine):
        raise TypeError("the sessionmaker must be bound to an Engine")
    return bind


def import_package(
    target: Engine | sessionmaker[Session],
    path: str | Path,
    *,
    source: str | None = None,
    batch_size: int = 5000,
    max_problems: int = 10_000,
    run_id: int | None = None,
    hooks: ApplyHooks | None = None,
) -> ImportResult:
    """Validate and apply the package at ``path``; raise ``PackageRejected`` on any error.

    ``source`` names the feed (crosswalk namespace, provenance, scope of bulk deletions);
    by default it is derived from the manifest (see ``default_source``). A connector run
    passes its own ``run_id`` (the row already exists) and ``hooks``: ``more`` applies
    more files in the same transaction (assessment results), and ``decide`` sees the
    computed diff before anything commits and may keep it (``applied``) or roll it back
    (``held``, or ``diffed`` for a dry run); the result's ``state`` says which.
    """
    engine = _engine(target)
    path = Path(path)
    report = ImportReport(max_per_severity=max_problems)
    started = time.perf_counter()
    try:
        package = CsvPackage(path)
    except PackageError as exc:
        report.error(path.name, None, None, str(exc))
        if run_id is None:
            run_id = start_run(engine, source=source or DEFAULT_SOURCE, kind=KIND, stats={})
        _finish_rejected(engine, run_id, report, {"path": str(path)})
        raise PackageRejected(report, run_id) from None
    with package:
        reader = PackageReader(package, report, batch_size)
        name = source or default_source(reader.manifest)
        if run_id is None:
            run_id = start_run(engine, source=name, kind=KIND, stats={"path": str(path)})
        try:
            return _run(engine, reader, report, name, run_id, started, hooks or ApplyHooks())
        except PackageRejected:
            raise
        except BaseException as exc:
            with engine.begin() as conn:
                finish_run(
                    conn,
                    run_id,
                    state="failed",
                    stats={"path": str(path), "error": f"{type(exc).__name__}: {exc}"[:2000]},
                    report=report.as_dicts(),
                )
            raise


def _finish_rejected(
    engine: Engine, run_id: int, report: ImportReport, stats: dict[str, object]
) -> None:
    with engine.begin() as conn:
        finish_run(
            conn,
            run_id,
            state="rejected",
            stats={**stats, "problems": report.summary()},
            report=report.as_dicts(),
        )


def _run(
    engine: Engine,
    reader: PackageReader,
    report: ImportReport,
    source: str,
    run_id: int,
    started: float,
    hooks: ApplyHooks,
) -> ImportResult:
    modes = {f: reader.mode(f) for f in ("orgs", "academicSessions", "courses", "classes")}
    modes |= {f: reader.mode(f) for f in ("users", "roles", "userProfiles")}
    modes |= {f: reader.mode(f) for f in ("demographics", "enrollments")}
    with engine.connect() as conn:
        sql = SqlRunner(conn)
        if not sql.pg:
            # Staged rows go to a temp file, not RAM (the engine default is MEMORY).
            conn.exec_driver_sql("PRAGMA temp_store=FILE")
        staging = Staging(sql)
        try:
            timings: dict[str, float] = {}
            mark = time.perf_counter()
            staging.create()
            for stream, records in reader.batches():
                staging.write(stream, records)
            staging.index_keys()
            timings["read_and_stage"] = time.perf_counter() - mark
            mark = time.perf_counter()
            _resolve(sql, staging, report, modes, source)
            timings["resolve"] = time.perf_counter() - mark
            info: dict[str, object] = {
                "path": str(reader.package.path),
                "users_layout": reader.users_layout,
                "rows_read": dict(reader.rows_read),
                "modes": {f: m for f, m in modes.items() if m != "absent"},
            }
            if not report.ok:
                conn.rollback()
                _finish_rejected(engine, run_id, report, info)
                raise PackageRejected(report, run_id)
            mark = time.perf_counter()
            stats, extra, version = _apply(sql, staging, reader, modes, source, hooks)
            timings["apply"] = time.perf_counter() - mark
            info["timings"] = {k: round(v, 2) for k, v in timings.items()}
            result = ImportResult(
                run_id=run_id,
                source=source,
                version=reader.version,
                state="applied",
                change_version=version,
                stats=stats,
                report=report,
                seconds=time.perf_counter() - started,
                extra={**info, **extra},
            )
            if hooks.decide is not None:
                result.state = hooks.decide(conn, result)
                if result.state != "applied":
                    conn.rollback()
                    result.change_version = None
                    return result
            finish_run(
                conn,
                run_id,
                state="applied",
                stats=result.stats_dict(),
                report=report.as_dicts(),
                change_version=version,
            )
            mark = time.perf_counter()
            conn.commit()
            timings["commit"] = time.perf_counter() - mark
            if version is not None:
                mark = time.perf_counter()
                _refresh_statistics(sql)
                timings["analyze"] = time.perf_counter() - mark
            result.extra["timings"] = {k: round(v, 2) for k, v in timings.items()}
            return result
        except BaseException:
            conn.rollback()
            raise
        finally:
            if not sql.pg:
                staging.drop()
                conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
                conn.commit()


_CANONICAL_TABLES = (
    "orgs",
    "academic_sessions",
    "courses",
    "classes",
    "class_terms",
    "users",
    "user_roles",
    "user_agents",
    "user_profiles",
    "enrollments",
    "demographics",
    "crosswalk",
)


def _refresh_statistics(sql: SqlRunner) -> None:
    """Fresh planner statistics so that delta pulls (``dateLastModified>``) and paging pick
    the right indexes straight away (``core.statistics``)."""
    refresh_statistics(sql.conn, _CANONICAL_TABLES)
    sql.conn.commit()


def _resolve(
    sql: SqlRunner,
    staging: Staging,
    report: ImportReport,
    modes: Mapping[str, Mode],
    source: str,
) -> None:
    now = utcnow()
    for stream in STREAMS.values():
        if (stream.entity or stream.name == "roles") and check_duplicates(sql, report, stream.name):
            staging.duplicated.add(stream.name)
    allocated = [s for s in STREAMS.values() if s.entity and s.table and not s.keyed_by_reference]
    # SQLite's allocation probes the crosswalk's (entity_type, hub_id) index: keep it there.
    incoming = {"crosswalk": sum(staging.counts[s.name] for s in allocated)} if sql.pg else {}
    with deferred_indexes(sql, incoming):
        for stream in allocated:
            assert stream.entity is not None
            assert stream.table is not None
            insert_allocations(
                sql,
                staging_table(stream.name),
                "source_key",
                source=source,
                entity=stream.entity,
                canonical_table=stream.table,
                now=now,
                where="NOT s.tombstone",
            )
    for stream in STREAMS.values():
        resolve_in_package(sql, staging, stream, source)
        if stream.keyed_by_reference:
            # Tombstones of demographics resolve through the user's crosswalk entry.
            table = staging_table(stream.name)
            lookup_known(
                sql,
                table,
                "source_key",
                "hub_id",
                source=source,
                entity="user",
                where=f"{table}.tombstone",
            )
    resolve_references(sql, report, modes, source=source, now=now)
    _derive_session_orgs(sql)
    for stream in STREAMS.values():
        if stream.entity:
            warn_unknown_tombstones(sql, report, stream.name)


def _derive_session_orgs(sql: SqlRunner) -> None:
    """A session whose classes in this package all belong to one school gets that school as
    its org (``academic_sessions.org_id``; it drives /schools/{id}/terms). Otherwise the
    stored value is kept."""
    sessions, terms, classes = (
        staging_table("academic_sessions"),
        staging_table("class_terms"),
        staging_table("classes"),
    )
    sql.run(
        f"UPDATE {sessions} SET org_id = (SELECT CASE WHEN COUNT(DISTINCT c.school_id) = 1 "
        f"THEN MIN(c.school_id) END FROM {terms} ct JOIN {classes} c "
        f"ON c.hub_id = ct.class_id WHERE ct.term_id = {sessions}.hub_id "
        f"AND c.school_id IS NOT NULL) WHERE hub_id IS NOT NULL AND NOT tombstone"
    )


def _apply(
    sql: SqlRunner,
    staging: Staging,
    reader: PackageReader,
    modes: Mapping[str, Mode],
    source: str,
    hooks: ApplyHooks,
) -> tuple[dict[str, EntityStats], dict[str, object], int | None]:
    staged = staging.counts
    version = lock_next(sql)
    stamp = Stamp(source=source, change_version=version, now=utcnow())
    stats: dict[str, EntityStats] = {}
    extra: dict[str, object] = {}
    roles_mode = modes.get("roles", "absent")
    roles_changed = 0
    for name in APPLY_ORDER:
        stream = STREAMS[name]
        mode = modes.get(stream.file, "absent")
        if mode == "absent":
            continue
        assert stream.table is not None
        loads = {stream.table: staged[name]}
        for table, child in _CHILD_LOADS.get(name, ()):
            loads[table] = loads.get(table, 0) + staged[child]
        with deferred_indexes(sql, loads):
            st = apply_entity(sql, stream, stamp, bulk=mode == "bulk")
            if name == "classes":
                st.updated += sync_class_terms(sql, stamp)
            if name == "users":
                st.updated += sync_agents(sql, stamp)
                roles_changed = sync_roles(
                    sql, stamp, layout=reader.users_layout, roles_mode=roles_mode
                )
                st.updated += roles_changed
        st.unchanged = count_unchanged(sql, stream, stamp)
        if st.updated or st.tombstoned or (st.added and st.added < staged[name]):
            # Entries of records added with every staged key new were just written.
            touch_crosswalk(sql, stream, stamp)
        st.rows = reader.rows_read.get(stream.file, 0)
        stats[stream.file] = st
    if modes.get("users", "absent") == "absent" and roles_mode != "absent":
        # roles.csv without users.csv: the held users' roles change.
        roles_changed = sync_roles(sql, stamp, layout="1.2", roles_mode=roles_mode)
        stats["users"] = EntityStats(updated=roles_changed)
    extra["users_with_role_changes"] = roles_changed
    if "roles" in reader.rows_read:
        extra["roles_rows"] = reader.rows_read["roles"]
    if hooks.more is not None:
        stats |= hooks.more(sql.conn, stamp)
    changed = any(s.changed for s in stats.values())
    if changed:
        commit_version(sql, version)
    return stats, extra, version if changed else None
