"""Apply a staged ``assessmentResults.csv`` (assessment vendors' results) to the store.

Runs inside the caller's transaction (the connector run's apply), after the run's
OneRoster files, with the run's change version and time. Set-based SQL on SQLite and
PostgreSQL through a few temporary tables; Python only parses the file and decides the
person of each row from the candidates the SQL found.

**Persons.** A result row names its student by the ids the vendor export carries; each
is matched against the hub's active persons that hold a ``student`` role:

* ``studentStateId``: an entry of the person's ``userIds`` whose type is a state id
  (``State``, ``StateID``, ``SSID``, ``State Student ID``..., compared without case,
  spaces, ``_`` or ``-``; ``STATE_ID_TYPES``);
* ``studentLocalId``: the person's OneRoster ``identifier`` (the SIS student number);
* ``studentSourcedId``: the person's hub sourcedId (vendors rostered from this hub).

A row is applied only when its ids point at exactly one person. Everything else is a
per-record problem, never a guess and never a crash: no person with those ids; an id
held by two or more persons ("ambiguous"); two ids naming different persons; or a person
found by a weaker id whose state id differs from the row's (two different state ids are
a hard conflict, see ``standards/identity.md``). A row with problems changes nothing,
and a result it held before is kept as it was (it is in the file, so it is not absent).

**Ids.** A result's hub sourcedId is stable per ``(source, result key)`` through the
crosswalk (entity type ``assessmentResult``). Unlike rostering entities the hub always
mints a UUID rather than adopting the vendor's key: vendors' keys are test event
numbers or, for i-Ready, a student number joined with dates, which must not leak into
emitted ids.

**Writes.** Only rows whose content (``row_hash``), person, school or status changed are
written, stamped with the change version, ``date_last_modified`` and ``source``:
re-applying the same file writes nothing. A ``tobedeleted`` row tombstones the result.
With ``bulk=True`` (a full run), this source's results absent from the file become
``tobedeleted``; nothing is ever hard-deleted.

**Shapes.** Staged ``scores`` are Ed-Fi ``scoreResults``-like objects
(``assessmentReportingMethod``, ``result``, ``resultDatatypeType``) and
``performanceLevels`` ``performanceLevels``-like ones (``assessmentReportingMethod``,
``performanceLevel``, ``performanceLevelMet``); they are stored as the Ed-Fi projection
stores them (``edfi.canonical.whole_child``): ``{"method", "datatype", "result"}`` and
``{"method", "level", "met"}``, entries without a value dropped. The school
(``schoolSourcedId``) is an active school org with that hub sourcedId, else the one
school whose ``identifier`` it is; otherwise the result has no school.
"""

# ruff: noqa: S608  (SQL is built from internal table/column constants; values are bound)

from __future__ import annotations

import csv
import hashlib
from collections.abc import Collection, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from typing import IO, Any, Final

import orjson
from sqlalchemy import Connection, text

from interop_hub.sync.identity import lookup_known
from interop_hub.sync.result import EntityStats
from interop_hub.sync.sql import SqlRunner

__all__ = ["ENTITY", "STATE_ID_TYPES", "AssessmentApplyResult", "apply_assessment_results"]

ENTITY: Final = "assessmentResult"
STATE_ID_TYPES: Final = frozenset(
    {
        "state",
        "stateid",
        "ssid",
        "sasid",
        "statestudentid",
        "statestudentidentifier",
        "stateidentifier",
        "stateuniqueid",
    }
)
"""``userIds`` types (lower case, without spaces, ``_`` and ``-``) that hold a state id."""

_T: Final = "tmp_assessment_results"
_CAND: Final = "tmp_assessment_candidates"
_STATE: Final = "tmp_assessment_state_ids"
_MATCH: Final = "tmp_assessment_matches"
_SCHOOL: Final = "tmp_assessment_schools"
_BATCH: Final = 5000
_MAX_TEXT: Final = 255
_KIND_LABEL: Final = {"state": "state id", "local": "local id", "sourcedId": "sourcedId"}


@dataclass
class AssessmentApplyResult:
    """Counts of one apply and its per-record problems (``file``, ``line``, ``sourcedId``,
    ``reason``, and ``origin``: the source record, when the staged package names it).
    ``problems`` holds the first ``max_problems``; ``problem_count`` counts them all."""

    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    tombstoned: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.tombstoned

    def stats(self) -> EntityStats:
        """The counts as an import's per-entity stats (for ``ApplyHooks.extra``)."""
        return EntityStats(
            rows=self.rows,
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            tombstoned=self.tombstoned,
        )


@dataclass(frozen=True)
class _Row:
    line: int
    key: str
    status: str
    valid: bool
    state_id: str | None
    local_id: str | None
    student_sid: str | None
    school_key: str | None
    identifier: str | None
    namespace: str | None
    adm_date: str | None
    scores: str | None
    perf: str | None
    row_hash: str
    origin: str

    def values(self) -> tuple[Any, ...]:
        """The ``_COLUMNS`` of the staging row."""
        return (
            self.line,
            self.key,
            self.status,
            1 if self.valid else 0,
            self.state_id,
            self.local_id,
            self.student_sid,
            self.school_key,
            self.identifier,
            self.namespace,
            self.adm_date,
            self.scores,
            self.perf,
            self.row_hash,
            self.origin or None,
        )


class _Problems:
    def __init__(self, result: AssessmentApplyResult, file: str, limit: int) -> None:
        self.result = result
        self.file = file
        self.limit = limit

    def add(self, line: int, key: str, reason: str, origin: str | None = None) -> None:
        self.result.problem_count += 1
        if len(self.result.problems) < self.limit:
            problem: dict[str, Any] = {
                "file": self.file,
                "line": line,
                "sourcedId": key,
                "reason": reason,
            }
            if origin:
                problem["origin"] = origin
            self.result.problems.append(problem)


# Parsing and normalising the staged file.


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _scores(raw: str) -> list[dict[str, Any]]:
    items = orjson.loads(raw)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError("scores must be a JSON list of objects")
    out: list[dict[str, Any]] = []
    for item in items:
        result = _text(item.get("result"))
        if result:
            out.append(
                {
                    "method": _text(item.get("assessmentReportingMethod")) or None,
                    "datatype": _text(item.get("resultDatatypeType")) or None,
                    "result": result,
                }
            )
    return out


def _met(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    low = _text(value).lower()
    return True if low == "true" else False if low == "false" else None


def _levels(raw: str) -> list[dict[str, Any]]:
    items = orjson.loads(raw)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError("performanceLevels must be a JSON list of objects")
    out: list[dict[str, Any]] = []
    for item in items:
        level = _text(item.get("performanceLevel"))
        if level:
            out.append(
                {
                    "method": _text(item.get("assessmentReportingMethod")) or None,
                    "level": level,
                    "met": _met(item.get("performanceLevelMet")),
                }
            )
    return out


def _records(fh: IO[str], keys: IO[str] | None) -> Iterator[tuple[int, dict[str, str], str]]:
    """``(line, row, origin)`` per data row of a staged file (``line``: where it starts)."""
    reader = csv.DictReader(fh)
    missing = [
        c for c in ("sourcedId", "assessmentIdentifier") if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ValueError(f"not a staged assessmentResults file: no {', '.join(missing)} column")
    end = reader.line_num
    for row in reader:
        start, end = end + 1, reader.line_num
        origin = keys.readline().rstrip("\n") if keys is not None else ""
        yield start, {k: (v or "").strip() for k, v in row.items() if k is not None}, origin


def _parse(line: int, row: dict[str, str], problems: _Problems, origin: str) -> _Row | None:
    key = row.get("sourcedId", "")
    if not key:
        problems.add(line, "", "sourcedId is empty: the row has no result key", origin)
        return None
    reasons: list[str] = []
    if len(key) > _MAX_TEXT:
        problems.add(line, key[:80], f"sourcedId is longer than {_MAX_TEXT} characters", origin)
        return None
    status = row.get("status") or "active"
    if status not in ("active", "tobedeleted"):
        reasons.append(f"status {status!r} is not active or tobedeleted")
    identifier = row.get("assessmentIdentifier", "")
    namespace = row.get("assessmentNamespace", "")
    for name, value in (("assessmentIdentifier", identifier), ("assessmentNamespace", namespace)):
        if not value:
            reasons.append(f"{name} is empty")
        elif len(value) > _MAX_TEXT:
            reasons.append(f"{name} is longer than {_MAX_TEXT} characters")
    adm = row.get("administrationDate", "")
    if adm:
        try:
            if len(adm) != 10:
                raise ValueError(adm)
            date.fromisoformat(adm)
        except ValueError:
            reasons.append(f"administrationDate {adm!r} is not a YYYY-MM-DD date")
    scores: list[dict[str, Any]] = []
    levels: list[dict[str, Any]] = []
    for name, parse in (("scores", _scores), ("performanceLevels", _levels)):
        raw = row.get(name, "")
        if not raw:
            continue
        try:
            parsed = parse(raw)
        except (ValueError, orjson.JSONDecodeError) as exc:
            reasons.append(f"{name} is not valid: {exc}")
            continue
        if name == "scores":
            scores = parsed
        else:
            levels = parsed
    ids = {
        "state": row.get("studentStateId", ""),
        "local": row.get("studentLocalId", ""),
        "sourcedId": row.get("studentSourcedId", ""),
    }
    if status == "active" and not any(ids.values()):
        reasons.append(
            "no student id: studentStateId, studentLocalId and studentSourcedId are empty"
        )
    school = row.get("schoolSourcedId", "")
    content = [status, identifier, namespace, adm, school, scores, levels, ids]
    digest = hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()
    if reasons and status != "tobedeleted":
        problems.add(line, key, "; ".join(reasons), origin)
    return _Row(
        line=line,
        key=key,
        status=status if status in ("active", "tobedeleted") else "active",
        valid=not reasons,
        state_id=ids["state"] or None,
        local_id=ids["local"] or None,
        student_sid=ids["sourcedId"] or None,
        school_key=school or None,
        identifier=identifier or None,
        namespace=namespace or None,
        adm_date=adm or None,
        scores=orjson.dumps(scores).decode() if scores else None,
        perf=orjson.dumps(levels).decode() if levels else None,
        row_hash=digest,
        origin=origin,
    )


# Temporary tables.


def _create_tables(sql: SqlRunner) -> None:
    suffix = " ON COMMIT DROP" if sql.pg else ""
    _drop_tables(sql)
    sql.run(
        f"CREATE TEMPORARY TABLE {_T} (line INTEGER PRIMARY KEY, source_key VARCHAR, "
        "status VARCHAR, valid INTEGER, state_id VARCHAR, local_id VARCHAR, "
        "student_sid VARCHAR, school_key VARCHAR, identifier VARCHAR, namespace VARCHAR, "
        "adm_date VARCHAR, scores TEXT, perf TEXT, row_hash VARCHAR, user_id VARCHAR, "
        f"school_id VARCHAR, hub_id VARCHAR, origin VARCHAR){suffix}"
    )
    sql.run(f"CREATE TEMPORARY TABLE {_CAND} (line INTEGER, kind VARCHAR, user_id VARCHAR){suffix}")
    sql.run(f"CREATE TEMPORARY TABLE {_STATE} (user_id VARCHAR, identifier VARCHAR){suffix}")
    sql.run(f"CREATE TEMPORARY TABLE {_MATCH} (line INTEGER PRIMARY KEY, user_id VARCHAR){suffix}")
    sql.run(f"CREATE TEMPORARY TABLE {_SCHOOL} (school_key VARCHAR, school_id VARCHAR){suffix}")


def _drop_tables(sql: SqlRunner) -> None:
    for table in (_T, _CAND, _STATE, _MATCH, _SCHOOL):
        sql.run(f"DROP TABLE IF EXISTS {table}")


_COLUMNS: Final = (
    "line",
    "source_key",
    "status",
    "valid",
    "state_id",
    "local_id",
    "student_sid",
    "school_key",
    "identifier",
    "namespace",
    "adm_date",
    "scores",
    "perf",
    "row_hash",
    "origin",
)


def _insert(
    sql: SqlRunner, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Rows into a temporary table at driver level (``COPY`` on PostgreSQL, ``executemany``
    on SQLite, as ``sync.staging`` does): SQLAlchemy's per-row parameter handling would
    cost more than the database's work."""
    if not rows:
        return
    names = ", ".join(columns)
    if sql.pg:
        raw = sql.conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        sql.conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _stage(sql: SqlRunner, path: Path, problems: _Problems) -> int:
    """Parse the staged file into ``_T``; returns the number of data rows."""
    keys_path = path.with_suffix(".keys")
    first: dict[str, tuple[int, str]] = {}
    batch: list[tuple[Any, ...]] = []
    rows = 0
    with (
        path.open(encoding="utf-8", newline="") as fh,
        keys_path.open(encoding="utf-8") if keys_path.is_file() else nullcontext() as keys,
    ):
        for line, raw, origin in _records(fh, keys):
            rows += 1
            row = _parse(line, raw, problems, origin)
            if row is None:
                continue
            seen = first.get(row.key)
            if seen is not None:
                if seen[1] != row.row_hash:
                    problems.add(
                        line,
                        row.key,
                        f"sourcedId {row.key!r} is also on line {seen[0]} with different "
                        f"content; line {seen[0]} was kept",
                        origin,
                    )
                continue
            first[row.key] = (line, row.row_hash)
            batch.append(row.values())
            if len(batch) >= _BATCH:
                _insert(sql, _T, _COLUMNS, batch)
                batch = []
    _insert(sql, _T, _COLUMNS, batch)
    if sql.pg:
        sql.run(f"ANALYZE {_T}")
    else:
        for column in ("source_key", "state_id", "local_id", "student_sid", "school_key"):
            sql.run(f"CREATE INDEX ix_{_T}_{column} ON {_T} ({column})")
    return rows


# Persons.


def _normalised(expr: str) -> str:
    return f"lower(replace(replace(replace({expr}, ' ', ''), '_', ''), '-', ''))"


_STUDENT: Final = (
    "u.status = 'active' AND EXISTS (SELECT 1 FROM user_roles r "
    "WHERE r.user_id = u.sourced_id AND r.role = 'student')"
)
_ACTIVE_ROWS: Final = "a.valid = 1 AND a.status = 'active'"


def _find_candidates(sql: SqlRunner, state_types: Collection[str]) -> None:
    """``_CAND``: every (row, id kind, person) the row's ids match; ``_STATE``: the state
    ids of the persons concerned (matched ones, and holders of the file's state ids)."""
    sql.run(
        f"INSERT INTO {_CAND} (line, kind, user_id) SELECT DISTINCT a.line, 'sourcedId', "
        f"u.sourced_id FROM {_T} a JOIN users u ON u.sourced_id = a.student_sid "
        f"WHERE {_ACTIVE_ROWS} AND {_STUDENT}"
    )
    sql.run(
        f"INSERT INTO {_CAND} (line, kind, user_id) SELECT DISTINCT a.line, 'local', "
        f"u.sourced_id FROM {_T} a JOIN users u ON u.identifier = a.local_id "
        f"WHERE {_ACTIVE_ROWS} AND {_STUDENT}"
    )
    types = {f"t{i}": t for i, t in enumerate(sorted(state_types))}
    type_list = ", ".join(f":{name}" for name in types) or "NULL"
    if sql.pg:
        ident, kind = "j.value ->> 'identifier'", "j.value ->> 'type'"
        elements = (
            "CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(u.user_ids) = "
            "'array' THEN u.user_ids ELSE '[]'::jsonb END) j"
        )
    else:
        ident = "CAST(json_extract(j.value, '$.identifier') AS TEXT)"
        kind = "json_extract(j.value, '$.type')"
        elements = (
            ", json_each(CASE WHEN json_valid(u.user_ids) AND json_type(u.user_ids) = 'array' "
            "THEN u.user_ids ELSE '[]' END) j"
        )
    sql.run(
        f"INSERT INTO {_STATE} (user_id, identifier) SELECT DISTINCT u.sourced_id, {ident} "
        f"FROM users u {elements} WHERE u.user_ids IS NOT NULL "
        f"AND {_normalised(kind)} IN ({type_list}) AND ({ident} IN (SELECT state_id FROM {_T} "
        f"WHERE state_id IS NOT NULL) OR u.sourced_id IN (SELECT user_id FROM {_CAND}))",
        **types,
    )
    if not sql.pg:
        sql.run(f"CREATE INDEX ix_{_STATE}_identifier ON {_STATE} (identifier)")
    sql.run(
        f"INSERT INTO {_CAND} (line, kind, user_id) SELECT DISTINCT a.line, 'state', s.user_id "
        f"FROM {_T} a JOIN {_STATE} s ON s.identifier = a.state_id "
        f"JOIN users u ON u.sourced_id = s.user_id WHERE {_ACTIVE_ROWS} AND {_STUDENT}"
    )
    if sql.pg:
        sql.run(f"ANALYZE {_CAND}")
    else:
        sql.run(f"CREATE INDEX ix_{_CAND}_line ON {_CAND} (line)")


def _decide(
    given: dict[str, str], found: dict[str, set[str]], state_ids: dict[str, set[str]]
) -> tuple[str | None, str]:
    """The one person a row's ids identify, or ``(None, reason)``."""
    for kind, value in given.items():
        persons = found.get(kind, set())
        if len(persons) > 1:
            return None, (
                f"ambiguous: {len(persons)} persons have {_KIND_LABEL[kind]} {value}; "
                "the result is not matched to either (never guessed)"
            )
    persons = {p for matched in found.values() for p in matched}
    if not persons:
        ids = " or ".join(f"{_KIND_LABEL[k]} {v}" for k, v in given.items())
        return None, f"no active student with {ids}"
    if len(persons) > 1:
        named = " and ".join(f"{_KIND_LABEL[k]} {given[k]}" for k in given if found.get(k))
        return None, f"{named} identify different persons"
    person = persons.pop()
    state = given.get("state")
    held = state_ids.get(person, set())
    if state and state not in held and held:
        by = next(k for k in given if found.get(k))
        return None, (
            f"the person with {_KIND_LABEL[by]} {given[by]} has state id "
            f"{', '.join(sorted(held))}, not {state}"
        )
    return person, ""


def _match_persons(sql: SqlRunner, problems: _Problems) -> int:
    """Decide every valid active row's person into ``_MATCH`` and ``_T.user_id``."""
    state_ids: dict[str, set[str]] = {}
    for user_id, identifier in sql.rows(f"SELECT user_id, identifier FROM {_STATE}"):
        state_ids.setdefault(str(user_id), set()).add(str(identifier))
    stream = sql.conn.execute(
        text(
            f"SELECT a.line, a.source_key, a.state_id, a.local_id, a.student_sid, a.origin, "
            f"c.kind, c.user_id FROM {_T} a LEFT JOIN {_CAND} c ON c.line = a.line "
            f"WHERE {_ACTIVE_ROWS} ORDER BY a.line"
        )
    )
    matches: list[tuple[Any, ...]] = []
    matched = 0
    for line, group in groupby(stream, key=lambda r: r[0]):
        rows = list(group)
        _, key, state, local, sid, origin = rows[0][:6]
        given = {
            k: str(v) for k, v in (("state", state), ("local", local), ("sourcedId", sid)) if v
        }
        found: dict[str, set[str]] = {}
        for row in rows:
            if row[6] is not None:
                found.setdefault(str(row[6]), set()).add(str(row[7]))
        person, reason = _decide(given, found, state_ids)
        if person is None:
            problems.add(int(line), str(key), reason, origin)
            continue
        matches.append((line, person))
        matched += 1
        if len(matches) >= _BATCH:
            _insert(sql, _MATCH, ("line", "user_id"), matches)
            matches = []
    _insert(sql, _MATCH, ("line", "user_id"), matches)
    sql.run(f"UPDATE {_T} SET user_id = m.user_id FROM {_MATCH} m WHERE m.line = {_T}.line")
    return matched


def _resolve_schools(sql: SqlRunner) -> None:
    sql.run(
        f"INSERT INTO {_SCHOOL} (school_key) SELECT DISTINCT school_key FROM {_T} "
        "WHERE school_key IS NOT NULL"
    )
    school = "o.status = 'active' AND o.type = 'school'"
    sql.run(
        f"UPDATE {_SCHOOL} SET school_id = COALESCE((SELECT o.sourced_id FROM orgs o "
        f"WHERE o.sourced_id = {_SCHOOL}.school_key AND {school}), (SELECT CASE WHEN "
        f"COUNT(*) = 1 THEN MIN(o.sourced_id) END FROM orgs o "
        f"WHERE o.identifier = {_SCHOOL}.school_key AND {school}))"
    )
    sql.run(
        f"UPDATE {_T} SET school_id = s.school_id FROM {_SCHOOL} s "
        f"WHERE s.school_key = {_T}.school_key AND s.school_id IS NOT NULL"
    )


def _allocate_ids(sql: SqlRunner, source: str, now: datetime) -> None:
    """Hub ids: known ones from the crosswalk; a minted UUID for each new result."""
    lookup_known(sql, _T, "source_key", "hub_id", source=source, entity=ENTITY)
    sql.run(
        "INSERT INTO crosswalk (source, entity_type, source_key, hub_id, first_seen_at, "
        f"last_seen_at) SELECT :source, :entity, d.k, {sql.uuid}, :now, :now FROM "
        f"(SELECT DISTINCT source_key AS k FROM {_T} WHERE hub_id IS NULL "
        "AND user_id IS NOT NULL) d ORDER BY d.k",
        source=source,
        entity=ENTITY,
        now=now,
    )
    lookup_known(sql, _T, "source_key", "hub_id", source=source, entity=ENTITY)
    if not sql.pg:
        sql.run(f"CREATE INDEX ix_{_T}_hub_id ON {_T} (hub_id)")


# The merge.


def _merge(sql: SqlRunner, result: AssessmentApplyResult, *, bulk: bool, p: dict[str, Any]) -> None:
    json = "CAST({} AS JSONB)" if sql.pg else "{}"
    day = "CAST({} AS DATE)" if sql.pg else "{}"
    ready = "s.status = 'active' AND s.user_id IS NOT NULL AND s.hub_id IS NOT NULL"
    result.added = sql.run(
        "INSERT INTO assessment_results (sourced_id, status, date_last_modified, "
        "change_version, source, source_seen_at, row_hash, user_id, assessment_identifier, "
        "assessment_namespace, administration_date, school_id, scores, performance_levels) "
        "SELECT s.hub_id, 'active', :now, :cv, :source, :now, s.row_hash, s.user_id, "
        f"s.identifier, s.namespace, {day.format('s.adm_date')}, s.school_id, "
        f"{json.format('s.scores')}, {json.format('s.perf')} FROM {_T} s WHERE {ready} "
        "AND NOT EXISTS (SELECT 1 FROM assessment_results t WHERE t.sourced_id = s.hub_id) "
        "ORDER BY s.hub_id",
        **p,
    )
    t = "assessment_results"
    changed = " OR ".join(
        [
            sql.distinct(f"{t}.row_hash", "s.row_hash"),
            sql.distinct(f"{t}.user_id", "s.user_id"),
            sql.distinct(f"{t}.school_id", "s.school_id"),
            f"{t}.status <> 'active'",
        ]
    )
    result.updated = sql.run(
        f"UPDATE {t} SET status = 'active', date_last_modified = :now, change_version = :cv, "
        "source = :source, source_seen_at = :now, row_hash = s.row_hash, user_id = s.user_id, "
        "assessment_identifier = s.identifier, assessment_namespace = s.namespace, "
        f"administration_date = {day.format('s.adm_date')}, school_id = s.school_id, "
        f"scores = {json.format('s.scores')}, performance_levels = {json.format('s.perf')} "
        f"FROM {_T} s WHERE {t}.sourced_id = s.hub_id AND {ready} "
        f"AND {t}.change_version <> :cv AND ({changed})",
        **p,
    )
    result.unchanged = int(
        sql.scalar(
            f"SELECT COUNT(*) FROM {_T} s JOIN {t} x ON x.sourced_id = s.hub_id "
            f"WHERE {ready} AND x.change_version <> :cv",
            cv=p["cv"],
        )
        or 0
    )
    result.tombstoned = sql.run(
        f"UPDATE {t} SET status = 'tobedeleted', date_last_modified = :now, "
        f"change_version = :cv, source = :source, source_seen_at = :now FROM {_T} s "
        f"WHERE {t}.sourced_id = s.hub_id AND s.status = 'tobedeleted' "
        f"AND {t}.status <> 'tobedeleted'",
        **p,
    )
    if bulk:
        result.tombstoned += sql.run(
            f"UPDATE {t} SET status = 'tobedeleted', date_last_modified = :now, "
            f"change_version = :cv WHERE {t}.source = :source "
            f"AND {t}.status <> 'tobedeleted' AND {t}.change_version <> :cv "
            f"AND NOT EXISTS (SELECT 1 FROM {_T} s WHERE s.hub_id = {t}.sourced_id)",
            **p,
        )
    if result.changed:
        sql.run(
            f"UPDATE crosswalk SET last_seen_at = :now FROM {t} x WHERE x.change_version = :cv "
            "AND crosswalk.source = :source AND crosswalk.entity_type = :entity "
            "AND crosswalk.hub_id = x.sourced_id AND crosswalk.last_seen_at < :now",
            entity=ENTITY,
            **p,
        )


def apply_assessment_results(
    conn: Connection,
    path: Path,
    *,
    source: str,
    change_version: int,
    now: datetime,
    bulk: bool,
    state_id_types: Collection[str] = STATE_ID_TYPES,
    max_problems: int = 10_000,
) -> AssessmentApplyResult:
    """Apply the staged ``assessmentResults.csv`` at ``path`` in ``conn``'s transaction.

    ``source`` scopes the crosswalk and bulk tombstones; every change is stamped with
    ``change_version`` and ``now`` (the caller stores the version if anything changed:
    ``result.changed``). Raises ``ValueError`` if the file is not a staged
    ``assessmentResults`` file; a bad row is a problem in the result instead."""
    sql = SqlRunner(conn)
    sql.ensure_transaction()
    result = AssessmentApplyResult()
    problems = _Problems(result, path.name, max_problems)
    # Temporary tables live in the caller's transaction: a failure rolls them back with
    # everything else (dropping them then would fail in an aborted PostgreSQL transaction).
    _create_tables(sql)
    result.rows = _stage(sql, path, problems)
    _find_candidates(sql, state_id_types)
    _match_persons(sql, problems)
    _resolve_schools(sql)
    _allocate_ids(sql, source, now)
    _merge(sql, result, bulk=bulk, p={"source": source, "cv": change_version, "now": now})
    _drop_tables(sql)
    return result
