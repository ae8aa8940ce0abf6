"""A full run: every resource read once, then every OneRoster record assembled.

Resources are read in the host's dependency order, except ``studentSectionAssociations``,
which is read last: nothing else depends on it, and by then every user and class is known,
so each enrollment is checked and passed on as it is read instead of being held (it is by
far the largest resource). An enrollment whose user or class is not part of the roster (a
student without a school association, a section whose offering is not visible) would be
rejected by the importer as an unresolved reference; it is left out and counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from interop_hub.connectors.edfi_api import records
from interop_hub.connectors.edfi_api.emit import Emitter
from interop_hub.connectors.edfi_api.lookups import Snapshot
from interop_hub.connectors.edfi_api.resources import Names
from interop_hub.connectors.edfi_api.source import EdFiSource

__all__ = ["read_full"]

Output = Iterator[tuple[str, dict[str, Any]]]
LAST = "studentSectionAssociations"


def read_full(source: EdFiSource, names: Names, order: Sequence[str], out: Emitter) -> Output:
    snap = Snapshot(names)
    for resource in order:
        if resource != LAST:
            for doc in source.read(resource):
                snap.add(resource, doc)
    yield from _assemble(snap, out)
    yield from _enrollments("staffSectionAssociations", snap.staff_sections, snap, out)
    yield from _enrollments(LAST, source.read(LAST), snap, out)


def _people(
    stream: str,
    docs: Sequence[dict[str, Any]],
    build: Callable[[dict[str, Any]], dict[str, Any] | None],
    out: Emitter,
) -> Output:
    for doc in docs:
        record = build(doc)
        if record is None:
            out.skipped[f"{stream}: no role at an org of this source (not a OneRoster user)"] += 1
            continue
        yield from out.record(stream, record)


def _assemble(snap: Snapshot, out: Emitter) -> Output:
    now = out.now
    for lea in snap.leas.values():
        yield from out.record(
            "localEducationAgencies", records.org_record("localEducationAgencies", lea, snap, now)
        )
    for school in snap.schools.values():
        yield from out.record("schools", records.org_record("schools", school, snap, now))
    for session in snap.sessions:
        yield from out.record("sessions", records.session_record(session, snap, now))
    for year in records.school_year_records(snap.sessions, snap, now):
        yield from out.record("schoolYears", year)
    for course in snap.courses:
        yield from out.record("courses", records.course_record(course, snap, now))
    for section in snap.sections:
        built = records.class_record(section, snap, now)
        if built is None:
            out.skipped["sections: the course offering is not visible"] += 1
            continue
        yield from out.record("sections", built)
    yield from _people(
        "students",
        list(snap.students.values()),
        lambda d: records.student_record(d, snap, now),
        out,
    )
    yield from _people(
        "contacts",
        list(snap.contacts.values()),
        lambda d: records.contact_record(d, snap, now),
        out,
    )
    yield from _people(
        "staffs", list(snap.staffs.values()), lambda d: records.staff_record(d, snap, now), out
    )


def _enrollments(
    resource: str,
    docs: Iterator[dict[str, Any]] | list[dict[str, Any]],
    snap: Snapshot,
    out: Emitter,
) -> Output:
    for doc in docs:
        record = records.enrollment_record(resource, doc, out.now)
        derived = record["derived"]
        if not out.has("classes", derived["classSourcedId"]):
            out.skipped[f"{resource}: the section is not part of the roster"] += 1
        elif not out.has("users", derived["userSourcedId"]):
            out.skipped[f"{resource}: the person is not a OneRoster user"] += 1
        else:
            yield from out.record(resource, record)
