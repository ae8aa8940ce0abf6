"""Rendering machinery: per-request context, output fields and compiled page renderers.

A ``Plan`` (the fields of one entity to emit, after ``fields=`` projection) compiles once
into a Python function that turns a page of row tuples into wire dicts with direct index
access, so the per-record cost is a handful of dict stores rather than one call per field.
Generated code only ever contains our own field names (``repr``-quoted) and integer
indexes; converters and builders are passed in as arguments.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import quote

import orjson

__all__ = ["FieldKind", "OutputField", "Plan", "RenderContext", "RowFn"]

RowFn = Callable[[Sequence[Any]], Any]

# sourcedIds made only of unreserved characters need no percent-encoding (the common case).
_URL_SAFE: Final = re.compile(r"[A-Za-z0-9._~-]+\Z").match

# GUIDRef type → collection path under the service base, for hrefs.
_REF_PATHS: Final = {
    "org": "orgs",
    "academicSession": "academicSessions",
    "course": "courses",
    "class": "classes",
    "user": "users",
}


class RenderContext:
    """Per-request rendering state: the base URL for hrefs, GUIDRef caches (one per ref
    type, so a lookup is one dict probe on the sourcedId) and the related sub-rows (by
    loader name, then parent sourcedId) loaded for the current page."""

    __slots__ = ("_base", "_refs", "related")

    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")
        self._refs: dict[str, tuple[dict[str, dict[str, str]], Callable[[str], dict[str, str]]]]
        self._refs = {}
        self.related: dict[str, Mapping[str, list[Any]]] = {}

    def refs(self, kind: str) -> tuple[dict[str, dict[str, str]], Callable[[str], dict[str, str]]]:
        """``(cache, make)`` for GUIDRefs of ``kind``: ``cache.get(id) or make(id)``; ``make``
        builds the ref and stores it in ``cache``. Refs are shared, never mutate them."""
        found = self._refs.get(kind)
        if found is None:
            cache: dict[str, dict[str, str]] = {}
            prefix = self.ref_prefix(kind)

            def make(sourced_id: str) -> dict[str, str]:
                safe = sourced_id if _URL_SAFE(sourced_id) else quote(sourced_id, safe="")
                ref = {"href": prefix + safe, "sourcedId": sourced_id, "type": kind}
                cache[sourced_id] = ref
                return ref

            found = self._refs[kind] = (cache, make)
        return found

    def ref_prefix(self, kind: str) -> str:
        """The href of a ``kind`` record without its (percent-encoded) sourcedId."""
        return f"{self._base}/{_REF_PATHS[kind]}/"

    def ref(self, kind: str, sourced_id: str) -> dict[str, str]:
        cache, make = self.refs(kind)
        found = cache.get(sourced_id)
        return make(sourced_id) if found is None else found


Maker = Callable[[Mapping[str, int], RenderContext], RowFn]
FieldKind = Literal["plain", "text", "required", "bool", "convert", "ref", "build"]


@dataclass(frozen=True)
class OutputField:
    """One wire field. Simple kinds read one column (``columns[0]``) and are compiled
    into the page renderer (see ``_compile``); ``build`` fields call ``make``'s result.

    ``cached``: ``convert``'s result depends only on the (hashable) value, so it is computed
    once per distinct value per page (timestamps, dates, JSON arrays repeat a lot)."""

    name: str
    columns: tuple[str, ...]
    kind: FieldKind = "build"
    convert: Callable[[Any], Any] | None = None
    ref_type: str | None = None
    make: Maker | None = None
    related: tuple[str, ...] = ()
    cached: bool = False


Renderer = Callable[[Iterable[Sequence[Any]], tuple[Any, ...], tuple[Any, ...]], list[Any]]

_MISS: Final = object()


def _compile(fields: Sequence[OutputField], index: Mapping[str, int], *, encode: bool) -> Renderer:
    """Source for ``render(rows, C, B)``: ``C[n]`` is field ``n``'s converter (or its ref
    type's ``(cache, make, href prefix)``), ``B[n]`` its builder. Everything a record needs
    is bound to a local before the loop, so the loop body is index reads, dict probes and
    stores.

    With ``encode`` each record is serialized as soon as it is built and only its bytes
    are kept: the dict is freed at once, so a 1000-record page does not leave thousands of
    live containers for the cyclic GC to walk and promote (measured: ~25% of page time)."""
    setup = ["def render(rows, C, B):", "    out = []", "    append = out.append"]
    body: list[str] = []
    for n, f in enumerate(fields):
        name = repr(f.name)
        if f.kind == "build":
            setup.append(f"    b{n} = B[{n}]")
            body += [f"        v = b{n}(row)", f"        if v is not None: d[{name}] = v"]
            continue
        i = index[f.columns[0]]
        body.append(f"        v = row[{i}]")
        if f.kind == "plain":
            body.append(f"        if v is not None: d[{name}] = v")
        elif f.kind == "text":
            body.append(f"        if v: d[{name}] = v")
        elif f.kind == "required":
            body.append(f"        d[{name}] = '' if v is None else v")
        elif f.kind == "bool":
            body.append(f"        if v is not None: d[{name}] = 'true' if v else 'false'")
        elif f.kind == "ref":
            kind = repr(f.ref_type)
            # a miss on a URL-safe id builds the ref inline (no call): most refs of a page
            # (an enrollment's user and class) are distinct
            setup += [
                f"    g{n}, m{n}, p{n} = C[{n}]",
                f"    s{n} = g{n}.__setitem__",
                f"    g{n} = g{n}.get",
            ]
            body += [
                "        if v:",
                f"            x = g{n}(v)",
                "            if x is None:",
                "                if SAFE(v):",
                f"                    x = {{'href': p{n} + v, 'sourcedId': v, 'type': {kind}}}",
                f"                    s{n}(v, x)",
                f"                else: x = m{n}(v)",
                f"            d[{name}] = x",
            ]
        elif f.cached:
            setup += [f"    c{n} = C[{n}]", f"    k{n} = {{}}", f"    kg{n} = k{n}.get"]
            body += [
                "        if v is not None:",
                f"            x = kg{n}(v, MISS)",
                f"            if x is MISS: x = k{n}[v] = c{n}(v)",
                f"            if x is not None: d[{name}] = x",
            ]
        else:
            setup.append(f"    c{n} = C[{n}]")
            body += [
                "        if v is not None:",
                f"            v = c{n}(v)",
                f"            if v is not None: d[{name}] = v",
            ]
    lines = [
        *setup,
        "    for row in rows:",
        "        d = {}",
        *body,
        "        append(dumps(d))" if encode else "        append(d)",
        "    return out",
    ]
    namespace: dict[str, Any] = {"MISS": _MISS, "SAFE": _URL_SAFE, "dumps": orjson.dumps}
    exec(compile("\n".join(lines), "<oneroster-render>", "exec"), namespace)  # noqa: S102
    renderer: Renderer = namespace["render"]
    return renderer


@dataclass(frozen=True)
class Plan:
    """A projection of a shape: the fields to emit, the columns to select (``sourced_id``
    always first) and the related loaders to run."""

    fields: tuple[OutputField, ...]
    columns: tuple[str, ...]
    related: tuple[str, ...]
    _renderers: dict[bool, Renderer] = field(default_factory=dict, compare=False, repr=False)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def _run(self, rows: Iterable[Sequence[Any]], ctx: RenderContext, encode: bool) -> list[Any]:
        idx = {key: i for i, key in enumerate(self.columns)}
        renderer = self._renderers.get(encode)
        if renderer is None:
            renderer = self._renderers[encode] = _compile(self.fields, idx, encode=encode)
        converters = tuple(
            (*ctx.refs(f.ref_type), ctx.ref_prefix(f.ref_type))
            if f.kind == "ref" and f.ref_type
            else f.convert
            for f in self.fields
        )
        builders = tuple(f.make(idx, ctx) if f.make is not None else None for f in self.fields)
        # A page allocates tens of thousands of short-lived, acyclic objects (dicts, strings)
        # that would trigger dozens of young-generation collections; none can form a cycle,
        # so collection is paused for the few milliseconds of rendering.
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            return renderer(rows, converters, builders)
        finally:
            if paused:
                gc.enable()

    def render(self, rows: Iterable[Sequence[Any]], ctx: RenderContext) -> list[dict[str, Any]]:
        """The records as wire dicts."""
        return self._run(rows, ctx, encode=False)

    def render_json(self, rows: Iterable[Sequence[Any]], ctx: RenderContext) -> bytes:
        """The records as one JSON array (the same JSON ``orjson.dumps(render(...))`` gives)."""
        return b"[" + b",".join(self._run(rows, ctx, encode=True)) + b"]"
