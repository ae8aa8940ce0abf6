"""Reading a PowerSchool collection: its envelope, its ``/count``, its pages.

**Envelope.** A collection is wrapped twice, as the XML it is generated from:
``{"students": {"@expansions": "...", "student": [...]}}``. When the page holds a single
record, ``student`` is that *object*, not a one-element list; an empty collection may
have no ``student`` key, or an empty string where the wrapper object should be.
``items`` evens all of that out, and rejects anything else (a body that is not the
collection) rather than reading it as "no records", since an empty full read would mark
every record of the source as deleted.

**Paging.** ``page`` (from 1) and ``pagesize``. PowerSchool documents counting first:
``GET <collection>/count`` answers ``{"resource": {"count": N}}``. The plugin's maximum
page size caps ``pagesize`` without saying so, so a page shorter than asked for is not
by itself the end. ``read_collection``:

1. reads the count; a count of 0 ends the collection without a page request;
2. takes the size of the first page as the page size when it is short although the
   count says there is more (PowerSchool clamped ``pagesize``);
3. ends at a page shorter than that size, or at an empty page;
4. reads on past the count while pages stay full (the list outgrew the count while it
   was read), and fails when the pages end *before* the count: records vanished while
   the list was read (paging by position then skips others) or the count is wrong.
   Either way the list is not known to be complete, and the run stops rather than apply
   it (a full run would delete what it missed);
5. stops the run when a page repeats an earlier page's records (a server that ignores
   ``page`` would otherwise loop or duplicate records).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from interop_hub.connectors.sdk import SourceClient, StreamState
from interop_hub.core.errors import SourceDataError

__all__ = ["Collection", "count_of", "items", "read_collection", "single"]


@dataclass(frozen=True)
class Collection:
    """One PowerSchool collection: ``path`` (relative to the server), its envelope names
    (``students``/``student``), extra query parameters, and words for error messages."""

    stream: str
    path: str
    plural: str
    singular: str
    what: str
    params: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()


def _wrapper_keys(body: Mapping[str, Any]) -> str:
    return ", ".join(sorted(map(str, body))[:8]) or "none"


def items(
    body: Any, plural: str, singular: str, where: str, aliases: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """The records of a collection body, always as a list of objects. ``aliases`` are other
    names the outer wrapper may have."""
    if not isinstance(body, Mapping):
        raise SourceDataError(
            f"{where}: expected a JSON object holding {plural!r}, got {type(body).__name__}"
        )
    name = next((n for n in (plural, *aliases) if n in body), None)
    if name is None:
        raise SourceDataError(
            f"{where}: the response has no {plural!r} collection (its keys: {_wrapper_keys(body)})"
        )
    wrapper = body[name]
    found: Any
    if wrapper is None or wrapper == "":
        found = None
    elif isinstance(wrapper, list):  # a server that leaves out the inner wrapper
        found = wrapper
    elif isinstance(wrapper, Mapping):
        found = wrapper.get(singular)
    else:
        raise SourceDataError(
            f"{where}: {plural!r} is a {type(wrapper).__name__}, not a collection object"
        )
    if found is None or found == "":
        return []
    records = found if isinstance(found, list) else [found]
    for record in records:
        if not isinstance(record, dict):
            raise SourceDataError(
                f"{where}: a {singular!r} record is a {type(record).__name__}, not an object"
            )
    return records


def single(body: Any, singular: str, where: str) -> dict[str, Any]:
    """One resource (``GET /ws/v1/course/{id}``): ``{"course": {...}}`` or the bare object."""
    if isinstance(body, Mapping) and isinstance(body.get(singular), dict):
        return dict(body[singular])
    if isinstance(body, dict) and body.get("id") is not None:
        return body
    raise SourceDataError(f"{where}: expected a {singular!r} object")


def count_of(client: SourceClient, collection: Collection) -> int:
    """``GET <path>/count``: ``{"resource": {"count": N}}`` (or a bare ``{"count": N}``).
    Expansions do not change a count, so none are asked for."""
    response, body = client.get_json(f"{collection.path}/count")
    where = f"GET {response.request.url}"
    value: Any = None
    if isinstance(body, Mapping):
        resource = body.get("resource")
        value = resource.get("count") if isinstance(resource, Mapping) else body.get("count")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SourceDataError(f'{where}: expected a count ({{"resource": {{"count": N}}}})')
    return value


def read_collection(
    client: SourceClient,
    collection: Collection,
    page_size: int,
    state: StreamState | None = None,
) -> Iterator[dict[str, Any]]:
    """Every record of ``collection``, page by page (see the module notes)."""
    total = count_of(client, collection)
    if total == 0:
        return
    size = page_size
    seen = 0
    page = 1
    digests: set[bytes] = set()
    while True:
        params = {**collection.params, "page": str(page), "pagesize": str(page_size)}
        response, body = client.get_json(collection.path, params)
        where = f"GET {response.request.url}"
        records = items(body, collection.plural, collection.singular, where, collection.aliases)
        if state is not None:
            state.pages += 1
        if records:
            digest = hashlib.blake2b(orjson.dumps(records), digest_size=16).digest()
            if digest in digests:
                raise SourceDataError(
                    f"{where} served the same page of records again; PowerSchool's paging is "
                    "broken, so the run stops rather than loop or duplicate records"
                )
            digests.add(digest)
        if page == 1 and 0 < len(records) < page_size and len(records) < total:
            size = len(records)  # the plugin's maximum page size is below page_size
        for record in records:
            seen += 1
            if state is not None:
                state.records += 1
            yield record
        if not records or len(records) < size:
            break
        page += 1
    if seen < total:
        raise SourceDataError(
            f"{where}: PowerSchool counted {total} {collection.plural} but its pages held "
            f"{seen}; records changed while the list was read (or the count is wrong), so "
            "the list is not known to be complete and the run stops rather than apply it"
        )
