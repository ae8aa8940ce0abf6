"""A fake OneRoster provider for respx: collections paged the way real providers page.

``FakeProvider(records, ...)`` answers ``GET <root>/<collection>`` with the collection's
envelope, honouring ``limit``/``offset`` (capped at ``cap``, as Ed-Fi and others clamp),
the ``filter=dateLastModified>'...'`` delta predicate, and sending ``X-Total-Count`` and/or
``Link`` (``headers``: ``"both"``, ``"total"``, ``"link"`` or ``"none"``). Every request is
kept in ``requests`` so tests can assert what the connector asked for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx
import orjson

__all__ = ["FakeProvider", "status_payload"]

_FILTER = re.compile(r"^dateLastModified>'([^']*)'$")


def status_payload(code_minor: str, description: str) -> dict[str, Any]:
    """The OneRoster 1.2 ``imsx_StatusInfo`` error body."""
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_CodeMinor": {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "TargetEndSystem",
                    "imsx_codeMinorFieldValue": code_minor,
                }
            ]
        },
    }


class FakeProvider:
    def __init__(
        self,
        records: Mapping[str, list[dict[str, Any]]],
        *,
        cap: int = 10_000,
        headers: str = "both",
    ) -> None:
        self.records = {k: list(v) for k, v in records.items()}
        self.cap = cap
        self.headers = headers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        collection = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        if collection not in self.records:
            return httpx.Response(404, json=status_payload("unknownobject", "Unknown path"))
        params = request.url.params
        limit = min(int(params.get("limit", "100")), self.cap)
        offset = int(params.get("offset", "0"))
        rows = sorted(self.records[collection], key=lambda r: str(r["sourcedId"]))
        raw_filter = params.get("filter")
        if raw_filter:
            match = _FILTER.match(raw_filter)
            if match is None:
                return httpx.Response(
                    400, json=status_payload("invalid_filter_field", f"Bad filter {raw_filter}")
                )
            rows = [r for r in rows if str(r["dateLastModified"]) > match.group(1)]
        page = rows[offset : offset + limit]
        headers: dict[str, str] = {}
        if self.headers in ("both", "total"):
            headers["X-Total-Count"] = str(len(rows))
        if self.headers in ("both", "link"):
            base = request.url.copy_remove_param("offset").copy_set_param("limit", str(limit))
            links = [f'<{base.copy_set_param("offset", "0")}>; rel="first"']
            if offset + limit < len(rows):
                nxt = base.copy_set_param("offset", str(offset + limit))
                links.append(f'<{nxt}>; rel="next"')
            headers["Link"] = ", ".join(links)
        return httpx.Response(
            200,
            content=orjson.dumps({collection: page}),
            headers={"Content-Type": "application/json", **headers},
        )

    def collection_requests(self, collection: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/" + collection)]
