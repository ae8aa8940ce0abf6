"""``GoogleClassroomConnector``: Classroom API v1 courses and rosters as OneRoster.

Streams (``nextPageToken``/``pageToken`` paging, ``pageSize``): ``courses``
(``/v1/courses?courseStates=...``), and for each course its ``students`` and
``teachers`` (``/v1/courses/{id}/students``, ``.../teachers``). Google omits an empty
list from the body (``{}`` for a course without students); that reads as no records.

What the connector adds for ``mappings/google-classroom`` (see the package notes):

* the config-derived ``district``, ``school`` and ``school_year`` records, emitted first;
* ``courses``: ``_school`` and ``_session`` (the configured school and school year);
* ``students``/``teachers``: ``_school``; teachers also ``_primary`` (the course owner);
* ``people``: one record per user after all rosters were read (``roster.People``), the
  profile with ``_given``, ``_family``, ``_user_ids``, ``_roles``.

Courses and memberships are de-duplicated (a course can move between pages while a
teacher edits it). Incremental sync is not supported: the API has no updated-since
filter on these lists, so every run is full and absence becomes a tombstone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx

from interop_hub.connectors.google_classroom.config import GoogleClassroomConfig
from interop_hub.connectors.google_classroom.jwt_auth import ServiceAccountAuth
from interop_hub.connectors.google_classroom.roster import People
from interop_hub.connectors.sdk import (
    BearerToken,
    ConnectorConfig,
    CursorPaginator,
    ExtractContext,
    HttpConnector,
    Stream,
)

__all__ = ["GoogleClassroomConnector"]

_ROLE_OF_STREAM = {"students": "student", "teachers": "teacher"}


class GoogleClassroomConnector(HttpConnector):
    kind: ClassVar[str] = "google-classroom"
    title: ClassVar[str] = "Google Classroom"
    config_model: ClassVar[type[GoogleClassroomConfig]] = GoogleClassroomConfig
    supports_incremental: ClassVar[bool] = False

    config: GoogleClassroomConfig

    def __init__(
        self,
        config: ConnectorConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(config, transport=transport, sleep=sleep)
        assert isinstance(self.config, GoogleClassroomConfig)

    def auth(self) -> httpx.Auth:
        cfg = self.config
        if cfg.access_token is not None:
            return BearerToken(cfg.access_token.get_secret_value())
        return ServiceAccountAuth(
            cfg.service_account_key(), subject=cfg.delegated_user, scopes=cfg.scopes
        )

    def streams(self) -> Sequence[Stream]:
        pages = CursorPaginator(page_size=self.config.page_size)
        states = urlencode([("courseStates", s) for s in self.config.course_states])
        return (
            Stream("courses", f"/v1/courses?{states}", records_path="courses", paginator=pages),
            Stream(
                "students",
                "/v1/courses/{id}/students",
                primary_key=("courseId", "userId"),
                records_path="students",
                paginator=pages,
                parent="courses",
            ),
            Stream(
                "teachers",
                "/v1/courses/{id}/teachers",
                primary_key=("courseId", "userId"),
                records_path="teachers",
                paginator=pages,
                parent="courses",
            ),
        )

    def extract(self, ctx: ExtractContext) -> Iterator[tuple[str, dict[str, Any]]]:
        cfg = self.config
        start, end = cfg.year_span
        yield "district", {"id": cfg.district_id, "name": cfg.district_name}
        yield "school", {"id": cfg.school_id, "name": cfg.school_name, "parent": cfg.district_id}
        yield (
            "school_year",
            {
                "id": cfg.session_id,
                "title": f"{cfg.school_year - 1}-{cfg.school_year}",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "year": str(cfg.school_year),
            },
        )
        people = People(cfg.school_id)
        seen: set[tuple[str, ...]] = set()
        for stream, record in super().extract(ctx):
            if stream == "courses":
                key: tuple[str, ...] = (stream, str(record.get("id")))
                enriched = {**record, "_school": cfg.school_id, "_session": cfg.session_id}
            else:
                user_id = str(record.get("userId"))
                key = (stream, str(record.get("courseId")), user_id)
                parent = record.get("_parent")
                owner = parent.get("ownerId") if isinstance(parent, Mapping) else None
                enriched = {
                    **record,
                    "_school": cfg.school_id,
                    "_primary": "true" if stream == "teachers" and user_id == owner else "false",
                }
                if key not in seen:
                    people.add(user_id, _ROLE_OF_STREAM[stream], record.get("profile"))
            if key in seen:
                continue
            seen.add(key)
            yield stream, enriched
        for person in people.records():
            yield "people", person
