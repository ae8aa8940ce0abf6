"""Clever records → the enriched records the mapping (``mappings/clever``) reads.

``Shaper`` serves full and incremental runs alike. Every record it emits carries
``_status`` (``active`` or ``tobedeleted``) and ``_modified`` (when Clever last changed
it: the record's ``last_modified``, an event's ``created``, else the run's start); the
rest of the ``_``-prefixed fields are listed per method.

The importer rejects a whole package over one dangling required reference, and one
unshared school must not fail a district's sync, so references the hub would not hold
are left out or replaced (and counted in ``skipped``):

* ``orgs``: the orgs a role or a section may name. A full run collects them as it reads
  (districts and schools come first); an incremental run is given the orgs Clever
  shares now. A role at another org is left out; a user left without a role is not
  rostered; a section of another school is left out.
* ``rosterable(user)``: whether an enrollment may name the user. In a full run: the user
  was emitted (users are read before sections). An incremental run asks the connector,
  which knows the users the events changed and looks others up at Clever.
* In a full run (``known``), a section's course or term that was not read is replaced
  by a stand-in, as for sections without one. An incremental run trusts the store.

An incremental run restates only what changed: a section's enrollments of people who
joined or whose role changed (all of them when the section moved school) and tombstones
for people who left; a user's current roles and tombstones for roles it lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from interop_hub.connectors.clever.config import CleverConfig
from interop_hub.connectors.clever.records import (
    CLEVER_ROLES,
    Member,
    contact_students,
    school_year_bounds,
    section_members,
    term_dates,
    text,
    user_ids,
    user_roles,
)

__all__ = ["ACTIVE", "DELETED", "Known", "Out", "Shaper"]

ACTIVE: Final = "active"
DELETED: Final = "tobedeleted"

Out = list[tuple[str, dict[str, Any]]]


@dataclass
class Known:
    """Ids emitted so far in a full run."""

    orgs: set[str] = field(default_factory=set)
    terms: set[str] = field(default_factory=set)
    courses: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)


def _instant(value: object) -> str:
    """``value`` if it is an ISO 8601 date-time, else ``""``."""
    raw = text(value)
    try:
        datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return raw if "T" in raw else ""


def _stamp(record: Mapping[str, Any], status: str, modified: str) -> dict[str, Any]:
    return {
        **record,
        "_status": status,
        "_modified": _instant(record.get("last_modified")) or modified,
    }


class Shaper:
    """``known``: a full run's view (also its ``orgs`` and ``rosterable``); an incremental
    run passes ``orgs`` and ``rosterable`` instead."""

    def __init__(
        self,
        config: CleverConfig,
        *,
        undated_year: int,
        known: Known | None = None,
        orgs: set[str] | None = None,
        rosterable: Callable[[str], bool] | None = None,
    ) -> None:
        self.config = config
        self.undated_year = undated_year
        self.known = known
        self.orgs = known.orgs if known is not None else orgs
        if known is not None:
            self.rosterable: Callable[[str], bool] = known.users.__contains__
        else:
            self.rosterable = rosterable or (lambda _user: True)
        self.skipped: Counter[str] = Counter()
        self.enabled = frozenset(
            r for r in CLEVER_ROLES if r != "contact" or config.include_contacts
        )
        self._derived: set[tuple[str, str]] = set()

    # -- orgs, terms, courses --------------------------------------------------------------
    def org(self, stream: str, record: Mapping[str, Any], status: str, modified: str) -> Out:
        """``districts`` and ``schools``: as read."""
        if self.known is not None:
            self.known.orgs.add(text(record.get("id")))
        return [(stream, _stamp(record, status, modified))]

    def term(self, record: Mapping[str, Any], status: str, modified: str) -> Out:
        """``terms``: ``_start``, ``_end`` (dates) and ``_school_year``."""
        start, end, year = term_dates(record, self.undated_year)
        if self.known is not None:
            self.known.terms.add(text(record.get("id")))
        shaped = _stamp(record, status, modified)
        shaped |= {"_start": start.isoformat(), "_end": end.isoformat(), "_school_year": str(year)}
        return [("terms", shaped)]

    def course(self, record: Mapping[str, Any], status: str, modified: str) -> Out:
        """``courses``: ``_org`` (the district; Clever courses belong to the district)."""
        if self.known is not None:
            self.known.courses.add(text(record.get("id")))
        return [("courses", {**_stamp(record, status, modified), "_org": record.get("district")})]

    # -- users -----------------------------------------------------------------------------
    def roles(
        self, user: Mapping[str, Any] | None, *, filtered: bool = True
    ) -> list[dict[str, str]]:
        """The user's roles.csv cells; ``filtered``: only at ``orgs``."""
        if user is None:
            return []
        return user_roles(
            user,
            enabled=self.enabled,
            staff_role=self.config.staff_role,
            known_orgs=self.orgs if filtered else None,
        )

    def is_rostered(self, user: Mapping[str, Any]) -> bool:
        """Whether the user holds a synced role at a synced org."""
        return bool(self.roles(user))

    @staticmethod
    def _is_student(user: Mapping[str, Any] | None) -> bool:
        roles = user.get("roles") if user is not None else None
        return isinstance(roles, Mapping) and isinstance(roles.get("student"), Mapping)

    def user(
        self,
        record: Mapping[str, Any],
        status: str,
        modified: str,
        *,
        previous: Mapping[str, Any] | None = None,
        agents: list[str] | None = None,
    ) -> Out:
        """``users``: ``_roles`` (roles.csv cells, each with its ``status``; roles the user
        no longer holds are tombstoned), ``_primary_org``, ``_user_ids``, ``_agents``,
        ``_demographics`` (the demographics row's status, absent: no row), and for
        contacts ``_phone``/``_sms``.

        A user without a synced role at a synced org is not rostered: left out, or
        retired when an incremental run sees a rostered user lose its last one."""
        user_id = text(record.get("id"))
        current = self.roles(record) if status == ACTIVE else []
        if status == ACTIVE and not current:
            if self.known is not None or not self.roles(previous):
                self.skipped["users without a synced role"] += 1
                return []
            status = DELETED  # lost its last synced role: no longer rostered here
        if status == DELETED:
            current = self.roles(record, filtered=False)
        for row in current:
            row["status"] = status
        ids = {row["sourcedId"] for row in current}
        gone = [
            {**row, "status": DELETED}
            for row in self.roles(previous, filtered=False)
            if row["sourcedId"] not in ids
        ]
        shaped = _stamp(record, status, modified)
        shaped["_roles"] = current + gone
        shaped["_primary_org"] = current[0]["orgSourcedId"] if current else None
        shaped["_user_ids"] = user_ids(record)
        roles = record.get("roles")
        contact = roles.get("contact") if isinstance(roles, Mapping) else None
        if isinstance(contact, Mapping) and "contact" in self.enabled:
            shaped["_agents"] = contact_students(contact)
            phone = text(contact.get("phone"))
            shaped["_phone"] = phone or None
            shaped["_sms"] = phone if phone and text(contact.get("phone_type")) == "Cell" else None
        elif agents is not None:
            shaped["_agents"] = agents
        if self.config.include_demographics:
            if status == ACTIVE and self._is_student(record):
                shaped["_demographics"] = ACTIVE
            elif self._is_student(record) or self._is_student(previous):
                shaped["_demographics"] = DELETED
        if self.known is not None:
            self.known.users.add(user_id)
        return [("users", shaped)]

    # -- sections --------------------------------------------------------------------------
    def _derived_once(self, stream: str, record: dict[str, Any]) -> Out:
        key = (stream, str(record["id"]))
        if key in self._derived:
            return []
        self._derived.add(key)
        return [(stream, record)]

    def undated_term(self, district: str, modified: str) -> Out:
        """The stand-in term of sections without one (or with a term not synced)."""
        start, end = school_year_bounds(self.undated_year)
        term = {
            "id": f"undated:{district}",
            "name": "Sections without a term",
            "_type": "schoolYear",
            "_start": start.isoformat(),
            "_end": end.isoformat(),
            "_school_year": str(self.undated_year),
            "_status": ACTIVE,
            "_modified": modified,
        }
        return self._derived_once("terms", term)

    def section_course(self, section: Mapping[str, Any], status: str, modified: str) -> Out:
        """The stand-in course of a section without one: ``section:<id>``, at its school."""
        course = {
            "id": f"section:{text(section.get('id'))}",
            "name": text(section.get("name")) or text(section.get("section_number")),
            "number": section.get("section_number"),
            "_org": section.get("school"),
            "_status": status,
            "_modified": modified,
        }
        return self._derived_once("courses", course)

    def section(
        self,
        record: Mapping[str, Any],
        status: str,
        modified: str,
        *,
        previous: Mapping[str, Any] | None = None,
    ) -> Out:
        """``sections`` (``_course``, ``_term``) and their ``enrollments`` (``id`` is
        ``<section>:<user>``; ``section``, ``school``, ``user``, ``role``, ``primary``)."""
        section_id = text(record.get("id"))
        school = text(record.get("school"))
        known = self.known
        if status == ACTIVE and self.orgs is not None and school not in self.orgs:
            self.skipped["sections of a school not synced"] += 1
            return []
        out: Out = []
        course = text(record.get("course"))
        if not course or (known is not None and course not in known.courses):
            out += self.section_course(record, status, modified)
            course = f"section:{section_id}"
        term = text(record.get("term_id"))
        if not term or (known is not None and term not in known.terms):
            term = f"undated:{text(record.get('district'))}"
            if status == ACTIVE:
                out += self.undated_term(text(record.get("district")), modified)
        shaped = _stamp(record, status, modified)
        out.append(("sections", shaped | {"_course": course, "_term": term}))
        stamp = shaped["_modified"]
        members = section_members(record)
        before = {m.user: m for m in section_members(previous)} if previous else {}
        if status == DELETED:
            gone = [m for m in before.values() if m.user not in {n.user for n in members}]
            for member in members + gone:
                out.append(("enrollments", self._enrollment(record, member, DELETED, stamp)))
            return out
        moved = previous is None or text(previous.get("school")) != school
        restate = [m for m in members if moved or before.get(m.user) != m]
        for member in restate:
            if self.rosterable(member.user):
                out.append(("enrollments", self._enrollment(record, member, ACTIVE, stamp)))
            else:
                self.skipped["enrollments of people not synced"] += 1
        current = {m.user for m in members}
        for member in before.values():
            if member.user not in current:
                out.append(("enrollments", self._enrollment(record, member, DELETED, stamp)))
        return out

    @staticmethod
    def _enrollment(
        section: Mapping[str, Any], member: Member, status: str, modified: str
    ) -> dict[str, Any]:
        section_id = text(section.get("id"))
        return {
            "id": f"{section_id}:{member.user}",
            "section": section_id,
            "school": section.get("school"),
            "user": member.user,
            "role": member.role,
            "primary": "true" if member.primary else "false",
            "_status": status,
            "_modified": modified,
        }
