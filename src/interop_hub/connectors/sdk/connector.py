"""The connector contract: a config schema, declared streams, and (rarely) a custom read.

A connector class names its ``kind`` (the registry key and the folder of its mapping in
``mappings/<kind>/``), its pydantic ``Config`` (the admin API renders forms from its JSON
schema; ``SecretStr`` fields are encrypted at rest), and its streams. The engine reads
the streams in declaration order (a nested stream after its parent) and hands every raw
record to the mapping. A file-based connector overrides ``extract``; a connector whose
source already is a OneRoster CSV package overrides ``package`` instead, so the importer
reports problems against the source's own files and lines.

Connectors import neither FastAPI nor SQLAlchemy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

from interop_hub.connectors.sdk.http import RateLimiter, RetryPolicy, SourceClient
from interop_hub.connectors.sdk.streams import Stream, StreamState, read_stream
from interop_hub.core.errors import HubError, SourceAuthError

__all__ = [
    "Check",
    "Connector",
    "ConnectorConfig",
    "ExtractContext",
    "HttpConnector",
    "HttpConnectorConfig",
    "Mode",
]

Mode = Literal["full", "incremental"]


class ConnectorConfig(BaseModel):
    """Base of every connector's config. ``SecretStr`` fields are the secrets."""

    model_config = ConfigDict(extra="forbid")


class HttpConnectorConfig(ConnectorConfig):
    base_url: str = Field(description="The API's base URL, e.g. https://sis.example.org/api")
    requests_per_second: float | None = Field(
        default=None, ge=0, description="Most requests per second to send (empty: no limit)."
    )
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    max_attempts: int = Field(default=5, ge=1, le=20)
    page_size: int = Field(default=1000, ge=1, le=10000)


@dataclass
class ExtractContext:
    """One extraction: the mode, the bookmarks it starts from, progress callbacks.

    ``states`` ends with each stream's ``StreamState`` (records, pages, new bookmark);
    the runner stores the new bookmarks only when the run is applied."""

    mode: Mode = "full"
    bookmarks: Mapping[str, str] = field(default_factory=dict)
    progress: Callable[[str, int], None] | None = None
    states: dict[str, StreamState] = field(default_factory=dict)

    def bookmark(self, stream: str) -> str | None:
        return self.bookmarks.get(stream) if self.mode == "incremental" else None

    def new_bookmarks(self) -> dict[str, str]:
        return {n: s.bookmark for n, s in self.states.items() if s.bookmark is not None}


@dataclass(frozen=True)
class Check:
    """One line of a connectivity test: what was tried, whether it worked, and detail."""

    target: str
    ok: bool
    detail: str


class Connector:
    kind: ClassVar[str]
    title: ClassVar[str]
    config_model: ClassVar[type[ConnectorConfig]] = ConnectorConfig
    supports_incremental: ClassVar[bool] = False

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    def mapping_folder(self) -> Path | None:
        """Where this connector's mapping files are; ``None``: ``mappings/<kind>/``."""
        return None

    def package(self, ctx: ExtractContext) -> Path | None:
        """A OneRoster CSV package to stage as is, or ``None`` to extract records."""
        return None

    def extract(self, ctx: ExtractContext) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield ``(stream name, raw record)``."""
        raise NotImplementedError

    def check(self) -> list[Check]:
        raise NotImplementedError

    def close(self) -> None:
        return None


def _check_tree(connector: str, streams: Sequence[Stream]) -> None:
    """Every nested stream's parent is a declared stream, names are unique, no cycles
    (a ``HubError``: a bug in the connector, reported as the run's failure).

    Without this a typo in ``parent=`` would silently read nothing for that stream (and a
    full run would then treat all its records as deleted)."""
    by_name: dict[str, Stream] = {}
    for stream in streams:
        if stream.name in by_name:
            raise HubError(f"{connector}: two streams are named {stream.name!r}")
        by_name[stream.name] = stream
    for stream in streams:
        seen = {stream.name}
        current = stream
        while current.parent is not None:
            parent = by_name.get(current.parent)
            if parent is None:
                raise HubError(
                    f"{connector}: stream {current.name!r} names parent {current.parent!r}, "
                    f"which is not one of its streams ({', '.join(by_name)})"
                )
            if parent.name in seen:
                raise HubError(f"{connector}: streams {sorted(seen)} are each other's parents")
            seen.add(parent.name)
            current = parent


class HttpConnector(Connector):
    """A connector over a JSON HTTP API: declare ``streams()`` and ``auth()``."""

    config: HttpConnectorConfig

    def __init__(
        self,
        config: ConnectorConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(config)
        assert isinstance(config, HttpConnectorConfig)
        self.config = config
        self._transport = transport
        self._sleep = sleep
        self._client: SourceClient | None = None

    def streams(self) -> Sequence[Stream]:
        raise NotImplementedError

    def auth(self) -> httpx.Auth | None:
        return None

    def headers(self) -> Mapping[str, str]:
        return {}

    @property
    def client(self) -> SourceClient:
        if self._client is None:
            self._client = SourceClient(
                self.config.base_url.rstrip("/") + "/",
                auth=self.auth(),
                headers=self.headers(),
                policy=RetryPolicy(
                    attempts=self.config.max_attempts, timeout=self.config.timeout_seconds
                ),
                rate=RateLimiter(self.config.requests_per_second),
                sleep=self._sleep,
                transport=self._transport,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def extract(self, ctx: ExtractContext) -> Iterator[tuple[str, dict[str, Any]]]:
        streams = list(self.streams())
        _check_tree(type(self).__name__, streams)
        children: dict[str, list[Stream]] = {}
        for s in streams:
            if s.parent:
                children.setdefault(s.parent, []).append(s)
        for stream in streams:
            if stream.parent is None:
                yield from self._read(stream, children, ctx, None)

    def _read(
        self,
        stream: Stream,
        children: Mapping[str, list[Stream]],
        ctx: ExtractContext,
        parent: Mapping[str, Any] | None,
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        state = ctx.states.setdefault(stream.name, StreamState())
        kids = children.get(stream.name, [])
        # Parents are collected first when they have children: a nested read must not
        # interleave with the parent's paging.
        parents: list[dict[str, Any]] = []
        for record in read_stream(
            self.client, stream, bookmark=ctx.bookmark(stream.name), parent=parent, state=state
        ):
            yield stream.name, record
            if ctx.progress is not None and state.records % 1000 == 0:
                ctx.progress(stream.name, state.records)
            if kids:
                parents.append({k: v for k, v in record.items() if k != "_parent"})
        if ctx.progress is not None:
            ctx.progress(stream.name, state.records)
        for kid in kids:
            for p in parents:
                yield from self._read(kid, children, ctx, p)

    def check(self) -> list[Check]:
        """Read the first page of every top-level stream; report what was reachable."""
        results: list[Check] = []
        for stream in self.streams():
            if stream.parent:
                continue
            params = {**stream.params, **stream.paginator.first()}
            try:
                response, _ = self.client.get_json(stream.path, params)
            except HubError as exc:
                results.append(Check(stream.name, False, exc.message))
                if isinstance(exc, SourceAuthError):
                    break  # every other stream would be refused the same way
                continue
            results.append(Check(stream.name, True, f"HTTP {response.status_code}"))
        return results
