"""Pure helpers that turn PowerSchool records into what the OneRoster mapping needs.

PowerSchool serialises XML as JSON, so a nested element that occurs once is an object
and one that repeats is a list (``name``, ``school_enrollment``, ``ethnicity_race``,
``races``, ``school_affiliations``); ``first``/``every`` read both. Numbers may come as
numbers or strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "ENROLL_STATUS_OF_CODE",
    "RACE_FIELDS",
    "RoleBook",
    "demographics",
    "enroll_status",
    "every",
    "first",
    "grade",
    "iso_date",
    "name_parts",
    "number",
    "periods",
    "session_type",
    "staff_role",
    "text",
    "truth",
    "user_ids",
]

# school_enrollment.status_code (STUDENTS.ENROLL_STATUS) -> the enroll_status letter.
ENROLL_STATUS_OF_CODE: Final = {0: "A", -1: "P", 2: "T", 3: "G", 4: "H"}
# PowerSchool grade levels (GRADE_LEVEL) -> CEDS entry grade codes.
_GRADES: Final = {-2: "PR", -1: "PK", 0: "KG"}
# SCHOOLSTAFF.STAFFSTATUS (school_affiliation.type): 1 teacher, 4 substitute.
_TEACHING_TYPES: Final = frozenset({1, 4})
_INACTIVE_STATUS: Final = 2  # SCHOOLSTAFF.STATUS: 1 active, 2 inactive
_ROLE_RANK: Final = {"teacher": 0, "siteAdministrator": 1, "student": 2}
_SEX: Final = {"M": "male", "F": "female", "X": "other", "U": "unspecified", "N": "unspecified"}
_YES: Final = frozenset({"1", "y", "yes", "true", "t"})
_NO: Final = frozenset({"0", "n", "no", "false", "f"})
_RACE_WORDS: Final = (
    ("indian", "americanIndianOrAlaskaNative"),
    ("alaska", "americanIndianOrAlaskaNative"),
    ("asian", "asian"),
    ("black", "blackOrAfricanAmerican"),
    ("hawaiian", "nativeHawaiianOrOtherPacificIslander"),
    ("pacific", "nativeHawaiianOrOtherPacificIslander"),
    ("white", "white"),
)
RACE_FIELDS: Final = (
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
)


def first(value: Any) -> Any:
    """An element that may be one object or a list of them: the first one."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def every(value: Any) -> list[Any]:
    """An element that may be absent, one object, or a list: always a list."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


def text(value: Any) -> str:
    """A scalar as text (``12`` and ``"12"`` alike); ``""`` for absent or structured values."""
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def number(value: Any) -> int | None:
    t = text(value)
    if t.lstrip("-").isdigit():
        return int(t)
    return None


def truth(value: Any) -> str:
    """``"true"``/``"false"`` for PowerSchool's yes/no spellings (1/0, Y/N, YES/NO, booleans);
    ``""`` when unknown."""
    t = text(value).lower()
    if t in _YES:
        return "true"
    if t in _NO:
        return "false"
    return ""


def iso_date(value: Any) -> str:
    """``YYYY-MM-DD`` from a date or date-time text; ``""`` otherwise (PowerSchool writes
    ``0000-00-00``-like zero dates for "none", which are dropped too)."""
    t = text(value)
    head = t[:10]
    if len(head) == 10 and head[4] == "-" and head[7] == "-" and head[:4].isdigit():
        return "" if head[:4] == "0000" else head
    return ""


def grade(value: Any) -> str:
    """A PowerSchool grade level as a CEDS code: -2 PR, -1 PK, 0 KG, 1..13 as ``01``..``13``;
    ``""`` for other values (99 is PowerSchool's graduated pseudo-grade)."""
    level = number(value)
    if level is None:
        return ""
    if level in _GRADES:
        return _GRADES[level]
    if 1 <= level <= 13:
        return f"{level:02d}"
    return ""


def enroll_status(student: Mapping[str, Any]) -> str:
    """The student's enrollment status letter (A, P, T, G, H, I) from ``school_enrollment``:
    ``enroll_status`` when given, else ``status_code``; I when neither says otherwise."""
    enrollment = first(student.get("school_enrollment"))
    if not isinstance(enrollment, Mapping):
        return "I"
    letter = text(enrollment.get("enroll_status")).upper()
    if letter in ("A", "P", "T", "G", "H", "I"):
        return letter
    code = number(enrollment.get("status_code"))
    return ENROLL_STATUS_OF_CODE.get(code, "I") if code is not None else "I"


def name_parts(record: Mapping[str, Any], fallback: str) -> tuple[str, str, str]:
    """``(given, middle, family)``; given and family are never empty (a missing part is
    taken from the other, then from ``fallback``) since OneRoster requires both."""
    name = first(record.get("name"))
    name = name if isinstance(name, Mapping) else {}
    given, middle, family = (
        text(name.get("first_name")),
        text(name.get("middle_name")),
        text(name.get("last_name")),
    )
    given = given or family or fallback
    family = family or given
    return given, middle, family


def user_ids(pairs: Sequence[tuple[str, Any]]) -> str:
    """The ``userIds`` cell: ``{type:identifier}`` items for the non-empty identifiers."""
    cells = []
    for kind, value in pairs:
        t = text(value).replace("{", "").replace("}", "").replace(",", " ")
        if t:
            cells.append(f"{{{kind}:{t}}}")
    return ",".join(cells)


def session_type(portion: Any) -> str:
    """A term's OneRoster type from its portion of the year: 1 the school year, 2 a
    semester, anything else (quarters, trimesters, hexmesters) a term."""
    part = number(portion)
    if part == 1:
        return "schoolYear"
    if part == 2:
        return "semester"
    return "term"


def periods(expression: Any) -> str:
    """The ``periods`` cell from a section's expression (``1(A) 3-4(B-C)``): one period per
    space-separated part; commas inside a part (``3(A,C)``) become ``;`` so they are not
    read as separators."""
    return ",".join(p.replace(",", ";") for p in text(expression).split())


def _race_field(race: Mapping[str, Any], codes: Mapping[str, str]) -> str | None:
    code = text(race.get("federal_race_code_category")).upper()
    if code in codes:
        return codes[code]
    words = " ".join(
        text(race.get(k)).lower()
        for k in ("district_race_code_description", "district_race_code_dsescription")
    )
    for word, race_field in _RACE_WORDS:
        if word in words:
            return race_field
    return None


def demographics(student: Mapping[str, Any], codes: Mapping[str, str]) -> dict[str, str] | None:
    """The student's OneRoster demographics cells, or ``None`` when PowerSchool sent no
    demographics at all. Race flags are all given (true/false) when the student has races
    and did not decline; twoOrMore is true with more than one federal category. The SSN in
    the demographics expansion is never read."""
    demo = first(student.get("demographics"))
    ethnicity = first(student.get("ethnicity_race"))
    if not isinstance(demo, Mapping) and not isinstance(ethnicity, Mapping):
        return None
    demo = demo if isinstance(demo, Mapping) else {}
    ethnicity = ethnicity if isinstance(ethnicity, Mapping) else {}
    out = {
        "birthDate": iso_date(demo.get("birth_date")),
        "sex": _SEX.get(text(demo.get("gender")).upper(), ""),
        "hispanicOrLatinoEthnicity": truth(ethnicity.get("federal_ethnicity")),
    }
    declined = bool(text(ethnicity.get("federal_race_decline_indicator")))
    found = {
        f
        for race in every(ethnicity.get("races"))
        if isinstance(race, Mapping) and (f := _race_field(race, codes)) is not None
    }
    if found and not declined:
        out |= {f: "true" if f in found else "false" for f in RACE_FIELDS}
        out["demographicRaceTwoOrMoreRaces"] = "true" if len(found) > 1 else "false"
    return out


def staff_role(staff: Mapping[str, Any], school: Mapping[str, Any]) -> tuple[str | None, bool]:
    """``(role, active)`` of a staff record at ``school``.

    The role is ``teacher`` for a PowerTeacher login (``teacher_username``) or a teacher or
    substitute affiliation, else ``siteAdministrator`` for a PowerSchool admin login
    (``admin_username``), else none (e.g. lunch staff without logins: not rostered). The
    staff member is inactive at the school when that school's affiliation says status 2.
    An affiliation's ``school_id`` is matched against the school's id and its number."""
    ids = {text(school.get("id")), text(school.get("school_number"))} - {""}
    affiliation: Mapping[str, Any] = {}
    wrappers = every(staff.get("school_affiliations"))
    for wrapper in wrappers:
        inner = wrapper.get("school_affiliation") if isinstance(wrapper, Mapping) else None
        for item in every(inner) if inner is not None else [wrapper]:
            if isinstance(item, Mapping) and text(item.get("school_id")) in ids:
                affiliation = item
                break
    active = number(affiliation.get("status")) != _INACTIVE_STATUS
    if text(staff.get("teacher_username")) or number(affiliation.get("type")) in _TEACHING_TYPES:
        return "teacher", active
    if text(staff.get("admin_username")):
        return "siteAdministrator", active
    return None, active


def _order(value: str) -> tuple[int, int, str]:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


@dataclass
class RoleBook:
    """The OneRoster roles of one person, gathered over the schools that list them.

    ``add`` records a role at a school as active or not (the strongest wins: an active
    entry, then a teacher over an administrator). ``roles`` gives the ``roles.csv`` cells:
    the active roles, the highest (teacher > siteAdministrator > student, then the lowest
    school id) ``primary``; with ``ended=True`` also the inactive ones, as ``tobedeleted``
    (an incremental run removes them explicitly)."""

    user_id: str
    _roles: dict[tuple[str, str], bool] = field(default_factory=dict)

    def add(self, role: str, school: str, active: bool) -> None:
        key = (role, school)
        self._roles[key] = self._roles.get(key, False) or active

    @property
    def active(self) -> bool:
        return any(self._roles.values())

    def schools(self) -> list[str]:
        return sorted({s for (_, s), on in self._roles.items() if on}, key=_order)

    def primary_school(self) -> str:
        ordered = self._ordered(active_only=True)
        return ordered[0][1] if ordered else ""

    def _ordered(self, *, active_only: bool) -> list[tuple[str, str]]:
        keys = [k for k, on in self._roles.items() if on or not active_only]
        return sorted(keys, key=lambda rs: (_ROLE_RANK.get(rs[0], 9), _order(rs[1])))

    def roles(self, *, ended: bool = False) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        primary_done = False
        for role, school in self._ordered(active_only=False):
            on = self._roles[(role, school)]
            if not on and not ended:
                continue
            kind = "primary" if on and not primary_done else "secondary"
            primary_done = primary_done or on
            out.append(
                {
                    "sourcedId": f"{self.user_id}:{school}:{role}",
                    "status": "active" if on else "tobedeleted",
                    "role": role,
                    "roleType": kind,
                    "orgSourcedId": school,
                }
            )
        return out
