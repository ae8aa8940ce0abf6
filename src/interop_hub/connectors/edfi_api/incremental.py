"""An incremental run: the items changed, deleted or re-keyed in one change-version window,
and every OneRoster record they touch.

1. Every resource is read in dependency order with ``minChangeVersion``/
   ``maxChangeVersion``, together with its ``/deletes`` and (6.1+) ``/keyChanges``.
2. Records of one Ed-Fi item (orgs, terms, courses, classes, enrollments) are restated from
   the changed item; a class is also restated when its course offering changed.
3. A school-year session spans its LEA's sessions of that year: it is recomputed from
   ``/sessions?schoolYear=…`` when one of them changed (and retired when none is left).
4. People are re-assembled from *all* their current associations (``OnDemand`` lookups)
   when the person or anything that shapes their user changed: a user restated in a delta
   package replaces its agents, so a partial view would drop guardians. A contact follows
   the students they are linked to (their parent role sits at the student's school).
5. Deleted and re-keyed items become tombstones keyed by the sourcedId their record had;
   a person who no longer exists or has no role left is retired with their user.

Known limit: a school moved to another LEA keeps its sessions' school-year parent until the
sessions change or a full run restates them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from interop_hub.connectors.edfi_api import records, tombstones
from interop_hub.connectors.edfi_api.changes import Window
from interop_hub.connectors.edfi_api.emit import Emitter
from interop_hub.connectors.edfi_api.lookups import OnDemand, offering_key
from interop_hub.connectors.edfi_api.resources import KEY_CHANGES, Names
from interop_hub.connectors.edfi_api.source import EdFiSource
from interop_hub.connectors.edfi_api.tombstones import Person, flat_key, people_of
from interop_hub.edfi.canonical import ids

__all__ = ["read_changes"]

log = logging.getLogger(__name__)

Doc = dict[str, Any]
Output = Iterator[tuple[str, Doc]]


@dataclass
class Changes:
    """What one window holds: current items by resource, and gone natural keys."""

    changed: dict[str, list[Doc]] = field(default_factory=dict)
    gone: list[tuple[str, Doc, str]] = field(default_factory=list)
    """``(resource, natural key, Ed-Fi id)`` of deleted items and old keys of re-keyed ones."""
    keyless: int = 0


def _collect(
    source: EdFiSource, order: Sequence[str], window: Window, key_changes: bool
) -> Changes:
    found = Changes()
    for resource in order:
        found.changed[resource] = list(source.read(resource, window=window))
        for entry in source.deletes(resource, window):
            key = entry.get("keyValues")
            if isinstance(key, dict) and key:
                found.gone.append((resource, key, str(entry.get("id", ""))))
            else:
                found.keyless += 1
        if key_changes and resource in KEY_CHANGES:
            for entry in source.key_changes(resource, window):
                old, new = entry.get("oldKeyValues"), entry.get("newKeyValues")
                if isinstance(old, dict) and old and old != new:
                    found.gone.append((resource, old, str(entry.get("id", ""))))
    return found


def read_changes(
    source: EdFiSource,
    lookups: OnDemand,
    names: Names,
    order: Sequence[str],
    window: Window,
    out: Emitter,
    *,
    key_changes: bool,
) -> Output:
    found = _collect(source, order, window, key_changes)
    if found.keyless:
        out.skipped["deletes without keyValues (ODS/API before 6.1): left for a full run"] += (
            found.keyless
        )
        log.warning(
            "%d deleted Ed-Fi items came without their natural key (keyValues); the hub "
            "keeps their records until the next full run",
            found.keyless,
        )
    _remember(lookups, names, found.changed)
    changed = found.changed
    now = out.now
    for resource in ("localEducationAgencies", "schools"):
        for doc in changed.get(resource, ()):
            yield from out.record(resource, records.org_record(resource, doc, lookups, now))
    yield from _sessions(lookups, found, out)
    for doc in changed.get("courses", ()):
        yield from out.record("courses", records.course_record(doc, lookups, now))
    yield from _classes(lookups, found, out)
    yield from _people(lookups, names, found, out)
    yield from _enrollments(lookups, found, out)
    for resource, key, origin in found.gone:
        for target, sourced in tombstones.retired(resource, key, names):
            out.tombstone(target, sourced, origin=origin, resource=resource)
    yield from out.flush()


def _remember(lookups: OnDemand, names: Names, changed: dict[str, list[Doc]]) -> None:
    """Changed items are current: lookups of them need no second request."""
    for doc in changed.get("schools", ()):
        lookups.remember("schools", {"schoolId": doc["schoolId"]}, doc)
    for doc in changed.get("localEducationAgencies", ()):
        key = {"localEducationAgencyId": doc["localEducationAgencyId"]}
        lookups.remember("localEducationAgencies", key, doc)
    for resource, unique in (
        ("students", "studentUniqueId"),
        ("staffs", "staffUniqueId"),
        (names.contacts, names.unique_id),
    ):
        for doc in changed.get(resource, ()):
            lookups.remember(resource, {unique: doc[unique]}, doc)


def _sessions(lookups: OnDemand, found: Changes, out: Emitter) -> Output:
    years: set[tuple[int, int]] = set()
    for doc in found.changed.get("sessions", ()):
        yield from out.record("sessions", records.session_record(doc, lookups, out.now))
        years.add(
            (
                int(doc["schoolReference"]["schoolId"]),
                int(doc["schoolYearTypeReference"]["schoolYear"]),
            )
        )
    for resource, key, _ in found.gone:
        if resource == "sessions":
            years.add((int(key["schoolId"]), int(key["schoolYear"])))
    spans: set[tuple[int, int]] = set()
    for school, year in years:
        lea = lookups.lea_of(school)
        if lea is not None:
            spans.add((lea, year))
    for lea, year in sorted(spans):
        sessions = [
            s
            for s in lookups.sessions_in_year(year)
            if lookups.lea_of(int(s["schoolReference"]["schoolId"])) == lea
        ]
        built = records.school_year_records(sessions, lookups, out.now)
        for record in built:
            yield from out.record("schoolYears", record)
        if not built:
            origin = f"{lea}-{year}"
            out.tombstone(
                "academicSessions",
                ids.school_year_id(lea, year),
                origin=origin,
                resource="sessions",
            )


def _classes(lookups: OnDemand, found: Changes, out: Emitter) -> Output:
    sections = list(found.changed.get("sections", ()))
    for offering in found.changed.get("courseOfferings", ()):
        key = offering_key(
            {"localCourseCode": offering["localCourseCode"], **offering["sessionReference"]}
        )
        sections.extend(lookups.sections_of_offering(key))
    for doc in sections:
        built = records.class_record(doc, lookups, out.now)
        if built is None:
            out.skipped["sections: the course offering is not visible"] += 1
            continue
        yield from out.record("sections", built)


def _affected(lookups: OnDemand, names: Names, found: Changes) -> set[Person]:
    people: set[Person] = set()
    for resource, docs in found.changed.items():
        for doc in docs:
            people.update(people_of(resource, flat_key(doc), names))
    for resource, key, _ in found.gone:
        people.update(people_of(resource, key, names))
    # A contact's parent role sits at their student's primary school: follow the students.
    for kind, unique in sorted(people):
        if kind == "student":
            for link in lookups.links_of_student(unique):
                contact = (link.get(names.reference) or {}).get(names.unique_id)
                if contact is not None:
                    people.add(("contact", str(contact)))
    return people


def _people(lookups: OnDemand, names: Names, found: Changes, out: Emitter) -> Output:
    resource_of = {
        "student": ("students", "studentUniqueId", records.student_record),
        "staff": ("staffs", "staffUniqueId", records.staff_record),
        "contact": (names.contacts, names.unique_id, records.contact_record),
    }
    stream_of = {"student": "students", "staff": "staffs", "contact": "contacts"}
    for kind, unique in sorted(_affected(lookups, names, found)):
        resource, field_name, build = resource_of[kind]
        doc = lookups.person(resource, field_name, unique)
        record = build(doc, lookups, out.now) if doc is not None else None
        if record is not None:
            yield from out.record(stream_of[kind], record)
        else:
            for target, sourced in tombstones.person_user(kind, unique):
                out.tombstone(target, sourced, origin=f"{kind} {unique}", resource=resource)
    for staff, school in _teaching_candidates(lookups, found):
        target, sourced = tombstones.stale_teaching_role(staff, school)
        out.tombstone(target, sourced, origin=f"staff {staff}", resource="staffSectionAssociations")


def _teaching_candidates(lookups: OnDemand, found: Changes) -> Iterable[tuple[str, int]]:
    """Teaching roles a window can retire: at the school of a gone section association, or
    where a changed assignment may now give the role instead."""
    seen: set[tuple[str, int]] = set()
    for resource, key, _ in found.gone:
        if resource == "staffSectionAssociations":
            seen.add((str(key["staffUniqueId"]), int(key["schoolId"])))
    for doc in found.changed.get("staffEducationOrganizationAssignmentAssociations", ()):
        staff = str(doc["staffReference"]["staffUniqueId"])
        ed_org = int(doc["educationOrganizationReference"]["educationOrganizationId"])
        if lookups.school(ed_org) is not None:
            seen.add((staff, ed_org))
    return sorted(seen)


def _enrollments(lookups: OnDemand, found: Changes, out: Emitter) -> Output:
    for resource in ("staffSectionAssociations", "studentSectionAssociations"):
        for doc in found.changed.get(resource, ()):
            record = records.enrollment_record(resource, doc, out.now)
            section_school = int(doc["sectionReference"]["schoolId"])
            if resource == "studentSectionAssociations":
                student = str(doc["studentReference"]["studentUniqueId"])
                member = records.primary_school(lookups, student) is not None
            else:
                member = lookups.is_org(section_school)
            if not member:
                out.skipped[f"{resource}: the person is not a OneRoster user"] += 1
                continue
            yield from out.record(resource, record)
