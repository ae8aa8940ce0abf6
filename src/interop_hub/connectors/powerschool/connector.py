"""``PowerSchoolConnector``: PowerSchool SIS ``/ws/v1`` resources, enriched for OneRoster.

Read order (referenced records are known before the records that refer to them):

1. ``GET /ws/v1/district`` (one object) and ``/ws/v1/district/school`` (paged);
2. per school: ``/ws/v1/school/{id}/term``, ``.../course``, ``.../staff``
   (``expansions=emails,school_affiliations``) and ``.../student``
   (``expansions=school_enrollment,contact_info`` plus ``demographics,ethnicity_race``
   when demographics are on);
3. per school: ``.../section``, and per section ``/ws/v1/section/{id}/section_enrollment``;
4. the staff, once every school has been read (a staff member listed by several schools
   is one user with a role per school).

Every collection is counted and paged by ``paging.read_collection``. What the connector
adds to the raw records (``_``-prefixed, read by ``mappings/powerschool``):

* all: ``_status`` (``active``, or ``tobedeleted`` for what an incremental run removes
  explicitly) and ``_read_at`` (the run's start: PowerSchool records carry no
  modification time, and a delta row needs one).
* ``district``: ``_id``. ``schools``, ``courses``: ``_district``.
* ``terms``: ``_type``, ``_parent`` (the school's year term of the same start year),
  ``_school_year`` (the year the school year ends).
* ``students``/``staff``: ``_user_id``, ``_given``, ``_middle``, ``_family``,
  ``_user_ids``, ``_username``, ``_email``, ``_roles``, ``_primary_org``; students also
  ``_grade`` and ``_demographics``.
* ``sections``: ``_school``, ``_title``, ``_class_code``, ``_periods``, and the lead
  teacher's ``_teacher`` and ``_teacher_enrollment``.
* ``section_enrollments``: ``_school``, ``_section``, ``_student``, ``_begin``, ``_end``.

Records the connector leaves out are counted in ``skipped`` (reason -> count), and the
unusual ones are logged: a section whose course or term PowerSchool no longer has, a
section enrollment of a student no school lists, a section whose teacher is not in any
school's staff list (the class is kept, without a teacher).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, ClassVar, Final

import httpx

from interop_hub.connectors.powerschool.config import PowerSchoolConfig
from interop_hub.connectors.powerschool.errors import explain, http_status
from interop_hub.connectors.powerschool.paging import (
    Collection,
    count_of,
    items,
    read_collection,
    single,
)
from interop_hub.connectors.powerschool.records import (
    RoleBook,
    demographics,
    enroll_status,
    first,
    grade,
    iso_date,
    name_parts,
    number,
    periods,
    session_type,
    staff_role,
    text,
    truth,
    user_ids,
)
from interop_hub.connectors.sdk import (
    Check,
    ConnectorConfig,
    ExtractContext,
    HttpConnector,
    OAuth2ClientCredentials,
    StreamState,
)
from interop_hub.core.errors import SourceAuthError, SourceDataError, SourceError

__all__ = ["PowerSchoolConnector"]

log = logging.getLogger(__name__)

_V1 = "/ws/v1"
_STAFF_EXPANSIONS = "emails,school_affiliations"
_STUDENT_EXPANSIONS = "school_enrollment,contact_info"
_DEMOGRAPHIC_EXPANSIONS = "demographics,ethnicity_race"


class PowerSchoolConnector(HttpConnector):
    kind: ClassVar[str] = "powerschool"
    title: ClassVar[str] = "PowerSchool SIS"
    config_model: ClassVar[type[ConnectorConfig]] = PowerSchoolConfig
    supports_incremental: ClassVar[bool] = True

    config: PowerSchoolConfig

    def __init__(
        self,
        config: ConnectorConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not isinstance(config, PowerSchoolConfig):
            raise TypeError(f"{type(self).__name__} needs a PowerSchoolConfig")
        super().__init__(config, transport=transport, sleep=sleep)
        self.config = config
        self._clock = clock
        self._now = now
        self.skipped: Counter[str] = Counter()

    # -- HTTP ------------------------------------------------------------------------------
    def auth(self) -> httpx.Auth:
        cfg = self.config
        return OAuth2ClientCredentials(
            cfg.token_url,
            cfg.client_id,
            cfg.client_secret.get_secret_value(),
            method="client_secret_basic",
            clock=self._clock,
        )

    def get_one(self, path: str, what: str) -> tuple[httpx.Response, Any]:
        try:
            return self.client.get_json(path)
        except SourceError as exc:
            raise explain(exc, what) from exc

    # -- extraction ------------------------------------------------------------------------
    def extract(self, ctx: ExtractContext) -> Iterator[tuple[str, dict[str, Any]]]:
        self.skipped.clear()
        yield from _Run(self, ctx).records()

    # -- connectivity test -----------------------------------------------------------------
    def check(self) -> list[Check]:
        """The metadata (PowerSchool's version and the plugin's page sizes), the district,
        the schools, and one read of every per-school resource at the first school (and of
        the first section's enrollments). A refused token stops the test; a 403 on one
        resource (the plugin lacks access to it) does not."""
        probe = _Probe()
        probe("metadata", self._check_metadata)
        probe("district", self._check_district)
        school = probe("schools", self._check_schools)
        if not school:
            return probe.rest("not tried (no school readable)")
        section = ""
        for stream in ("terms", "courses", "staff", "students", "sections"):
            found = probe(stream, partial(self._check_school, stream, school))
            section = found if stream == "sections" else section
        if not section:
            return probe.rest("not tried (no section readable)")
        probe("section_enrollments", partial(self._check_enrollments, section))
        return probe.rest("")

    def _check_metadata(self) -> tuple[str, str]:
        return _metadata_detail(self.client.get_json(f"{_V1}/metadata")[1]), ""

    def _check_enrollments(self, section: str) -> tuple[str, str]:
        return f"{count_of(self.client, _enrollments(section))} in section {section}", ""

    def _check_district(self) -> tuple[str, str]:
        response, body = self.client.get_json(f"{_V1}/district")
        district = _district(body, f"GET {response.request.url}")
        return text(district.get("name")) or "readable", ""

    def _first(self, collection: Collection) -> str:
        """The id of the collection's first record ("" when it has none)."""
        response, body = self.client.get_json(collection.path, {"page": "1", "pagesize": "1"})
        where = f"GET {response.request.url}"
        found = items(body, collection.plural, collection.singular, where, collection.aliases)
        return text(found[0].get("id")) if found else ""

    def _check_schools(self) -> tuple[str, str]:
        schools = Collection("schools", f"{_V1}/district/school", "schools", "school", "schools")
        total = count_of(self.client, schools)
        return f"{total} schools", self._first(schools) if total else ""

    def _check_school(self, stream: str, school: str) -> tuple[str, str]:
        collection = _school_collection(stream, school, self.config)
        total = count_of(self.client, collection)
        first_id = self._first(collection) if stream == "sections" and total else ""
        return f"{total} {stream} at school {school}", first_id


CHECKED: Final = (
    "metadata",
    "district",
    "schools",
    "terms",
    "courses",
    "staff",
    "students",
    "sections",
    "section_enrollments",
)


class _Probe:
    """The lines of a connectivity test. ``probe(target, attempt)`` runs ``attempt`` (which
    returns ``(detail, value)``) and records the outcome; it returns the value, or ``""``
    when the attempt failed or an earlier refused token stopped the test."""

    def __init__(self) -> None:
        self.results: list[Check] = []
        self.stopped = False

    def __call__(self, target: str, attempt: Callable[[], tuple[str, str]]) -> str:
        if self.stopped:
            return ""
        try:
            detail, value = attempt()
        except SourceError as exc:
            self.results.append(Check(target, False, explain(exc, target).message))
            if isinstance(exc, SourceAuthError) and (
                "token endpoint" in exc.message or http_status(exc) == 401
            ):
                self.stopped = True
                self.rest("not tried (authentication failed)")
            return ""
        self.results.append(Check(target, True, detail))
        return value

    def rest(self, why: str) -> list[Check]:
        """The results, with every target not tried yet marked ``why`` (when given)."""
        done = {c.target for c in self.results}
        if why:
            self.results.extend(Check(t, False, why) for t in CHECKED if t not in done)
        return self.results


def _metadata_detail(body: Any) -> str:
    meta = body.get("metadata") if isinstance(body, Mapping) else None
    meta = meta if isinstance(meta, Mapping) else body if isinstance(body, Mapping) else {}
    sizes = [
        f"{label} {text(meta.get(key))}"
        for label, key in (
            ("students", "student_max_page_size"),
            ("staff", "staff_max_page_size"),
            ("sections", "section_max_page_size"),
            ("section enrollments", "section_enrollment_max_page_size"),
        )
        if text(meta.get(key))
    ]
    version = text(meta.get("powerschool_version")) or "version unknown"
    return f"PowerSchool {version}" + (
        f"; plugin max page sizes: {', '.join(sizes)}" if sizes else ""
    )


def _district(body: Any, where: str) -> dict[str, Any]:
    if isinstance(body, Mapping) and isinstance(body.get("district"), dict):
        return dict(body["district"])
    if isinstance(body, dict) and ("name" in body or "uuid" in body):
        return body
    raise SourceDataError(f"{where}: expected a district object")


def _school_collection(stream: str, school: str, cfg: PowerSchoolConfig) -> Collection:
    base = f"{_V1}/school/{school}"
    if stream == "terms":
        return Collection(stream, f"{base}/term", "terms", "term", f"terms of school {school}")
    if stream == "courses":
        return Collection(
            stream, f"{base}/course", "courses", "course", f"courses of school {school}"
        )
    if stream == "staff":
        return Collection(
            stream,
            f"{base}/staff",
            "staffs",
            "staff",
            f"staff of school {school}",
            {"expansions": _STAFF_EXPANSIONS},
            aliases=("staff",),
        )
    if stream == "students":
        expansions = _STUDENT_EXPANSIONS
        if cfg.include_demographics:
            expansions += "," + _DEMOGRAPHIC_EXPANSIONS
        return Collection(
            stream,
            f"{base}/student",
            "students",
            "student",
            f"students of school {school}",
            {"expansions": expansions},
        )
    assert stream == "sections"
    return Collection(
        stream, f"{base}/section", "sections", "section", f"sections of school {school}"
    )


def _enrollments(section: str) -> Collection:
    return Collection(
        "section_enrollments",
        f"{_V1}/section/{section}/section_enrollment",
        "section_enrollments",
        "section_enrollment",
        f"enrollments of section {section}",
    )


@dataclass
class _Person:
    """A staff member: the first staff record read, and the roles from every school."""

    record: dict[str, Any]
    book: RoleBook


class _Run:
    """One extraction: what has been read so far, for references and de-duplication."""

    def __init__(self, connector: PowerSchoolConnector, ctx: ExtractContext) -> None:
        self.connector = connector
        self.cfg = connector.config
        self.ctx = ctx
        self.incremental = ctx.mode == "incremental"
        self.read_at = connector._now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.district = ""
        self.seen: dict[str, set[str]] = {}
        self.year_terms: dict[tuple[str, str], str] = {}  # (school, start year) -> term id
        self.courses: dict[str, dict[str, Any]] = {}
        self.terms: set[str] = set()
        self.missing: dict[tuple[str, str], bool] = {}  # (kind, id) fetched and not found
        self.students: dict[str, bool] = {}  # student id -> rostered
        self.staff: dict[str, _Person] = {}  # user id -> person
        self.staff_user: dict[str, str] = {}  # staff record id -> user id

    @property
    def skipped(self) -> Counter[str]:
        return self.connector.skipped

    def skip(self, reason: str, detail: str | None = None) -> None:
        self.skipped[reason] += 1
        if detail is not None:
            log.warning("PowerSchool: %s", detail)

    def first_time(self, stream: str, key: str) -> bool:
        seen = self.seen.setdefault(stream, set())
        if key in seen:
            return False
        seen.add(key)
        return True

    def base(self, record: dict[str, Any], active: bool = True) -> dict[str, Any]:
        return {
            **record,
            "_status": "active" if active else "tobedeleted",
            "_read_at": self.read_at,
        }

    # -- reading ---------------------------------------------------------------------------
    def read(self, collection: Collection) -> Iterator[dict[str, Any]]:
        state = self.ctx.states.setdefault(collection.stream, StreamState())
        progress = self.ctx.progress
        try:
            for record in read_collection(
                self.connector.client, collection, self.cfg.page_size, state
            ):
                if progress is not None and state.records % 1000 == 0:
                    progress(collection.stream, state.records)
                yield record
        except SourceError as exc:
            raise explain(exc, collection.what) from exc
        if progress is not None:
            progress(collection.stream, state.records)

    def fetch(self, kind: str, ident: str) -> dict[str, Any] | None:
        """``GET /ws/v1/<kind>/<id>`` (a course or term a section names but its school's
        list lacks); ``None`` when PowerSchool has no such record."""
        if (kind, ident) in self.missing:
            return None
        what = f"the {kind} {ident} a section refers to"
        try:
            response, body = self.connector.client.get_json(f"{_V1}/{kind}/{ident}")
        except SourceError as exc:
            if http_status(exc) == 404:
                self.missing[(kind, ident)] = True
                return None
            raise explain(exc, what) from exc
        return single(body, kind, f"PowerSchool {what}: GET {response.request.url}")

    # -- the run ---------------------------------------------------------------------------
    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        yield "district", self.read_district()
        schools = list(self.read_schools())
        for school in schools:
            yield "schools", school
        for school in schools:
            yield from self.read_terms(school)
            yield from self.read_courses(school)
            self.read_staff(school)
            yield from self.read_students(school)
        for school in schools:
            yield from self.read_sections(school)
        yield from self.staff_users()

    def read_district(self) -> dict[str, Any]:
        response, body = self.connector.get_one(f"{_V1}/district", "district")
        self.ctx.states.setdefault("district", StreamState(records=1, pages=1))
        district = _district(body, f"PowerSchool district: GET {response.request.url}")
        number_ = text(district.get("district_number"))
        self.district = (
            self.cfg.district_id
            or text(district.get("uuid"))
            or (f"district:{number_}" if number_ else "district")
        )
        return {**self.base(district), "_id": self.district}

    def read_schools(self) -> Iterator[dict[str, Any]]:
        wanted = {str(i) for i in self.cfg.school_ids}
        found: set[str] = set()
        collection = Collection(
            "schools", f"{_V1}/district/school", "schools", "school", "schools of the district"
        )
        for school in self.read(collection):
            ident = text(school.get("id"))
            if not ident:
                raise SourceDataError("PowerSchool schools of the district: a school has no id")
            if (wanted and ident not in wanted) or not self.first_time("schools", ident):
                continue
            found.add(ident)
            yield {**self.base(school), "_district": self.district}
        if wanted - found:
            raise SourceDataError(
                "PowerSchool schools of the district: school_ids names "
                f"{', '.join(sorted(wanted - found))}, which the district's school list "
                "does not hold (check the ids: they are SCHOOLS.DCID values)"
            )

    def term(self, term: dict[str, Any], school: str) -> dict[str, Any]:
        start_year = text(term.get("start_year"))
        year = number(start_year)
        if year is None:
            begin = iso_date(term.get("start_date"))
            year = (int(begin[:4]) - (0 if int(begin[5:7]) >= 7 else 1)) if begin else None
        kind = session_type(term.get("portion"))
        parent = "" if kind == "schoolYear" else self.year_terms.get((school, str(year)), "")
        return {
            **self.base(term),
            "_type": kind,
            "_parent": parent,
            "_school_year": str(year + 1) if year is not None else "",
        }

    def read_terms(self, school: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        ident = text(school["id"])
        terms = list(self.read(_school_collection("terms", ident, self.cfg)))
        for term in terms:
            if session_type(term.get("portion")) == "schoolYear":
                year_key = (ident, text(term.get("start_year")))
                self.year_terms.setdefault(year_key, text(term.get("id")))
        for term in terms:
            key = text(term.get("id"))
            if key and self.first_time("terms", key):
                self.terms.add(key)
                yield "terms", self.term(term, ident)

    def course(self, course: dict[str, Any]) -> dict[str, Any]:
        enriched = {**self.base(course), "_district": self.district}
        self.courses[text(course.get("id"))] = enriched
        return enriched

    def read_courses(self, school: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        for course in self.read(_school_collection("courses", text(school["id"]), self.cfg)):
            key = text(course.get("id"))
            # Courses are district-wide: the same course is listed by every school offering it.
            if key and self.first_time("courses", key):
                yield "courses", self.course(course)

    def read_staff(self, school: dict[str, Any]) -> None:
        ident = text(school["id"])
        for staff in self.read(_school_collection("staff", ident, self.cfg)):
            record_id = text(staff.get("id"))
            person_key = text(staff.get("users_dcid")) or record_id
            if not person_key:
                self.skip("staff: no id", f"a staff record of school {ident} has no id")
                continue
            user_id = f"staff:{person_key}"
            if record_id:
                self.staff_user[record_id] = user_id
            person = self.staff.setdefault(user_id, _Person(staff, RoleBook(user_id)))
            role, active = staff_role(staff, school)
            if role is not None:
                person.book.add(role, ident, active)

    def read_students(self, school: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        ident = text(school["id"])
        for student in self.read(_school_collection("students", ident, self.cfg)):
            key = text(student.get("id"))
            if not key:
                self.skip("students: no id", f"a student record of school {ident} has no id")
                continue
            if not self.first_time("students", key):
                self.skip("students: listed by a second school")
                continue
            status = enroll_status(student)
            rostered = status in self.cfg.student_statuses
            self.students[key] = rostered
            if not rostered and not self.incremental:
                self.skip(f"students: enrollment status {status}")
                continue
            yield "students", self.student(student, ident, rostered)

    def student(self, student: dict[str, Any], school: str, rostered: bool) -> dict[str, Any]:
        key = text(student["id"])
        user_id = f"student:{key}"
        given, middle, family = name_parts(student, f"student {key}")
        enrollment = first(student.get("school_enrollment"))
        enrollment = enrollment if isinstance(enrollment, Mapping) else {}
        contact = first(student.get("contact_info"))
        book = RoleBook(user_id)
        book.add("student", school, rostered)
        demo = demographics(student, self.cfg.race_codes) if self.cfg.include_demographics else None
        return {
            **self.base(student, rostered),
            "_user_id": user_id,
            "_given": given,
            "_middle": middle,
            "_family": family,
            "_user_ids": user_ids(
                [
                    ("PowerSchool", key),
                    ("StudentNumber", student.get("local_id")),
                    ("StateId", student.get("state_province_id")),
                ]
            ),
            "_username": text(student.get("student_username")),
            "_email": text(contact.get("email")) if isinstance(contact, Mapping) else "",
            "_grade": grade(enrollment.get("grade_level")),
            "_roles": book.roles(ended=self.incremental),
            "_primary_org": school if rostered else "",
            "_demographics": demo,
        }

    def section_course(self, section: dict[str, Any]) -> tuple[dict[str, Any] | None, bool]:
        """``(course, newly fetched)`` of a section: from the schools' course lists, else
        fetched by id."""
        key = text(section.get("course_id"))
        if not key:
            return None, False
        if key in self.courses:
            return self.courses[key], False
        found = self.fetch("course", key)
        if found is None:
            return None, False
        self.first_time("courses", key)
        return self.course(found), True

    def section_term(
        self, section: dict[str, Any], school: str
    ) -> tuple[bool, dict[str, Any] | None]:
        """``(known, newly fetched term)`` of a section."""
        key = text(section.get("term_id"))
        if not key:
            return False, None
        if key in self.terms:
            return True, None
        found = self.fetch("term", key)
        if found is None:
            return False, None
        self.terms.add(key)
        self.first_time("terms", key)
        return True, self.term(found, text(found.get("school_id")) or school)

    def teacher(self, section: dict[str, Any], school: str) -> str | None:
        staff_id = text(section.get("staff_id"))
        if not staff_id or staff_id == "0":
            return None
        user_id = self.staff_user.get(staff_id)
        if user_id is None and f"staff:{staff_id}" in self.staff:
            user_id = f"staff:{staff_id}"
        if user_id is None:
            self.skip(
                "sections: teacher not in any staff list",
                f"section {text(section.get('id'))} names teacher {staff_id}, whom no "
                "school's staff list holds; the class is kept without a teacher",
            )
            return None
        self.staff[user_id].book.add("teacher", school, True)
        return user_id

    def read_sections(self, school: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        ident = text(school["id"])
        for section in self.read(_school_collection("sections", ident, self.cfg)):
            key = text(section.get("id"))
            if not key or not self.first_time("sections", key):
                continue
            course, fetched_course = self.section_course(section)
            known_term, fetched_term = self.section_term(section, ident)
            if course is None or not known_term:
                missing = "course" if course is None else "term"
                ref = section.get("course_id" if course is None else "term_id")
                self.skip(
                    f"sections: {missing} not found",
                    f"section {key} of school {ident} refers to {missing} {text(ref) or '(none)'}"
                    ", which PowerSchool does not have; the section is not synced",
                )
                continue
            if fetched_course:
                yield "courses", course
            if fetched_term is not None:
                yield "terms", fetched_term
            yield "sections", self.section(section, ident, course)
            yield from self.read_enrollments(key, ident)

    def section(
        self, section: dict[str, Any], school: str, course: Mapping[str, Any]
    ) -> dict[str, Any]:
        key = text(section["id"])
        name, code = text(course.get("course_name")), text(course.get("course_number"))
        number_ = text(section.get("section_number"))
        title = f"{name} - {number_}" if name and number_ else name or f"Section {number_ or key}"
        class_code = f"{code}.{number_}" if code and number_ else code or number_
        teacher = self.teacher(section, school)
        return {
            **self.base(section),
            "_school": school,
            "_title": title,
            "_class_code": class_code,
            "_periods": periods(section.get("expression") or section.get("external_expression")),
            "_teacher": teacher or "",
            "_teacher_enrollment": f"{key}:{teacher}" if teacher else "",
        }

    def read_enrollments(self, section: str, school: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for enrollment in self.read(_enrollments(section)):
            key = text(enrollment.get("id"))
            if not key or not self.first_time("section_enrollments", key):
                continue
            student = text(enrollment.get("student_id"))
            rostered = self.students.get(student)
            if rostered is None:
                self.skip(
                    "section_enrollments: student not in any school's list",
                    f"enrollment {key} of section {section} is of student {student}, whom "
                    "no synced school lists",
                )
                continue
            dropped = truth(enrollment.get("dropped")) == "true"
            active = rostered and not dropped
            if not active and not self.incremental:
                self.skip(
                    "section_enrollments: dropped"
                    if dropped
                    else "section_enrollments: student not rostered"
                )
                continue
            yield (
                "section_enrollments",
                {
                    **self.base(enrollment, active),
                    "_school": school,
                    "_section": section,
                    "_student": f"student:{student}",
                    "_begin": iso_date(enrollment.get("entry_date")),
                    "_end": iso_date(enrollment.get("exit_date")),
                },
            )

    def staff_users(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for user_id, person in self.staff.items():
            active = person.book.active
            if not active and not self.incremental:
                self.skip("staff: no active teacher or administrator role")
                continue
            if not active and not person.book.roles(ended=True):
                continue  # never rostered by any school: nothing to remove either
            yield "staff", self.staff_user_record(user_id, person, active)

    def staff_user_record(self, user_id: str, person: _Person, active: bool) -> dict[str, Any]:
        staff = person.record
        key = user_id.removeprefix("staff:")
        given, middle, family = name_parts(staff, f"staff {key}")
        emails = first(staff.get("emails"))
        email = ""
        if isinstance(emails, Mapping):
            email = text(emails.get("work_email")) or next(
                (t for v in emails.values() if (t := text(v)) and "@" in t), ""
            )
        return {
            **self.base(staff, active),
            "_user_id": user_id,
            "_given": given,
            "_middle": middle,
            "_family": family,
            "_user_ids": user_ids([("PowerSchool", key), ("TeacherNumber", staff.get("local_id"))]),
            "_username": text(staff.get("teacher_username")) or text(staff.get("admin_username")),
            "_email": email,
            "_roles": person.book.roles(ended=self.incremental),
            "_primary_org": person.book.primary_school(),
        }
