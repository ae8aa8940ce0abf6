"""The OneRoster REST consumer: a district's roster from any OneRoster Rostering provider.

Reads the collections ``orgs``, ``academicSessions``, ``courses``, ``classes``, ``users``,
``enrollments`` and (unless turned off) ``demographics`` from a 1.1 or 1.2 provider, in
that order (referenced records before the records referring to them). Each collection is
one stream named after it; the mapping (``mappings/oneroster-rest/``) turns its records
into OneRoster 1.2 CSV rows for the hub's importer.

* **Paging**: ``limit``/``offset`` with ``X-Total-Count`` and ``Link`` (``paging``);
  ``sort=sourcedId`` keeps offset pages stable while a collection is read.
* **Records**: under the collection key (``{"users": [...]}``); evened out across versions
  and providers by ``records.lift`` (1.1 users become 1.2 roles, bare-id refs become
  GUIDRefs, list fields get their CSV cells).
* **Full runs** stage the current state: records the provider still lists as
  ``tobedeleted`` are left out (in a bulk package, absence *is* the deletion; a
  tombstone's blank required fields would only fail validation). ``skipped`` counts them.
* **Incremental runs** ask each collection for ``filter=dateLastModified>'<bookmark>'``,
  the bookmark being the largest ``dateLastModified`` the previous run saw (compared as
  text, as providers do). ``tobedeleted`` records become tombstones in the delta
  package. A record changed in the same instant as the bookmark but after it was read is
  picked up by the next full run. Roles: a delta restates a changed user's roles by key,
  so a role the provider removed from a user stays until the next full run.
* **Errors** end the run with a ``SourceError`` naming the collection and the likely cause
  (``errors.explain``), e.g. a 403 on demographics names the missing scope.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, Final

import httpx

from interop_hub.connectors.oneroster_rest.config import OneRosterRestConfig
from interop_hub.connectors.oneroster_rest.errors import explain, http_status
from interop_hub.connectors.oneroster_rest.paging import OneRosterPaginator, check_envelope
from interop_hub.connectors.oneroster_rest.records import is_deleted, lift
from interop_hub.connectors.sdk import (
    BearerToken,
    Check,
    ConnectorConfig,
    ExtractContext,
    HttpConnector,
    OAuth1Signature,
    OAuth2ClientCredentials,
    Stream,
    StreamState,
    read_stream,
)
from interop_hub.core.errors import SourceAuthError, SourceError

__all__ = ["COLLECTIONS", "OneRosterRestConnector"]

COLLECTIONS: Final = (
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "enrollments",
    "demographics",
)


def _since(bookmark: str) -> dict[str, str]:
    # The filter value is always single-quoted (1.1 and 1.2 filter grammar).
    return {"filter": f"dateLastModified>'{bookmark.replace(chr(39), '')}'"}


class OneRosterRestConnector(HttpConnector):
    kind: ClassVar[str] = "oneroster-rest"
    title: ClassVar[str] = "OneRoster REST provider (1.1 or 1.2)"
    config_model: ClassVar[type[ConnectorConfig]] = OneRosterRestConfig
    supports_incremental: ClassVar[bool] = True

    config: OneRosterRestConfig

    def __init__(
        self,
        config: ConnectorConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not isinstance(config, OneRosterRestConfig):
            raise TypeError(f"{type(self).__name__} needs a OneRosterRestConfig")
        super().__init__(config, transport=transport, sleep=sleep)
        self.config = config
        self.skipped: dict[str, int] = {}

    # -- declarations ---------------------------------------------------------------------
    def collections(self) -> tuple[str, ...]:
        if self.config.include_demographics:
            return COLLECTIONS
        return tuple(c for c in COLLECTIONS if c != "demographics")

    def streams(self) -> Sequence[Stream]:
        root = self.config.api_root()
        params = {"sort": "sourcedId", "orderBy": "asc"} if self.config.sort_by_sourced_id else {}
        return [
            Stream(
                name=collection,
                path=f"{root}/{collection}",
                primary_key=("sourcedId",),
                records_path=collection,
                replication_key="dateLastModified",
                paginator=OneRosterPaginator(collection, self.config.page_size),
                params=params,
                incremental=_since,
            )
            for collection in self.collections()
        ]

    def auth(self) -> httpx.Auth | None:
        c = self.config
        secret = c.client_secret.get_secret_value() if c.client_secret else ""
        if c.auth == "oauth2":
            assert c.token_url  # checked by the config
            assert c.client_id
            return OAuth2ClientCredentials(
                c.token_url,
                c.client_id,
                secret,
                scope=c.requested_scope(),
                method=c.token_auth_method,
            )
        if c.auth == "oauth1":
            assert c.client_id
            return OAuth1Signature(c.client_id, secret)  # HMAC-SHA256, Authorization header
        assert c.token is not None
        return BearerToken(c.token.get_secret_value())

    # -- extraction -----------------------------------------------------------------------
    def extract(self, ctx: ExtractContext) -> Iterator[tuple[str, dict[str, Any]]]:
        incremental = ctx.mode == "incremental"
        for stream in self.streams():
            name = stream.name
            state = ctx.states.setdefault(name, StreamState())
            records = read_stream(self.client, stream, bookmark=ctx.bookmark(name), state=state)
            try:
                for record in records:
                    if not incremental and is_deleted(record):
                        self.skipped[name] = self.skipped.get(name, 0) + 1
                        continue
                    yield name, lift(name, record)
                    if ctx.progress is not None and state.records % 1000 == 0:
                        ctx.progress(name, state.records)
            except SourceError as exc:
                raise explain(exc, name, self.config, incremental=incremental) from exc
            if ctx.progress is not None:
                ctx.progress(name, state.records)

    # -- connectivity test ----------------------------------------------------------------
    def check(self) -> list[Check]:
        """One request per collection (``limit=1``): reachable or not, and why.

        A refused token or a 401 stops the test (every other request would fail the same
        way); a 403 on one collection (a missing scope) does not."""
        results: list[Check] = []
        streams = list(self.streams())
        for i, stream in enumerate(streams):
            url = stream.path
            try:
                response, body = self.client.get_json(url, {"limit": "1", "offset": "0"})
                check_envelope(response, body, stream.name)
            except SourceError as exc:
                failed = explain(exc, stream.name, self.config)
                results.append(Check(stream.name, False, failed.message))
                if isinstance(exc, SourceAuthError) and http_status(exc) != 403:
                    results.extend(
                        Check(s.name, False, f"GET {s.path}: not tried (authentication failed)")
                        for s in streams[i + 1 :]
                    )
                    break
                continue
            total = response.headers.get("X-Total-Count", "").strip()
            count = f"{total} records" if total.isdigit() else "records readable"
            results.append(
                Check(stream.name, True, f"GET {url}: HTTP {response.status_code}, {count}")
            )
        return results
