"""Clever's range-based paging: ``{"data": [{"data": {...}, "uri": ...}], "links": [...]}``.

Every list endpoint answers with an envelope: ``data`` holds the records, each wrapped
as ``{"data": <record>, "uri": "/v3.0/<collection>/<id>"}``, and ``links`` holds
``{"rel": "next", "uri": "/v3.0/users?limit=1000&role=student&starting_after=<id>"}``
while more records follow (records come in ascending id order). The next link is
relative to the host and is followed as given; the stream's own parameters (``role``,
``limit``) are added only when Clever's link leaves them out, so a link that drops them
cannot widen the query.

The envelope is checked on every page: a body without a ``data`` list would otherwise
read as an empty collection, and an empty full read would retire every record of the
district. An empty page ends the stream even if it carries a ``next`` link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from interop_hub.connectors.sdk import BodyLinkPaginator, NextPage
from interop_hub.core.errors import SourceDataError

__all__ = ["CleverPaginator", "check_envelope"]


def check_envelope(response: httpx.Response, body: Any) -> None:
    """Raise ``SourceDataError`` unless ``body`` is ``{"data": [...], ...}``."""
    if isinstance(body, Mapping) and isinstance(body.get("data"), list):
        return
    where = f"GET {response.request.url}"
    if isinstance(body, Mapping):
        keys = ", ".join(sorted(map(str, body))[:8]) or "none"
        raise SourceDataError(
            f"{where}: the response has no 'data' list (its keys: {keys}); is base_url "
            "Clever's Data API root with its version (https://api.clever.com/v3.0)?"
        )
    raise SourceDataError(
        f"{where}: expected a JSON object with a 'data' list, got {type(body).__name__}"
    )


@dataclass(frozen=True)
class CleverPaginator(BodyLinkPaginator):
    """``BodyLinkPaginator`` with the envelope check, the empty-page stop and the
    stream's parameters kept across Clever's ``next`` links."""

    def next(
        self, response: httpx.Response, body: Any, records: Sequence[Any], params: Mapping[str, str]
    ) -> NextPage | None:
        check_envelope(response, body)
        if not records:
            return None
        step = super().next(response, body, records, params)
        if step is None or step.url is None:
            return step
        sent = response.request.url.params
        linked = httpx.URL(step.url).params
        missing = {k: v for k, v in sent.multi_items() if k not in linked and k in params}
        return NextPage(url=step.url, params=missing or None)
