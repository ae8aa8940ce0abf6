"""Rendering machinery: per-request context, output fields and compiled page renderers.

A ``Plan`` (the fields of one entity to emit, after ``fields=`` projection) compiles once
into a Python function that turns a page of row tuples into wire dicts with direct index
access, so the per-record cost is a handful of dict stores rather than one call per field.
Generated code only ever contains our own field names (``repr``-quoted) and integer
indexes; converters and builders are passed in as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import quote

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
    """Per-request rendering state: the base URL for hrefs, a GUIDRef cache and the related
    sub-rows (by loader name, then parent sourcedId) loaded for the current page."""

    __slots__ = ("_base", "_refs", "related")

    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")
        self._refs: dict[tuple[str, str], dict[str, str]] = {}
        self.related: dict[str, Mapping[str, list[Any]]] = {}

    def ref(self, kind: str, sourced_id: str) -> dict[str, str]:
        key = (kind, sourced_id)
        found = self._refs.get(key)
        if found is None:
            safe = sourced_id if _URL_SAFE(sourced_id) else quote(sourced_id, safe="")
            href = f"{self._base}/{_REF_PATHS[kind]}/{safe}"
            found = {"href": href, "sourcedId": sourced_id, "type": kind}
            self._refs[key] = found
        return found


Maker = Callable[[Mapping[str, int], RenderContext], RowFn]
FieldKind = Literal["plain", "text", "required", "convert", "ref", "build"]


@dataclass(frozen=True)
class OutputField:
    """One wire field. Simple kinds read one column (``columns[0]``) and are compiled
    into the page renderer (see ``render.py``); ``build`` fields call ``make``'s result."""

    name: str
    columns: tuple[str, ...]
    kind: FieldKind = "build"
    convert: Callable[[Any], Any] | None = None
    ref_type: str | None = None
    make: Maker | None = None
    related: tuple[str, ...] = ()


Renderer = Callable[
    [Iterable[Sequence[Any]], tuple[Any, ...], tuple[Any, ...]], list[dict[str, Any]]
]


def _compile(fields: Sequence[OutputField], index: Mapping[str, int]) -> Renderer:
    """Source for ``render(rows, C, B)``: ``C`` converters/ref types, ``B`` builders."""
    lines = ["def render(rows, C, B):", "    out = []", "    append = out.append"]
    lines.append("    ref = C[0]")
    body: list[str] = []
    for n, f in enumerate(fields):
        name = repr(f.name)
        if f.kind == "build":
            body += [f"        v = B[{n}](row)", f"        if v is not None: d[{name}] = v"]
            continue
        i = index[f.columns[0]]
        if f.kind == "plain":
            body += [f"        v = row[{i}]", f"        if v is not None: d[{name}] = v"]
        elif f.kind == "text":
            body += [f"        v = row[{i}]", f"        if v: d[{name}] = v"]
        elif f.kind == "required":
            body += [f"        v = row[{i}]", f"        d[{name}] = '' if v is None else v"]
        elif f.kind == "ref":
            body += [f"        v = row[{i}]", f"        if v: d[{name}] = ref({f.ref_type!r}, v)"]
        else:
            body += [
                f"        v = row[{i}]",
                "        if v is not None:",
                f"            v = C[{n + 1}](v)",
                f"            if v is not None: d[{name}] = v",
            ]
    lines += [
        "    for row in rows:",
        "        d = {}",
        *body,
        "        append(d)",
        "    return out",
    ]
    namespace: dict[str, Any] = {}
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
    _renderer: list[Renderer] = field(default_factory=list, compare=False, repr=False)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def render(self, rows: Iterable[Sequence[Any]], ctx: RenderContext) -> list[dict[str, Any]]:
        idx = {key: i for i, key in enumerate(self.columns)}
        if not self._renderer:
            self._renderer.append(_compile(self.fields, idx))
        converters = (ctx.ref, *(f.convert for f in self.fields))
        builders = tuple(f.make(idx, ctx) if f.make is not None else None for f in self.fields)
        return self._renderer[0](rows, converters, builders)
