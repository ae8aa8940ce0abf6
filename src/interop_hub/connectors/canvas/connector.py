"""``CanvasConnector``: Canvas REST API v1 streams, enriched for the OneRoster mapping.

Read order (the engine's loop, nested streams after their parent): the configured
account (one object, fetched first), its sub-accounts, the root account's terms, the
account's courses with each course's enrollments, and the account's users last, so that
every user's roles are known when the user is emitted. Each endpoint pages with the
``Link`` header (``per_page`` up to 100).

What the connector adds to the raw records (``_``-prefixed, read by
``mappings/canvas``), and the derived streams it emits after the Canvas ones:

* ``terms``: ``_start``, ``_end`` (local dates), ``_school_year``.
* ``courses``: ``_course`` (the catalog course's sourcedId). A course whose term is not
  in the terms list (e.g. a deleted term still holding courses) brings that term along
  from its ``include[]=term`` copy, so the class's term reference resolves.
* ``enrollments``: ``_role`` (absent for skipped types and states), ``_primary``,
  ``_begin``, ``_end``.
* ``users``: ``_given``, ``_family``, ``_user_ids``, ``_primary_org`` and ``_roles``
  (the ``roles.csv`` rows of the user). A user enrolled in a synced course but missing
  from the account's user list (a user whose login lives in another account) is emitted
  from the copy embedded in the enrollment.
* ``course_catalog``: one record per derived course.

Every stream is de-duplicated by id: Canvas pages are offsets into a live list, so a
record can be served twice while the data changes, and the importer rejects duplicates.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, ClassVar

import httpx

from interop_hub.connectors.canvas.config import CanvasConfig
from interop_hub.connectors.canvas.records import (
    KEPT_STATES,
    ROLE_OF_TYPE,
    RoleBook,
    catalog_key,
    local_date,
    school_year_of,
    split_name,
    term_dates,
    zone,
)
from interop_hub.connectors.canvas.throttle import CanvasClient, CanvasThrottle
from interop_hub.connectors.sdk import (
    BearerToken,
    Check,
    ConnectorConfig,
    ExtractContext,
    HttpConnector,
    LinkHeaderPaginator,
    OAuth2ClientCredentials,
    RateLimiter,
    RetryPolicy,
    SourceClient,
    Stream,
)
from interop_hub.core.errors import HubError, SourceDataError

__all__ = ["CanvasConnector"]

_API = "/api/v1"
_ENROLLMENT_QUERY = "&".join(
    [f"state[]={s}" for s in KEPT_STATES] + [f"type[]={t}" for t in ROLE_OF_TYPE]
)


class CanvasConnector(HttpConnector):
    kind: ClassVar[str] = "canvas"
    title: ClassVar[str] = "Canvas LMS"
    config_model: ClassVar[type[CanvasConfig]] = CanvasConfig
    supports_incremental: ClassVar[bool] = False

    config: CanvasConfig

    def __init__(
        self,
        config: ConnectorConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(config, transport=transport, sleep=sleep)
        assert isinstance(self.config, CanvasConfig)
        # Resolved from the account record at the start of a run.
        self._account_id = self.config.account_id
        self._root_id = self.config.account_id

    # -- HTTP ------------------------------------------------------------------------------
    def auth(self) -> httpx.Auth:
        cfg = self.config
        if cfg.access_token is not None:
            return BearerToken(cfg.access_token.get_secret_value())
        assert cfg.client_id is not None
        assert cfg.client_secret is not None
        assert cfg.refresh_token is not None
        # Canvas's token endpoint takes the refresh grant with the developer key in the
        # form; the SDK's client-credentials flow sends exactly that when the grant type
        # is overridden, and caches the hour-long token it returns.
        return OAuth2ClientCredentials(
            f"{cfg.instance_url}/login/oauth2/token",
            cfg.client_id,
            cfg.client_secret.get_secret_value(),
            method="client_secret_post",
            extra={
                "grant_type": "refresh_token",
                "refresh_token": cfg.refresh_token.get_secret_value(),
            },
        )

    @property
    def client(self) -> SourceClient:
        if self._client is None:
            throttle = CanvasThrottle(
                self._transport or httpx.HTTPTransport(),
                sleep=self._sleep,
                low_water=self.config.throttle_low_water,
                pause=self.config.throttle_pause_seconds,
            )
            client = CanvasClient(
                self.config.instance_url + "/",
                auth=self.auth(),
                headers=self.headers(),
                policy=RetryPolicy(
                    attempts=self.config.max_attempts, timeout=self.config.timeout_seconds
                ),
                rate=RateLimiter(self.config.requests_per_second),
                sleep=self._sleep,
                throttle=throttle,
            )
            self._client = client
        return self._client

    # -- streams ---------------------------------------------------------------------------
    def streams(self) -> Sequence[Stream]:
        pages = LinkHeaderPaginator(page_size=self.config.page_size)
        account = f"{_API}/accounts/{self._account_id}"
        courses: dict[str, str] = {"include[]": "term", "blueprint": "false"}
        if not self.config.include_concluded_courses:
            courses["completed"] = "false"
        return (
            Stream(
                "sub_accounts",
                f"{account}/sub_accounts",
                params={"recursive": "true"},
                paginator=pages,
            ),
            Stream(
                "terms",
                f"{_API}/accounts/{self._root_id}/terms",
                records_path="enrollment_terms",
                paginator=pages,
            ),
            Stream("courses", f"{account}/courses", params=courses, paginator=pages),
            Stream(
                "enrollments",
                f"{_API}/courses/{{id}}/enrollments?{_ENROLLMENT_QUERY}",
                parent="courses",
                paginator=pages,
            ),
            Stream("users", f"{account}/users", params={"include[]": "email"}, paginator=pages),
        )

    def _account(self) -> dict[str, Any]:
        """The configured account (``self`` is the instance's root account)."""
        response, body = self.client.get_json(f"{_API}/accounts/{self.config.account_id}")
        if not isinstance(body, dict) or body.get("id") is None:
            raise SourceDataError(
                f"GET {response.request.url}: expected a Canvas account object with an id"
            )
        self._account_id = str(body["id"])
        self._root_id = str(body.get("root_account_id") or body["id"])
        return body

    # -- extraction ------------------------------------------------------------------------
    def extract(self, ctx: ExtractContext) -> Iterator[tuple[str, dict[str, Any]]]:
        account = self._account()
        tz = zone(account.get("default_time_zone"))
        undated = self.config.undated_term_school_year or school_year_of(datetime.now(tz).date())
        run = _Run(tz=tz, undated_year=undated)
        yield "account", account
        for stream, record in super().extract(ctx):
            yield from run.take(stream, record)
        yield from run.finish()

    def check(self) -> list[Check]:
        """The account first (it proves the instance, the token and the account id), then
        the first page of every top-level stream."""
        try:
            account = self._account()
        except HubError as exc:
            return [Check("account", False, exc.message)]
        found = Check("account", True, f"{account.get('name', '')} (id {account['id']})")
        return [found, *super().check()]


class _Run:
    """One extraction's bookkeeping: seen ids, roles, catalog courses, embedded users."""

    def __init__(self, *, tz: tzinfo, undated_year: int) -> None:
        self.tz = tz
        self.undated_year = undated_year
        self.seen: dict[str, set[str]] = {}
        self.roles = RoleBook()
        self.catalog: dict[str, dict[str, str]] = {}
        self.embedded: dict[str, dict[str, Any]] = {}

    def first_time(self, stream: str, key: object) -> bool:
        seen = self.seen.setdefault(stream, set())
        text = str(key)
        if text in seen:
            return False
        seen.add(text)
        return True

    def take(self, stream: str, record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        if not self.first_time(stream, record.get("id")):
            return
        if stream == "terms":
            yield stream, self.term(record)
        elif stream == "courses":
            yield from self.course(record)
        elif stream == "enrollments":
            yield stream, self.enrollment(record)
        elif stream == "users":
            user_id = str(record.get("id"))
            if user_id in self.roles:
                yield stream, self.user(record)
        else:
            yield stream, record

    def term(self, term: dict[str, Any]) -> dict[str, Any]:
        start, end, year = term_dates(term, self.tz, self.undated_year)
        return {
            **term,
            "_start": start.isoformat(),
            "_end": end.isoformat(),
            "_school_year": str(year),
        }

    def course(self, course: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        term = course.get("term")
        term_id = course.get("enrollment_term_id")
        if isinstance(term, dict) and term_id is not None and self.first_time("terms", term_id):
            yield "terms", self.term({**term, "id": term_id})
        account_id = course.get("account_id")
        key, code = catalog_key(account_id, course)
        self.catalog.setdefault(
            key, {"id": key, "title": code, "code": code, "org_id": str(account_id)}
        )
        yield "courses", {**course, "_course": key}

    def enrollment(self, enrollment: dict[str, Any]) -> dict[str, Any]:
        shape = ROLE_OF_TYPE.get(str(enrollment.get("type")))
        kept = shape is not None and enrollment.get("enrollment_state") in KEPT_STATES
        out = dict(enrollment)
        begin = local_date(enrollment.get("start_at"), self.tz)
        end = local_date(enrollment.get("end_at"), self.tz)
        out["_begin"] = begin.isoformat() if begin else None
        out["_end"] = end.isoformat() if end else None
        if shape is None or not kept:
            return out
        user_id = str(enrollment.get("user_id"))
        parent = enrollment.get("_parent")
        org = parent.get("account_id") if isinstance(parent, Mapping) else None
        self.roles.add(user_id, str(org), shape.user_role)
        embedded = enrollment.get("user")
        if isinstance(embedded, dict) and user_id not in self.embedded:
            self.embedded[user_id] = {**embedded, "id": enrollment.get("user_id")}
        out["_role"] = shape.enrollment_role
        out["_primary"] = "true" if shape.primary else "false"
        return out

    def user(self, user: dict[str, Any]) -> dict[str, Any]:
        given, family = split_name(user)
        roles = self.roles.roles(str(user.get("id")))
        return {
            **user,
            "_given": given,
            "_family": family,
            "_user_ids": f"{{Canvas:{user.get('id')}}}",
            "_roles": roles,
            "_primary_org": roles[0]["orgSourcedId"] if roles else None,
        }

    def finish(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for entry in self.catalog.values():
            yield "course_catalog", dict(entry)
        users = self.seen.get("users", set())
        for user_id in self.roles.users():
            if user_id not in users and user_id in self.embedded:
                yield "users", self.user(self.embedded[user_id])
