"""``edfi-api``: roster data from an Ed-Fi ODS/API (5.x, 6.x, 7.x) as OneRoster 1.2 rows.

A run:

1. ``GET {base_url}`` (no token): the discovery document gives the token, data, dependency
   and change-query URLs (``discovery``).
2. Client-credentials tokens from ``urls.oauth`` (key and secret by HTTP Basic), renewed
   before they expire and once more on a 401.
3. ``urls.dependencies`` gives the load order; the roster resources (``resources``) are
   read in it, with offset paging.
4. Full runs note the newest change version first and keep it as the bookmark
   (``changeVersion``); incremental runs read the window after the bookmark
   (``incremental``). A full run on a host whose change queries are off or not granted still
   works; it just leaves no bookmark.
5. The Ed-Fi items become the records ``mappings/edfi-api/*.yaml`` maps (``records``).

Items that cannot become valid OneRoster rows (a person with no role at an org of this
source, a section whose offering is not visible) are left out and counted in ``skipped``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

import httpx

from interop_hub.connectors.edfi_api.changes import ChangeVersions, window_after
from interop_hub.connectors.edfi_api.config import EdFiApiConfig
from interop_hub.connectors.edfi_api.discovery import Discovery, parse_discovery
from interop_hub.connectors.edfi_api.emit import Emitter
from interop_hub.connectors.edfi_api.full import read_full
from interop_hub.connectors.edfi_api.incremental import read_changes
from interop_hub.connectors.edfi_api.lookups import OnDemand
from interop_hub.connectors.edfi_api.resources import CONTACTS, PARENTS, Names
from interop_hub.connectors.edfi_api.source import EdFiSource
from interop_hub.connectors.sdk import (
    Check,
    ConnectorConfig,
    ExtractContext,
    HttpConnector,
    OAuth2ClientCredentials,
    RateLimiter,
    RetryPolicy,
    SourceClient,
    Stream,
    StreamState,
)
from interop_hub.core.clock import format_datetime, utcnow
from interop_hub.core.errors import (
    HubError,
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceUnavailable,
)

__all__ = ["BOOKMARK", "EdFiApiConnector"]

log = logging.getLogger(__name__)

BOOKMARK = "changeVersion"
"""The one bookmark: the newest change version a run read up to (a decimal string)."""


class EdFiApiConnector(HttpConnector):
    kind: ClassVar[str] = "edfi-api"
    title: ClassVar[str] = "Ed-Fi ODS/API"
    config_model: ClassVar[type[ConnectorConfig]] = EdFiApiConfig
    supports_incremental: ClassVar[bool] = True

    def __init__(
        self,
        config: ConnectorConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(config, transport=transport, sleep=sleep)
        assert isinstance(config, EdFiApiConfig)
        self.settings = config
        self._discovery: Discovery | None = None
        self._plain: SourceClient | None = None
        self._plan: tuple[Names, list[str]] | None = None
        self.skipped: Counter[str] = Counter()

    # -- HTTP ------------------------------------------------------------------------------
    def _policy_client(self, auth: httpx.Auth | None) -> SourceClient:
        return SourceClient(
            self.settings.base_url.rstrip("/") + "/",
            auth=auth,
            headers=self.headers(),
            policy=RetryPolicy(
                attempts=self.settings.max_attempts, timeout=self.settings.timeout_seconds
            ),
            rate=RateLimiter(self.settings.requests_per_second),
            sleep=self._sleep,
            transport=self._transport,
        )

    @property
    def plain(self) -> SourceClient:
        """The client without a token, for the discovery document and public metadata."""
        if self._plain is None:
            self._plain = self._policy_client(None)
        return self._plain

    def discovery(self) -> Discovery:
        """The API's discovery document (read once; it needs no token)."""
        if self._discovery is None:
            root = self.settings.base_url
            try:
                _, body = self.plain.get_json(root)
            except SourceDataError as exc:
                raise SourceDataError(
                    f"GET {root} did not return an Ed-Fi discovery document ({exc.message}): "
                    "set base_url to the API root, e.g. https://host/api"
                ) from exc
            self._discovery = parse_discovery(
                body,
                root,
                school_year=self.settings.school_year,
                instance=self.settings.instance_code,
            )
        return self._discovery

    def auth(self) -> httpx.Auth:
        return OAuth2ClientCredentials(
            self.discovery().oauth,
            self.settings.client_id,
            self.settings.client_secret.get_secret_value(),
        )

    def headers(self) -> Mapping[str, str]:
        return {"Use-Snapshot": "true"} if self.settings.use_snapshot else {}

    def close(self) -> None:
        super().close()
        if self._plain is not None:
            self._plain.close()
            self._plain = None

    def source(self, ctx: ExtractContext | None = None) -> EdFiSource:
        return EdFiSource(
            self.client,
            self.discovery(),
            metadata=self.plain,
            page_size=self.settings.page_size,
            progress=ctx.progress if ctx is not None else None,
            states=ctx.states if ctx is not None else None,
        )

    # -- what is read ----------------------------------------------------------------------
    def plan(self, source: EdFiSource) -> tuple[Names, list[str]]:
        """The spelling of the instance (contacts or parents) and the resources to read, in
        the host's dependency order (resources it does not list go last)."""
        if self._plan is None:
            orders = source.dependencies()
            if "contacts" in orders or "parents" in orders:
                names = CONTACTS if "contacts" in orders else PARENTS
            else:
                names = CONTACTS if source.discovery.uses_contacts else PARENTS
            fallback = {r: i for i, r in enumerate(names.roster)}
            last = max(orders.values(), default=0) + 1
            ordered = sorted(names.roster, key=lambda r: (orders.get(r, last), fallback[r]))
            self._plan = (names, ordered)
        return self._plan

    def streams(self) -> Sequence[Stream]:
        """One declaration per resource of a full read, in reading order."""
        source = self.source()
        _, order = self.plan(source)
        return [source.stream(resource) for resource in order]

    # -- a run -----------------------------------------------------------------------------
    def _newest(self, source: EdFiSource) -> ChangeVersions | None:
        """The newest change version before a full read; ``None`` (no bookmark, so the next
        incremental run reads everything) when change queries are off or not granted."""
        try:
            return source.change_versions()
        except SourceUnavailable:
            raise
        except SourceError as exc:
            log.warning("Ed-Fi change queries unavailable; no bookmark is kept: %s", exc.message)
            return None

    def extract(self, ctx: ExtractContext) -> Iterator[tuple[str, dict[str, Any]]]:
        source = self.source(ctx)
        out = Emitter(format_datetime(utcnow()))
        if ctx.mode == "incremental":
            versions: ChangeVersions | None = source.change_versions()
            bookmark = ctx.bookmark(BOOKMARK)
        else:
            versions, bookmark = self._newest(source), None
        if bookmark is None:
            if ctx.mode == "incremental":
                log.warning("no Ed-Fi change version stored yet: reading every item")
            names, order = self.plan(source)
            yield from read_full(source, names, order, out)
        else:
            assert versions is not None
            window = window_after(bookmark, versions, source.discovery.available_change_versions)
            if not window.empty:
                names, order = self.plan(source)
                yield from read_changes(
                    source,
                    OnDemand(source, names),
                    names,
                    order,
                    window,
                    out,
                    key_changes=source.discovery.has_key_changes,
                )
        if versions is not None:
            ctx.states[BOOKMARK] = StreamState(bookmark=str(versions.newest))
        self.skipped.update(out.skipped)
        for reason, count in sorted(out.skipped.items()):
            log.info("edfi-api: %d item(s) left out: %s", count, reason)

    def check(self) -> list[Check]:
        """Discovery, the load order, the first item of every resource, change queries."""
        try:
            found = self.discovery()
        except HubError as exc:
            return [Check("discovery", False, exc.message)]
        results = [Check("discovery", True, found.describe())]
        try:
            source = self.source()
            _, order = self.plan(source)
        except HubError as exc:
            return [*results, Check("dependencies", False, exc.message)]
        results.append(Check("dependencies", True, f"{len(order)} roster resources to read"))
        for resource in order:
            try:
                response, _ = self.client.get_json(
                    found.resource(resource), {"limit": "1", "totalCount": "true"}
                )
            except HubError as exc:
                results.append(Check(resource, False, exc.message))
                if isinstance(exc, SourceAuthError):
                    return results  # every other read would be refused the same way
                continue
            total = response.headers.get("Total-Count")
            detail = f"{total} items" if total is not None else f"HTTP {response.status_code}"
            results.append(Check(resource, True, detail))
        try:
            versions = source.change_versions()
        except HubError as exc:
            results.append(
                Check("changeQueries", False, f"{exc.message} (incremental runs unavailable)")
            )
        else:
            results.append(Check("changeQueries", True, f"newest change version {versions.newest}"))
        return results
