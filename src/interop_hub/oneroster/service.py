"""OneRoster read logic: validate the query, compile it, read through the gateway, render.

Nothing here touches a session or builds HTTP responses; errors are ``HubError``s.
Order of work per collection request: parse ``fields`` (400 before any SQL), compile the
filter and sort, read the page, count only when the page does not already tell the total,
batch-load sub-rows for the page, render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import orjson
from sqlalchemy import ColumnElement

from interop_hub.core.errors import NotFound
from interop_hub.oneroster import repository
from interop_hub.oneroster.compile import compile_filter, compile_order
from interop_hub.oneroster.entities import ENTITIES, EntitySql
from interop_hub.oneroster.query import CollectionQuery
from interop_hub.oneroster.render import Plan, RenderContext
from interop_hub.oneroster.serializers import SHAPES
from interop_hub.oneroster.views import NESTED, VIEWS, View
from interop_hub.sharing.gateway import ReadGateway

__all__ = ["Page", "Version", "get_record", "list_collection", "list_nested"]

Version = Literal["v1p2", "v1p1"]


@dataclass(frozen=True)
class Page:
    """One page of a collection. ``body`` is the records as an encoded JSON array (what
    the endpoint sends); ``records`` decodes it for callers that want dicts."""

    key: str  # the envelope key
    body: bytes
    total: int
    limit: int
    offset: int

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = orjson.loads(self.body)
        return records


def _plan(version: Version, entity: EntitySql, fields: tuple[str, ...] | None) -> Plan:
    extra = (entity.person_key,) if entity.person_key else ()
    return SHAPES[version][entity.name].plan(fields, extra)


def _load_related(
    gateway: ReadGateway, plan: Plan, rows: Sequence[Any], ctx: RenderContext
) -> None:
    if plan.related:
        ids = [row[0] for row in rows]  # sourced_id is always the first column
        ctx.related = repository.load_related(gateway, plan.related, ids)


def _page(
    gateway: ReadGateway,
    version: Version,
    view: View,
    extra: list[ColumnElement[bool]],
    query: CollectionQuery,
    ctx: RenderContext,
) -> Page:
    entity = ENTITIES[version][view.entity]
    plan = _plan(version, entity, query.fields)
    where = [*view.where(entity.table), *extra]
    if query.filter is not None:
        where.append(compile_filter(entity, query.filter, gateway.dialect_name))
    order = compile_order(entity, query)
    rows = repository.fetch_page(gateway, entity, plan, where, order, query.limit, query.offset)
    if 0 < len(rows) < query.limit or (not rows and query.offset == 0):
        total = query.offset + len(rows)
    else:
        total = repository.count(gateway, entity, where)
    _load_related(gateway, plan, rows, ctx)
    return Page(view.plural, plan.render_json(rows, ctx), total, query.limit, query.offset)


def list_collection(
    gateway: ReadGateway,
    version: Version,
    view_name: str,
    query: CollectionQuery,
    ctx: RenderContext,
) -> Page:
    return _page(gateway, version, VIEWS[view_name], [], query, ctx)


def _check_parents(
    gateway: ReadGateway, version: Version, nested_name: str, parent_ids: Sequence[str]
) -> None:
    nested = NESTED[nested_name]
    for i, view_name in enumerate(nested.parents):
        view = VIEWS[view_name]
        entity = ENTITIES[version][view.entity]
        t = entity.table
        where = [*view.where(t), t.c.sourced_id == parent_ids[i]]
        if i:
            where.extend(nested.parent_where(t, parent_ids[:i]))
        if not repository.exists(gateway, entity, where):
            raise NotFound(f"No {view.label} with sourcedId {parent_ids[i]!r}.")


def list_nested(
    gateway: ReadGateway,
    version: Version,
    nested_name: str,
    parent_ids: Sequence[str],
    query: CollectionQuery,
    ctx: RenderContext,
) -> Page:
    nested = NESTED[nested_name]
    view = VIEWS[nested.view]
    entity = ENTITIES[version][view.entity]
    _plan(version, entity, query.fields)  # reject bad fields before touching the database
    _check_parents(gateway, version, nested_name, parent_ids)
    extra = nested.where(entity.table, parent_ids)
    return _page(gateway, version, view, extra, query, ctx)


def get_record(
    gateway: ReadGateway,
    version: Version,
    view_name: str,
    sourced_id: str,
    fields: tuple[str, ...] | None,
    ctx: RenderContext,
) -> tuple[str, dict[str, Any]]:
    """``(envelope key, record)``; raises ``NotFound`` when the view has no such record."""
    view = VIEWS[view_name]
    entity = ENTITIES[version][view.entity]
    plan = _plan(version, entity, fields)
    where = [*view.where(entity.table), entity.table.c.sourced_id == sourced_id]
    rows = repository.fetch_page(gateway, entity, plan, where, limit=1)
    if not rows:
        raise NotFound(f"No {view.label} with sourcedId {sourced_id!r}.")
    _load_related(gateway, plan, rows, ctx)
    # through JSON, so the record holds plain values (no embedded pre-encoded fragments)
    record: dict[str, Any] = orjson.loads(plan.render_json(rows, ctx))[0]
    return view.singular, record
