"""Child rows that belong to one parent's representation: a class's terms, a user's agents
(guardian relationships) and a user's roles.

They are replaced per parent, set-based: for the *affected* parents (those the package
restates) the desired child set is compared with the stored one (``EXCEPT`` both ways);
only parents whose set differs get their children rewritten and the parent stamped with
the run's change version (its OneRoster representation changed). Child rows carry no
status of their own, so a removed child row is deleted; the parent is never deleted.

Roles:

* 1.1 packages: the user's ``orgSourcedIds`` + ``role`` restate all of that user's roles.
* 1.2 ``roles.csv`` bulk: the complete roles of every user this source supplies; active
  rows are kept, a user of this source with no row loses its roles.
* 1.2 ``roles.csv`` delta: rows upsert by the role's sourcedId (``user_roles.source_key``),
  ``tobedeleted`` rows remove it; the user's other roles are kept.
"""

# ruff: noqa: S608  (SQL is built from internal table/column constants; values are bound)

from __future__ import annotations

from typing import Final

from interop_hub.sync.apply import Stamp, bump_parents
from interop_hub.sync.sql import SqlRunner, q
from interop_hub.sync.staging import staging_table

__all__ = ["sync_agents", "sync_class_terms", "sync_roles"]

_ROLE_COLS: Final = (
    "user_id",
    "role_type",
    "role",
    "org_id",
    "user_profile",
    "begin_date",
    "end_date",
    "source_key",
)


def _replace(
    sql: SqlRunner,
    *,
    child_table: str,
    parent_col: str,
    cols: tuple[str, ...],
    desired: str,
    affected: str,
    parent_table: str,
    stamp: Stamp,
    order_by: str,
    params: dict[str, object] | None = None,
) -> int:
    """Rewrite the children of affected parents whose set differs; return parents stamped.

    ``desired``/``affected`` are queries (``affected`` yields one column ``id``); they may
    use the bind parameters in ``params``."""
    params = params or {}
    col_list = ", ".join(q(c) for c in cols)
    sql.run("DROP TABLE IF EXISTS tmp_desired")
    sql.run("DROP TABLE IF EXISTS tmp_affected")
    sql.run("DROP TABLE IF EXISTS tmp_changed")
    suffix = " ON COMMIT DROP" if sql.pg else ""
    sql.run(
        f"CREATE TEMPORARY TABLE tmp_affected{suffix} AS SELECT DISTINCT id FROM ({affected}) a",
        **params,
    )
    sql.run(f"CREATE TEMPORARY TABLE tmp_desired{suffix} AS {desired}", **params)
    current = (
        f"SELECT {col_list} FROM {child_table} "
        f"WHERE {q(parent_col)} IN (SELECT id FROM tmp_affected)"
    )
    wanted = f"SELECT {col_list} FROM tmp_desired"
    sql.run(
        f"CREATE TEMPORARY TABLE tmp_changed{suffix} AS "
        f"SELECT DISTINCT x.{q(parent_col)} AS id FROM ({wanted} EXCEPT {current}) x "
        f"UNION SELECT DISTINCT y.{q(parent_col)} AS id FROM ({current} EXCEPT {wanted}) y"
    )
    if not sql.scalar("SELECT COUNT(*) FROM tmp_changed"):
        return 0
    if sql.pg:  # temporary tables get no statistics unless asked; the joins below need them
        for scratch in ("tmp_desired", "tmp_changed"):
            sql.run(f"ANALYZE {scratch}")
    sql.run(f"DELETE FROM {child_table} WHERE {q(parent_col)} IN (SELECT id FROM tmp_changed)")
    sql.run(
        f"INSERT INTO {child_table} ({col_list}) SELECT {col_list} FROM tmp_desired "
        f"WHERE {q(parent_col)} IN (SELECT id FROM tmp_changed) ORDER BY {order_by}"
    )
    return bump_parents(sql, parent_table, "SELECT id FROM tmp_changed", stamp)


def sync_class_terms(sql: SqlRunner, stamp: Stamp) -> int:
    stg, terms = staging_table("classes"), staging_table("class_terms")
    return _replace(
        sql,
        child_table="class_terms",
        parent_col="class_id",
        cols=("class_id", "term_id", "ordinal"),
        desired=(
            f"SELECT t.class_id, t.term_id, t.ordinal FROM {terms} t "
            "WHERE t.class_id IS NOT NULL AND t.term_id IS NOT NULL"
        ),
        affected=f"SELECT hub_id AS id FROM {stg} WHERE NOT tombstone AND hub_id IS NOT NULL",
        parent_table="classes",
        stamp=stamp,
        order_by="class_id, ordinal",
    )


def sync_agents(sql: SqlRunner, stamp: Stamp) -> int:
    stg, agents = staging_table("users"), staging_table("user_agents")
    return _replace(
        sql,
        child_table="user_agents",
        parent_col="user_id",
        cols=("user_id", "agent_id", "ordinal"),
        desired=(
            f"SELECT a.user_id, a.agent_id, a.ordinal FROM {agents} a "
            "WHERE a.user_id IS NOT NULL AND a.agent_id IS NOT NULL"
        ),
        affected=f"SELECT hub_id AS id FROM {stg} WHERE NOT tombstone AND hub_id IS NOT NULL",
        parent_table="users",
        stamp=stamp,
        order_by="user_id, ordinal",
    )


def sync_roles(sql: SqlRunner, stamp: Stamp, *, layout: str, roles_mode: str) -> int:
    """Apply the users' roles (see the module docstring for the three cases)."""
    users = staging_table("users")
    if layout == "1.1":
        orgs = staging_table("user_orgs")
        return _replace_roles(
            sql,
            stamp,
            desired=(
                f"SELECT o.user_id, o.role_type, o.role, o.org_id, "
                f"CAST(NULL AS VARCHAR) AS user_profile, {_null_date(sql)} AS begin_date, "
                f"{_null_date(sql)} AS end_date, CAST(NULL AS VARCHAR) AS source_key, "
                f"o.ordinal AS ord FROM {orgs} o "
                "WHERE o.user_id IS NOT NULL AND o.org_id IS NOT NULL"
            ),
            affected=f"SELECT hub_id AS id FROM {users} WHERE NOT tombstone AND hub_id IS NOT NULL",
        )
    if roles_mode == "absent":
        return 0
    roles = staging_table("roles")
    staged = (
        f"SELECT r.user_id, r.role_type, r.role, r.org_id, r.user_profile, r.begin_date, "
        f"r.end_date, r.source_key, r.line AS ord FROM {roles} r "
        "WHERE NOT r.tombstone AND r.status = 'active' AND r.user_id IS NOT NULL "
        "AND r.org_id IS NOT NULL"
    )
    if roles_mode == "bulk":
        return _replace_roles(
            sql,
            stamp,
            desired=staged,
            affected=(
                "SELECT sourced_id AS id FROM users WHERE source = :source "
                f"UNION SELECT user_id AS id FROM {roles} WHERE user_id IS NOT NULL"
            ),
        )
    # delta: keep the user's other roles; restated or tombstoned keys are replaced/removed.
    mine = "SELECT hub_id FROM crosswalk WHERE source = :source AND entity_type = 'user'"
    affected = (
        f"SELECT user_id AS id FROM {roles} WHERE user_id IS NOT NULL "
        f"UNION SELECT ur.user_id AS id FROM user_roles ur JOIN {roles} r "
        "ON r.source_key = ur.source_key WHERE r.tombstone "
        f"AND ur.user_id IN ({mine})"
    )
    kept = (
        "SELECT ur.user_id, ur.role_type, ur.role, ur.org_id, ur.user_profile, ur.begin_date, "
        "ur.end_date, ur.source_key, 0 AS ord FROM user_roles ur "
        f"WHERE ur.user_id IN ({affected}) AND (ur.source_key IS NULL OR NOT EXISTS "
        f"(SELECT 1 FROM {roles} r WHERE r.source_key = ur.source_key))"
    )
    return _replace_roles(sql, stamp, desired=f"{kept} UNION ALL {staged}", affected=affected)


def _null_date(sql: SqlRunner) -> str:
    return "CAST(NULL AS DATE)" if sql.pg else "CAST(NULL AS VARCHAR)"


def _replace_roles(sql: SqlRunner, stamp: Stamp, *, desired: str, affected: str) -> int:
    return _replace(
        sql,
        child_table="user_roles",
        parent_col="user_id",
        cols=_ROLE_COLS,
        desired=f"SELECT * FROM ({desired}) d",
        affected=affected,
        parent_table="users",
        stamp=stamp,
        order_by="user_id, ord",
        params={"source": stamp.source},
    )
