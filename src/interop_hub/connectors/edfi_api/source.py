"""Reading an Ed-Fi API: resources, ``/deletes``, ``/keyChanges`` and the load order.

Every collection is read through the SDK's ``read_stream`` (retries, rate limit, the
repeated-page guard) with a ``Stream`` declared here: offset paging (``offset``/``limit``,
``limit`` at most 500) with ``totalCount=true``, so the ``Total-Count`` header ends the
read without a last empty page. Collection bodies are plain JSON arrays.

Errors keep the SDK's classes; a refused read names the resource and the Ed-Fi reason: a
403 on a collection means the client's claim set lacks Read (or ReadChanges for change
queries) on it, or its education organizations do not reach the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from interop_hub.connectors.edfi_api.changes import (
    ChangeVersions,
    Window,
    parse_change_versions,
)
from interop_hub.connectors.edfi_api.discovery import Discovery
from interop_hub.connectors.sdk import OffsetPaginator, SourceClient, Stream, StreamState
from interop_hub.connectors.sdk import read_stream as sdk_read_stream
from interop_hub.core.errors import SourceAuthError, SourceDataError

__all__ = ["EdFiSource"]

Progress = Callable[[str, int], None]


class EdFiSource:
    """The resources of one discovered API, read with one authenticated client
    (``metadata``: the unauthenticated one, for public metadata)."""

    def __init__(
        self,
        client: SourceClient,
        discovery: Discovery,
        *,
        page_size: int,
        metadata: SourceClient | None = None,
        progress: Progress | None = None,
        states: dict[str, StreamState] | None = None,
    ) -> None:
        self.client = client
        self.metadata = metadata or client
        self.discovery = discovery
        self.paginator = OffsetPaginator(page_size=page_size, total_header="Total-Count")
        self.progress = progress
        self.states: dict[str, StreamState] = states if states is not None else {}

    def stream(
        self, resource: str, *, suffix: str = "", params: Mapping[str, str] | None = None
    ) -> Stream:
        """The declaration of one read of ``resource`` (or its ``/deletes``/``/keyChanges``)."""
        return Stream(
            name=f"{resource}{suffix}",
            path=self.discovery.resource(resource, suffix),
            primary_key=("id",),
            paginator=self.paginator,
            params={"totalCount": "true", **(params or {})},
        )

    def _read(self, stream: Stream, *, tracked: bool) -> Iterator[dict[str, Any]]:
        state = self.states.setdefault(stream.name, StreamState()) if tracked else StreamState()
        try:
            for record in sdk_read_stream(self.client, stream, state=state):
                yield record
                if tracked and self.progress is not None and state.records % 1000 == 0:
                    self.progress(stream.name, state.records)
        except SourceAuthError as exc:
            raise SourceAuthError(
                f"{exc.message} (Ed-Fi: the API client's claim set must grant Read on "
                f"/ed-fi/{stream.name.split('/')[0]}, plus ReadChanges for change queries, "
                "and its education organizations must reach the data)"
            ) from exc
        if tracked and self.progress is not None:
            self.progress(stream.name, state.records)

    def read(
        self,
        resource: str,
        *,
        window: Window | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every item of ``resource`` (changed in ``window``, matching ``params``)."""
        query = {**(params or {}), **(window.params() if window else {})}
        return self._read(self.stream(resource, params=query), tracked=params is None)

    def find(self, resource: str, **keys: object) -> list[dict[str, Any]]:
        """The items of ``resource`` whose flat key fields equal ``keys`` (a lookup)."""
        params = {k: str(v) for k, v in keys.items()}
        return list(self._read(self.stream(resource, params=params), tracked=False))

    def deletes(self, resource: str, window: Window) -> Iterator[dict[str, Any]]:
        """``[{id, changeVersion, keyValues}]``: items deleted in ``window``."""
        return self._read(
            self.stream(resource, suffix="/deletes", params=window.params()), tracked=True
        )

    def key_changes(self, resource: str, window: Window) -> Iterator[dict[str, Any]]:
        """``[{id, changeVersion, oldKeyValues, newKeyValues}]``: items re-keyed in ``window``."""
        return self._read(
            self.stream(resource, suffix="/keyChanges", params=window.params()), tracked=True
        )

    def change_versions(self) -> ChangeVersions:
        url = self.discovery.available_change_versions
        _, body = self.client.get_json(url)
        return parse_change_versions(body, url)

    def dependencies(self) -> dict[str, int]:
        """``{resource name: load order}`` of the ``ed-fi`` resources (``/dependencies``,
        public metadata: read without a token)."""
        url = self.discovery.dependencies
        _, body = self.metadata.get_json(url)
        if not isinstance(body, list):
            raise SourceDataError(f"GET {url}: expected a list of {{resource, order}} items")
        orders: dict[str, int] = {}
        for item in body:
            if not isinstance(item, dict):
                raise SourceDataError(f"GET {url}: an item is not an object: {item!r:.100}")
            path, order = item.get("resource"), item.get("order")
            if not isinstance(path, str) or not isinstance(order, int):
                raise SourceDataError(f"GET {url}: an item lacks resource/order: {item!r:.100}")
            schema, _, name = path.strip("/").partition("/")
            if schema == "ed-fi" and name:
                orders[name] = order
        return orders
