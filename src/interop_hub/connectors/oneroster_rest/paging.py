"""Paging through a OneRoster collection: ``limit``/``offset``, ``X-Total-Count``, ``Link``.

The spec pages with ``limit``/``offset`` and has providers send ``X-Total-Count`` (the
total after filtering) and an RFC 8288 ``Link`` header. What providers actually do
varies, so the next page is decided from what the response says, in this order:

1. An empty page ends the collection.
2. ``X-Total-Count`` present: the next offset is this page's offset plus the records it
   *returned* (not the limit asked for), until the total is reached. Providers cap the
   limit (Ed-Fi clamps to 500, others to 100) and return fewer records than asked, so a
   "short page" is no sign of the end: stopping there would silently truncate.
3. No total but a ``Link`` header: follow ``rel="next"``; none means the last page.
4. Neither (some 1.1 providers): keep reading at the next offset until a page comes back
   empty. That costs one more request per collection and never truncates.

A provider that ignores ``offset`` and serves the same page again is stopped by the
engine's repeated-page guard (``read_stream``). The envelope is checked too: a body
without the collection's key (``{"users": [...]}``), or a status payload with a 200, is
an error rather than an empty collection, since an empty full read would mark every
record of the source as deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from interop_hub.connectors.sdk import NextPage
from interop_hub.core.errors import SourceDataError

__all__ = ["OneRosterPaginator", "check_envelope"]


def check_envelope(response: httpx.Response, body: Any, collection: str) -> None:
    """Raise ``SourceDataError`` unless ``body`` is ``{"<collection>": [...], ...}``."""
    if isinstance(body, dict) and isinstance(body.get(collection), list):
        return
    where = f"GET {response.request.url}"
    if isinstance(body, dict) and "imsx_codeMajor" in body:
        description = body.get("imsx_description") or body.get("imsx_codeMajor")
        raise SourceDataError(
            f"{where}: the provider answered HTTP {response.status_code} with a OneRoster "
            f"status payload instead of the {collection!r} collection: {description}"
        )
    if isinstance(body, dict):
        keys = ", ".join(sorted(map(str, body))[:8]) or "none"
        raise SourceDataError(
            f"{where}: the response has no {collection!r} list (its keys: {keys}); "
            "is base_url the provider's OneRoster root and version right?"
        )
    raise SourceDataError(
        f"{where}: expected a JSON object with a {collection!r} list, got {type(body).__name__}"
    )


def _int(value: str | None) -> int:
    text = (value or "").strip()
    return int(text) if text.isdigit() else 0


@dataclass(frozen=True)
class OneRosterPaginator:
    """The paging rules above for one collection (``collection``: its envelope key)."""

    collection: str
    page_size: int = 1000

    def first(self) -> Mapping[str, str]:
        return {"limit": str(self.page_size), "offset": "0"}

    def next(
        self,
        response: httpx.Response,
        body: Any,
        records: Sequence[Any],
        params: Mapping[str, str],
    ) -> NextPage | None:
        check_envelope(response, body, self.collection)
        if not records:
            return None
        # The offset actually sent (after a Link was followed it is in the URL's query).
        offset = _int(response.request.url.params.get("offset")) + len(records)
        total = response.headers.get("X-Total-Count", "").strip()
        if total.isdigit():
            return None if offset >= int(total) else NextPage(params={"offset": str(offset)})
        if "link" in response.headers:
            link = response.links.get("next")
            url = link.get("url") if link else None
            return _follow(response.url.join(url)) if url else None
        return NextPage(params={"offset": str(offset)})


def _follow(url: httpx.URL) -> NextPage:
    """The next link as a URL without its query plus the query as parameters.

    httpx (0.28) drops a URL's own query string when a request also gets ``params``, and
    the engine always passes them, so a link returned whole would be requested without
    its ``offset`` and serve the first page again."""
    return NextPage(url=str(url.copy_with(query=None)), params=dict(url.params.multi_items()))
