"""``CleverConnector``: Clever Data API v3.0 streams and events, shaped for OneRoster.

**Full runs** read, in this order (referenced records first): ``districts``,
``schools``, ``terms``, ``courses``, then the users by role (``contacts`` when enabled,
``students``, ``teachers``, ``staff``, ``district_admins``: ``GET /users?role=<role>``),
then ``sections``, whose rosters become the enrollments. A user with several roles is
listed under each; it is emitted once, the first time, with every role it holds. Before
the data, the newest event's id is noted (``GET /events?ending_before=last&limit=1``, as
Clever recommends for starting an events sync) and kept as the ``events`` bookmark: the
events of changes made while the run reads are replayed by the next incremental run,
which is harmless since applying a record again changes nothing.

**Incremental runs** read ``GET /events?starting_after=<bookmark>`` to the end and apply
the net change of every record (``events.EventLog``) as a delta: created and updated
records are restated, deleted ones become ``tobedeleted`` rows (never hard deletes),
and so do the roles a user lost and the enrollments of people who left a section. The
bookmark moves to the last event read. The bookmark event is looked up first: Clever
keeps events for 30 days, and a bookmark older than that cannot be continued (the run
fails, naming the remedy: a full run). An incremental run without a bookmark reads
everything like a full run and starts the bookmark; its package is still a delta (the
engine fixes the manifest mode before the connector runs), so records deleted since the
last full run stay until the next one. When an active student changes and contacts are
synced, ``GET /users/{id}/mycontacts`` refreshes the student's guardians.

An incremental run also reads the district and the schools Clever shares now (roles
and sections may only name those), and looks up ``GET /users/{id}`` for a person who
joined a section without appearing in the events, to enroll only rostered people (see
``shape``).

Rate limits: ``throttle.CleverRateLimit`` turns ``X-RateLimit-Reset`` into the wait
before a retried 429 and pauses when a minute's requests run out.

Known limits of incremental runs (a full run settles each): a section's course or term
is trusted to be held by the hub; when a contact is linked to or unlinked from a
student, the contact's agents change at once, the student's at the next full run or
the student's next change; a role at a school the district stops sharing stays.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Final
from urllib.parse import quote

import httpx

from interop_hub.connectors.clever.config import CleverConfig
from interop_hub.connectors.clever.errors import explain, http_status
from interop_hub.connectors.clever.events import EventLog
from interop_hub.connectors.clever.paging import CleverPaginator, check_envelope
from interop_hub.connectors.clever.records import contact_students, school_year_of, text
from interop_hub.connectors.clever.shape import ACTIVE, DELETED, Known, Out, Shaper
from interop_hub.connectors.clever.throttle import CleverRateLimit
from interop_hub.connectors.sdk import (
    BearerToken,
    Check,
    ConnectorConfig,
    ExtractContext,
    HttpConnector,
    RateLimiter,
    RetryPolicy,
    SourceClient,
    Stream,
    StreamState,
    read_stream,
)
from interop_hub.connectors.sdk.paginators import dig
from interop_hub.core.clock import format_datetime, utcnow
from interop_hub.core.errors import HubError, SourceAuthError, SourceDataError, SourceError

__all__ = ["EVENTS", "CleverConnector"]

log = logging.getLogger(__name__)

EVENTS: Final = "events"
"""The one bookmark: the id of the last Clever event a run accounted for."""

# Full-read streams and, for users, the role they ask for (``GET /users?role=...``).
_USER_STREAMS: Final = (
    ("contacts", "contact"),
    ("students", "student"),
    ("teachers", "teacher"),
    ("staff", "staff"),
    ("district_admins", "district_admin"),
)


class CleverConnector(HttpConnector):
    kind: ClassVar[str] = "clever"
    title: ClassVar[str] = "Clever (Data API v3.0, Secure Sync)"
    config_model: ClassVar[type[ConnectorConfig]] = CleverConfig
    supports_incremental: ClassVar[bool] = True

    config: CleverConfig

    def __init__(
        self,
        config: ConnectorConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(config, CleverConfig):
            raise TypeError(f"{type(self).__name__} needs a CleverConfig")
        super().__init__(config, transport=transport, sleep=sleep)
        self.config = config
        self._clock = clock
        self.throttle: CleverRateLimit | None = None
        self.skipped: dict[str, int] = {}
        self.ignored_events: dict[str, int] = {}

    # -- HTTP ------------------------------------------------------------------------------
    def auth(self) -> httpx.Auth:
        return BearerToken(self.config.token.get_secret_value())

    @property
    def client(self) -> SourceClient:
        if self._client is None:
            self.throttle = CleverRateLimit(
                self._transport or httpx.HTTPTransport(),
                sleep=self._sleep,
                max_wait=self.config.max_rate_limit_wait,
                clock=self._clock,
            )
            self._client = SourceClient(
                self.config.api_root + "/",
                auth=self.auth(),
                headers=self.headers(),
                policy=RetryPolicy(
                    attempts=self.config.max_attempts,
                    timeout=self.config.timeout_seconds,
                    max_wait=self.config.max_rate_limit_wait,
                ),
                rate=RateLimiter(self.config.requests_per_second),
                sleep=self._sleep,
                transport=self.throttle,
            )
        return self._client

    # -- declarations ----------------------------------------------------------------------
    def _stream(self, name: str, path: str, params: Mapping[str, str] | None = None) -> Stream:
        return Stream(
            name,
            path,
            records_path="data",
            unwrap="data",
            paginator=CleverPaginator(page_size=self.config.page_size),
            params=dict(params or {}),
        )

    def streams(self) -> Sequence[Stream]:
        """The streams of a full read, in reading order."""
        users = [
            self._stream(name, "users", {"role": role})
            for name, role in _USER_STREAMS
            if role != "contact" or self.config.include_contacts
        ]
        return (
            self._stream("districts", "districts"),
            self._stream("schools", "schools"),
            self._stream("terms", "terms"),
            self._stream("courses", "courses"),
            *users,
            self._stream("sections", "sections"),
        )

    def _records(self, ctx: ExtractContext, stream: Stream) -> Iterator[dict[str, Any]]:
        """``read_stream`` with progress and errors explained per stream."""
        state = ctx.states.setdefault(stream.name, StreamState())
        try:
            for record in read_stream(self.client, stream, state=state):
                yield record
                if ctx.progress is not None and state.records % 1000 == 0:
                    ctx.progress(stream.name, state.records)
        except SourceError as exc:
            raise explain(exc, stream.name) from exc
        if ctx.progress is not None:
            ctx.progress(stream.name, state.records)

    def _undated_year(self) -> int:
        return self.config.undated_term_school_year or school_year_of(datetime.now(UTC).date())

    # -- extraction ------------------------------------------------------------------------
    def extract(self, ctx: ExtractContext) -> Iterator[tuple[str, dict[str, Any]]]:
        started = format_datetime(utcnow())
        bookmark = ctx.bookmark(EVENTS) if self.config.use_events else None
        if ctx.mode == "incremental" and bookmark:
            yield from self._changes(ctx, bookmark, started)
            return
        if ctx.mode == "incremental":
            log.warning("clever: no events bookmark to continue from: reading every record")
        if self.config.use_events:
            newest = self._newest_event()
            if newest is not None:
                ctx.states[EVENTS] = StreamState(bookmark=newest)
            else:
                log.warning("clever: the district has no events yet; no bookmark is kept")
        yield from self._full(ctx, started)

    def _full(self, ctx: ExtractContext, started: str) -> Iterator[tuple[str, dict[str, Any]]]:
        shaper = Shaper(self.config, undated_year=self._undated_year(), known=Known())
        seen: dict[str, set[str]] = {}
        guardians: dict[str, list[str]] = {}
        for stream in self.streams():
            for record in self._records(ctx, stream):
                record_id = text(record.get("id"))
                group = "users" if stream.path == "users" else stream.name
                ids = seen.setdefault(group, set())
                if not record_id:
                    shaper.skipped[f"{stream.name} without an id"] += 1
                    continue
                if record_id in ids:
                    # Ids are unique per collection; a user with several roles is listed
                    # under each of them and was emitted with all of them the first time.
                    continue
                ids.add(record_id)
                if stream.name == "contacts":
                    for student in self._contact_students(record):
                        guardians.setdefault(student, []).append(record_id)
                yield from self._shape(shaper, stream.name, record, ACTIVE, started, guardians)
        self.skipped = dict(shaper.skipped)
        for reason, count in sorted(shaper.skipped.items()):
            log.info("clever: %d left out: %s", count, reason)

    @staticmethod
    def _contact_students(record: Mapping[str, Any]) -> list[str]:
        contact = dig(record, "roles.contact")
        return contact_students(contact) if isinstance(contact, Mapping) else []

    def _shape(
        self,
        shaper: Shaper,
        stream: str,
        record: Mapping[str, Any],
        status: str,
        modified: str,
        guardians: Mapping[str, list[str]] | None = None,
        previous: Mapping[str, Any] | None = None,
    ) -> Out:
        if stream in ("districts", "schools"):
            return shaper.org(stream, record, status, modified)
        if stream == "terms":
            return shaper.term(record, status, modified)
        if stream == "courses":
            return shaper.course(record, status, modified)
        if stream == "sections":
            return shaper.section(record, status, modified, previous=previous)
        agents = None
        if guardians is not None and self.config.include_contacts:
            agents = guardians.get(text(record.get("id")), [])
        return shaper.user(record, status, modified, previous=previous, agents=agents)

    # -- events ----------------------------------------------------------------------------
    def _events_stream(self, params: Mapping[str, str]) -> Stream:
        return self._stream(EVENTS, "events", params)

    def _newest_event(self) -> str | None:
        """The id of the district's newest event (``None``: no events yet)."""
        try:
            response, body = self.client.get_json("events", {"ending_before": "last", "limit": "1"})
            check_envelope(response, body)
        except SourceError as exc:
            raise explain(exc, EVENTS) from exc
        items = body["data"]
        if not items:
            return None
        newest = text(dig(items[-1], "data.id"))
        if not newest:
            raise SourceDataError(f"GET {response.request.url}: the newest event has no id")
        return newest

    def _check_bookmark(self, bookmark: str) -> None:
        """Fail clearly when the bookmark event is gone (Clever keeps 30 days of events)."""
        try:
            self.client.get_json(f"events/{quote(bookmark, safe='')}")
        except SourceError as exc:
            if type(exc) is not SourceError or http_status(exc) != 404:
                raise explain(exc, EVENTS) from exc
            raise SourceError(
                f"clever events: the bookmark event {bookmark} is no longer at Clever "
                "(events are kept for 30 days), so the changes since cannot be read; run a "
                f"full sync to start a new bookmark. {exc.message}"
            ) from exc

    def _changes(
        self, ctx: ExtractContext, bookmark: str, started: str
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        self._check_bookmark(bookmark)
        state = StreamState(bookmark=bookmark)
        ctx.states[EVENTS] = state
        events = EventLog()
        for event in self._records(ctx, self._events_stream({"starting_after": bookmark})):
            events.add(event)
            event_id = text(event.get("id"))
            if event_id:
                state.bookmark = event_id
        self.ignored_events = dict(events.ignored)
        for kind, count in sorted(events.ignored.items()):
            log.info("clever: %d %s event(s) not synced", count, kind)
        if not events.changes:
            return
        shaper = Shaper(self.config, undated_year=self._undated_year(), orgs=self._shared_orgs(ctx))
        shaper.rosterable = _Roster(self, shaper, events)
        for change in events.ordered():
            status = DELETED if change.deleted else ACTIVE
            modified = change.created or started
            guardians: dict[str, list[str]] | None = None
            if change.collection == "users" and status == ACTIVE:
                guardians = self._guardians(change.after)
            yield from self._shape(
                shaper,
                change.collection,
                change.after,
                status,
                modified,
                guardians,
                previous=change.before,
            )
        self.skipped = dict(shaper.skipped)

    def _shared_orgs(self, ctx: ExtractContext) -> set[str]:
        """The district and the schools Clever shares now (what roles and sections may
        name in a delta)."""
        orgs: set[str] = set()
        for name in ("districts", "schools"):
            for record in self._records(ctx, self._stream(name, name)):
                orgs.add(text(record.get("id")))
        return orgs

    def user_record(self, user_id: str) -> dict[str, Any] | None:
        """``GET /users/{id}``; ``None`` when Clever does not share the user (404)."""
        try:
            response, body = self.client.get_json(f"users/{quote(user_id, safe='')}")
        except SourceError as exc:
            if type(exc) is SourceError and http_status(exc) == 404:
                return None
            raise explain(exc, f"user {user_id}") from exc
        record = dig(body, "data")
        if not isinstance(record, dict):
            raise SourceDataError(f"GET {response.request.url}: expected a user at 'data'")
        return record

    def _guardians(self, user: Mapping[str, Any]) -> dict[str, list[str]] | None:
        """A changed student's contacts (``/users/{id}/mycontacts``), when contacts sync."""
        if not self.config.include_contacts or not isinstance(dig(user, "roles.student"), dict):
            return None
        user_id = text(user.get("id"))
        stream = self._stream("mycontacts", "users/{id}/mycontacts")
        try:
            contacts = [
                text(c.get("id")) for c in read_stream(self.client, stream, parent={"id": user_id})
            ]
        except SourceError as exc:
            raise explain(exc, f"contacts of user {user_id}") from exc
        return {user_id: [c for c in contacts if c]}

    # -- connectivity test -----------------------------------------------------------------
    def check(self) -> list[Check]:
        """One request per stream (``limit=1``) and, with events on, the newest event.

        A refused token (401) stops the test: every other request would be refused the same
        way; a 403 (data the district does not share) does not."""
        results: list[Check] = []
        targets = [(s.name, s.path, dict(s.params)) for s in self.streams()]
        if self.config.use_events:
            targets.append((EVENTS, "events", {"ending_before": "last"}))
        for i, (name, path, params) in enumerate(targets):
            try:
                response, body = self.client.get_json(path, {**params, "limit": "1"})
                check_envelope(response, body)
            except HubError as exc:
                failed = explain(exc, name) if isinstance(exc, SourceError) else exc
                results.append(Check(name, False, failed.message))
                if isinstance(exc, SourceAuthError) and http_status(exc) != 403:
                    results.extend(
                        Check(n, False, "not tried (the token was refused)")
                        for n, _, _ in targets[i + 1 :]
                    )
                    break
                continue
            detail = f"GET {response.request.url}: HTTP {response.status_code}"
            if name == EVENTS:
                detail += ", events readable" if body["data"] else ", no events yet"
            results.append(Check(name, True, detail))
        return results


class _Roster:
    """Whether an incremental run may enroll a user: a user the events changed is judged
    by its new record, any other by Clever's current one (``GET /users/{id}``), once."""

    def __init__(self, connector: CleverConnector, shaper: Shaper, events: EventLog) -> None:
        self.connector = connector
        self.shaper = shaper
        self.window = {c.id: c for c in events.changes.values() if c.collection == "users"}
        self.answers: dict[str, bool] = {}

    def __call__(self, user_id: str) -> bool:
        answer = self.answers.get(user_id)
        if answer is None:
            change = self.window.get(user_id)
            if change is not None:
                answer = not change.deleted and self.shaper.is_rostered(change.after)
            else:
                record = self.connector.user_record(user_id)
                answer = record is not None and self.shaper.is_rostered(record)
            self.answers[user_id] = answer
        return answer
