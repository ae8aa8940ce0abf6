"""SQL reads for the OneRoster projection. Every function takes the request's
``ReadGateway`` (never a session): the gateway adds the sharing policy to each statement and
records disclosures, so these functions cannot bypass either.

Rows are plain Core tuples (no ORM objects). A 1.2 user's roles, agents and profiles are
aggregated in SQL into columns of the page query itself (``EMBEDDED``); other child rows
for a whole page are loaded with one ``IN`` query per kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, cast

import orjson
from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy import column as column_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import JSON as PG_JSON
from sqlalchemy.sql.elements import UnaryExpression

from interop_hub.models import (
    AcademicSession,
    ClassTerm,
    Org,
    User,
    UserAgent,
    UserProfile,
    UserRole,
)
from interop_hub.oneroster.entities import EntitySql
from interop_hub.oneroster.render import Plan
from interop_hub.sharing.gateway import Disclose, Embed, Read, ReadGateway

__all__ = ["EMBEDDED", "RELATED_LOADERS", "count", "exists", "fetch_page", "load_related"]


def _require_gateway(gateway: object) -> None:
    if not isinstance(gateway, ReadGateway):
        raise TypeError(
            f"repository reads need the request's ReadGateway, got {type(gateway).__name__}"
        )


def _disclose(entity: EntitySql, plan: Plan) -> Disclose:
    person = plan.columns.index(entity.person_key) if entity.person_key else None
    return Disclose(entity.name, plan.names, person)


def fetch_page(
    gateway: ReadGateway,
    entity: EntitySql,
    plan: Plan,
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[ColumnElement[Any] | UnaryExpression[Any]] = (),
    limit: int | None = None,
    offset: int = 0,
) -> list[tuple[Any, ...]]:
    """The records of one page (or one record), columns in ``plan.columns`` order."""
    _require_gateway(gateway)
    columns = [_column(entity, key) for key in plan.columns]
    read = Read(entity.table, columns, where, order_by, limit, offset)
    return gateway.fetch(read, disclose=_disclose(entity, plan))


def _column(entity: EntitySql, key: str) -> ColumnElement[Any] | Embed:
    column = entity.columns.get(key)
    return EMBEDDED[key] if column is None else column


def count(gateway: ReadGateway, entity: EntitySql, where: Sequence[ColumnElement[bool]]) -> int:
    _require_gateway(gateway)
    return gateway.count(Read(entity.table, [entity.table.c.sourced_id], where))


def exists(gateway: ReadGateway, entity: EntitySql, where: Sequence[ColumnElement[bool]]) -> bool:
    _require_gateway(gateway)
    return gateway.exists(Read(entity.table, [entity.table.c.sourced_id], where))


def _raw(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return type_coerce(column, String())


def _in_ids(
    gateway: ReadGateway, column: ColumnElement[Any], ids: list[str]
) -> ColumnElement[bool]:
    """``column IN ids`` with the whole id list as ONE bound JSON-array parameter: a 1000-id
    page would otherwise mean 1000 parameters rendered into every statement (SQLite), or a
    1000-element ``text[]`` that psycopg escapes item by item in Python (PostgreSQL; the
    JSON text is built by orjson and unpacked by the server into ``= ANY(ARRAY(...))``)."""
    ids_json = bindparam("ids", orjson.dumps(ids).decode(), type_=String())
    if gateway.dialect_name == "postgresql":
        elements = select(func.json_array_elements_text(sql_cast(ids_json, PG_JSON)))
        return column == any_(func.array(elements.scalar_subquery(), type_=ARRAY(String())))
    table = func.json_each(ids_json).table_valued(column_("value", String))
    return column.in_(select(table.c.value))


_roles = cast(Table, UserRole.__table__)
_agents = cast(Table, UserAgent.__table__)
_profiles = cast(Table, UserProfile.__table__)
_class_terms = cast(Table, ClassTerm.__table__)
_orgs = cast(Table, Org.__table__)
_sessions = cast(Table, AcademicSession.__table__)


def _grouped(rows: Iterable[tuple[Any, ...]], single: bool) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    get = out.get
    for row in rows:
        key = row[0]
        value = row[1] if single else row[1:]
        bucket = get(key)
        if bucket is None:
            out[key] = [value]
        else:
            bucket.append(value)
    return out


def _load_roles(gateway: ReadGateway, ids: list[str]) -> dict[str, list[Any]]:
    r = _roles
    cols = [
        r.c.user_id,
        r.c.role_type,
        r.c.role,
        r.c.org_id,
        r.c.user_profile,
        _raw(r.c.begin_date),
        _raw(r.c.end_date),
    ]
    read = Read(r, cols, [_in_ids(gateway, r.c.user_id, ids)], [r.c.user_id, r.c.id])
    return _grouped(gateway.fetch_related(read), single=False)


def _load_agents(gateway: ReadGateway, ids: list[str]) -> dict[str, list[Any]]:
    a = _agents
    order = [a.c.user_id, a.c.ordinal, a.c.agent_id]
    read = Read(a, [a.c.user_id, a.c.agent_id], [_in_ids(gateway, a.c.user_id, ids)], order)
    return _grouped(gateway.fetch_related(read), single=True)


def _load_class_terms(gateway: ReadGateway, ids: list[str]) -> dict[str, list[Any]]:
    ct = _class_terms
    order = [ct.c.class_id, ct.c.ordinal, ct.c.term_id]
    read = Read(ct, [ct.c.class_id, ct.c.term_id], [_in_ids(gateway, ct.c.class_id, ids)], order)
    return _grouped(gateway.fetch_related(read), single=True)


def _load_org_children(gateway: ReadGateway, ids: list[str]) -> dict[str, list[Any]]:
    o = _orgs
    read = Read(
        o,
        [o.c.parent_id, o.c.sourced_id],
        [_in_ids(gateway, o.c.parent_id, ids)],
        [o.c.parent_id, o.c.sourced_id],
    )
    return _grouped(gateway.fetch_related(read), single=True)


def _load_session_children(gateway: ReadGateway, ids: list[str]) -> dict[str, list[Any]]:
    s = _sessions
    read = Read(
        s,
        [s.c.parent_id, s.c.sourced_id],
        [_in_ids(gateway, s.c.parent_id, ids)],
        [s.c.parent_id, s.c.sourced_id],
    )
    return _grouped(gateway.fetch_related(read), single=True)


RELATED_LOADERS: Final = {
    "roles": _load_roles,
    "agents": _load_agents,
    "class_terms": _load_class_terms,
    "org_children": _load_org_children,
    "session_children": _load_session_children,
}


def load_related(
    gateway: ReadGateway, names: Sequence[str], parent_ids: list[str]
) -> dict[str, Mapping[str, list[Any]]]:
    """Sub-rows for every parent of a page, one query per loader name."""
    _require_gateway(gateway)
    if not parent_ids:
        return {name: {} for name in names}
    return {name: RELATED_LOADERS[name](gateway, parent_ids) for name in names}


# ---- sub-rows embedded in the page query -------------------------------------------------
#
# A 1.2 user's roles, agents and profiles come as JSON-array text columns of the page query
# (``Embed``: the gateway aggregates them in SQL, with the related table's policy clause)
# instead of three ``IN`` queries grouped in Python. Items are the related-row layouts
# above without the user id, in the same order. On SQLite, JSON columns (credentials)
# arrive as JSON strings, on PostgreSQL as JSON values; ``load_json`` takes both.

_users = cast(Table, User.__table__)


def _embeds() -> dict[str, Embed]:
    u, r, a, p = _users, _roles, _agents, _profiles
    role_items = [
        r.c.role_type,
        r.c.role,
        r.c.org_id,
        r.c.user_profile,
        _raw(r.c.begin_date),
        _raw(r.c.end_date),
    ]
    profile_items = [
        p.c.sourced_id,
        p.c.profile_type,
        p.c.vendor_id,
        p.c.application_id,
        p.c.credentials,
    ]
    # ``status || ''`` keeps SQLite on the user_id index rather than the status one
    active = p.c.status.concat(literal_column("''")) == "active"
    return {
        "roles_list": Embed(r, role_items, [r.c.user_id == u.c.sourced_id], [r.c.id]),
        "agents_list": Embed(
            a, [a.c.agent_id], [a.c.user_id == u.c.sourced_id], [a.c.ordinal, a.c.agent_id]
        ),
        "profiles_list": Embed(
            p,
            profile_items,
            [p.c.user_id == u.c.sourced_id, active],
            [p.c.sourced_id],
            sparse=True,
        ),
    }


# Plan column keys (of the users entity) read as embedded sub-rows.
EMBEDDED: Final = _embeds()
