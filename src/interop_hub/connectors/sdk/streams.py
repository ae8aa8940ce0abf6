"""Stream declarations: what a connector reads, and the loop that reads it.

A connector declares its streams; ``read_stream`` owns the loop: the first request, the
paginator, records at ``records_path``, nested streams (one child read per parent
record, the parent available to the mapping as ``_parent``), incremental parameters
from the bookmark, the bookmark's next value (the largest replication key seen), and a
guard against a source that serves the same page again (a common paging bug that would
otherwise loop forever or duplicate records).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote

import orjson

from interop_hub.connectors.sdk.http import SourceClient
from interop_hub.connectors.sdk.paginators import Paginator, SinglePage, dig
from interop_hub.core.errors import SourceDataError

__all__ = ["Stream", "StreamState", "fill_path", "is_newer", "read_stream"]

_PLACEHOLDER: Final = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Stream:
    """One collection of a source.

    ``path`` is relative to the connector's base URL; for a nested stream it is a
    template filled from the parent record (``/courses/{id}/sections``). ``records_path``
    is the dotted path of the record list in the body (``None``: the body is the list).
    ``incremental`` turns a bookmark into request parameters (``None``: the stream is
    always read in full). ``unwrap`` is applied to each record (Clever's ``data``).

    Placeholders in ``path`` are dotted paths into the parent record (``{id}``,
    ``{course.id}``); their values are percent-encoded as one path segment, so an id
    such as ``sis_course_id:ALG 1/A`` cannot change the URL's shape."""

    name: str
    path: str
    primary_key: tuple[str, ...] = ("id",)
    records_path: str | None = None
    replication_key: str | None = None
    paginator: Paginator = field(default_factory=SinglePage)
    params: Mapping[str, str] = field(default_factory=dict)
    incremental: Callable[[str], Mapping[str, str]] | None = None
    parent: str | None = None
    unwrap: str | None = None


@dataclass
class StreamState:
    """What one read of a stream saw: records, pages, and the new bookmark."""

    records: int = 0
    pages: int = 0
    bookmark: str | None = None


def _key(record: Mapping[str, Any], stream: Stream) -> str:
    return "|".join(str(dig(record, k)) for k in stream.primary_key)


def fill_path(stream: Stream, parent: Mapping[str, Any] | None) -> str:
    """``stream.path`` with its ``{placeholders}`` filled from ``parent``."""
    if parent is None:
        return stream.path

    def value(match: re.Match[str]) -> str:
        found = dig(parent, match.group(1))
        if found is None or found == "" or isinstance(found, dict | list):
            raise SourceDataError(
                f"{stream.name}: the parent record has no value at {match.group(1)!r} "
                f"for the path {stream.path!r}"
            )
        text = ("true" if found else "false") if isinstance(found, bool) else str(found)
        return quote(text, safe=":@")

    return _PLACEHOLDER.sub(value, stream.path)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit():
        return float(value)
    return None


def _as_instant(value: str) -> datetime | None:
    if len(value) < 10 or value[4:5] != "-":
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def is_newer(value: Any, bookmark: str | None) -> bool:
    """Whether a replication-key ``value`` is past ``bookmark``.

    Numbers compare as numbers (Ed-Fi change versions: ``10`` is past ``9``, which a text
    comparison gets wrong) and ISO 8601 instants as instants (``...:00Z`` and
    ``...:00.5Z`` or another UTC offset); anything else compares as text."""
    if bookmark is None:
        return True
    number, mark = _as_number(value), _as_number(bookmark)
    if number is not None and mark is not None:
        return number > mark
    text = str(value)
    instant, mark_instant = _as_instant(text), _as_instant(bookmark)
    if instant is not None and mark_instant is not None:
        return instant > mark_instant
    return text > bookmark


def _request_key(url: str, params: Mapping[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    return url, tuple(sorted(params.items()))


def read_stream(
    client: SourceClient,
    stream: Stream,
    *,
    bookmark: str | None = None,
    parent: Mapping[str, Any] | None = None,
    state: StreamState | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield the records of ``stream`` (of one ``parent`` record for a nested stream).

    ``state.bookmark`` ends as the largest replication-key value seen (or the incoming
    bookmark when nothing newer came); the caller stores it only once the data is durable.

    Raises ``SourceDataError`` when the body has no list where the records should be,
    a record is not an object, a page's records repeat an earlier page's, or the
    paginator asks for the very request it just made (a cursor that does not move).
    """
    state = state if state is not None else StreamState()
    if state.bookmark is None:
        state.bookmark = bookmark
    path = fill_path(stream, parent)
    params: dict[str, str] = {**stream.params, **stream.paginator.first()}
    if bookmark and stream.incremental is not None:
        params |= stream.incremental(bookmark)
    url: str = path
    seen_pages: set[bytes] = set()
    while True:
        response, body = client.get_json(url, params)
        where = f"{stream.name}: GET {response.request.url}"
        if stream.records_path and not isinstance(body, Mapping):
            raise SourceDataError(
                f"{where}: expected a JSON object holding the records at "
                f"{stream.records_path!r}, got {type(body).__name__}"
            )
        records = dig(body, stream.records_path)
        if records is None:
            # Absent list = no records (Google APIs omit empty repeated fields).
            records = []
        if not isinstance(records, list):
            raise SourceDataError(
                f"{where}: expected a list at "
                f"{stream.records_path or 'the top level'}, got {type(records).__name__}"
            )
        if records:
            # The records (not the raw body, which may carry a moving cursor or a
            # timestamp) identify a page; any earlier page served again is broken paging.
            digest = hashlib.blake2b(orjson.dumps(records), digest_size=16).digest()
            if digest in seen_pages:
                raise SourceDataError(
                    f"{where} served the same page of records again; the source's paging is "
                    "broken, so the run stops rather than loop or duplicate records"
                )
            seen_pages.add(digest)
        state.pages += 1
        for raw in records:
            record = dig(raw, stream.unwrap) if stream.unwrap else raw
            if not isinstance(record, dict):
                raise SourceDataError(
                    f"{where}: a record is not an object"
                    + (f" (nothing at {stream.unwrap!r})" if stream.unwrap else "")
                )
            if parent is not None:
                record = {**record, "_parent": parent}
            if stream.replication_key:
                value = dig(record, stream.replication_key)
                if value is not None and value != "" and is_newer(value, state.bookmark):
                    state.bookmark = str(value)
            state.records += 1
            yield record
        step = stream.paginator.next(response, body, records, params)
        if step is None:
            return
        current = _request_key(url, params)
        if step.url is not None:
            url, params = step.url, {}
        if step.params:
            params = {**params, **step.params}
        if _request_key(url, params) == current:
            raise SourceDataError(
                f"{where}: the paginator asked for the same request again (a cursor or next "
                "link that does not move); the run stops rather than loop"
            )


def stream_key(record: Mapping[str, Any], stream: Stream) -> str:
    """The record's primary key as one string (for reports and duplicate checks)."""
    return _key(record, stream)
