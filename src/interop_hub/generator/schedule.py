"""Per-school master schedule: courses, class sections, teachers and who sits in which class.

Assumptions:

* **Elementary**: each grade is split into homeroom groups of at most 25 students. A group's
  homeroom teacher teaches its homeroom class and its four core-subject classes (5 sections).
  Art, music and PE specialists each teach up to 12 groups. A third of the groups get a
  special-education co-teacher in ELA and mathematics (``primary=false``); one co-teacher
  serves three groups (6 sections). Elementary classes run for the school year and carry no
  period.
* **Secondary**: an 8-period day. Each grade is split into up to 8 rotation groups of ~25;
  a group's period offset is shifted per grade so sections spread across the day. Student
  slot *j* meets in period ``(offset + j) % 8 + 1``, so no student has two classes in one
  period. Each (period, course) pool is cut into sections of at most 32 students; elective
  pools under 8 students are merged into the most popular elective of that period. Teachers
  are assigned per department, filling one teacher at a time with up to 5 or 6 sections
  (alternating) in distinct periods; 10% of ELA and math sections get a special-education
  co-teacher. Secondary classes are year-long with ``termSourcedIds`` = both semesters.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from interop_hub.generator.catalog import (
    ELEMENTARY_CORE,
    ELEMENTARY_SPECIALS,
    GRADES,
    HIGH_ELECTIVES,
    LEVEL_GRADES,
    MIDDLE_ELECTIVES,
    CourseSpec,
    elementary_homeroom,
    required_slots,
)
from interop_hub.generator.district import SchoolPlan, sections_needed
from interop_hub.generator.people import Staff, Student, WeightedPick

__all__ = ["SchoolSchedule", "Section", "Terms", "schedule_school"]

ELEMENTARY_GROUP_CAP: Final = 25
SPECIALIST_GROUPS: Final = 12
SECONDARY_CAP: Final = 32
MIN_ELECTIVE: Final = 8
PERIODS: Final = 8
_CLASS_LOADS: Final = WeightedPick.of((6, 7, 8), (0.2, 0.6, 0.2))
_GRADE_ORDER: Final = {g: i for i, g in enumerate(GRADES)}
_SPED: Final = "Special Education"


@dataclass(frozen=True, slots=True)
class Terms:
    """The terms classes refer to, as written into classes.csv."""

    elementary: str  # the school-year session id
    secondary: str  # "s1,s2" session ids
    begin: str  # ISO date, first day of the year
    end: str  # ISO date, exclusive end of the year


@dataclass(slots=True)
class Section:
    course: CourseSpec
    title: str
    code: str
    class_type: str
    period: str
    terms: str
    students: list[Student]
    teachers: list[tuple[Staff, bool]] = field(default_factory=list)  # (teacher, primary)
    id: str = ""
    location: str = ""

    @property
    def grades(self) -> str:
        found = {s.grade for s in self.students} or set(self.course.grades)
        return ",".join(sorted(found, key=_GRADE_ORDER.__getitem__))


@dataclass(slots=True)
class SchoolSchedule:
    courses: list[CourseSpec] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    teachers: list[Staff] = field(default_factory=list)


TeacherFactory = Callable[[str], Staff]  # department -> new teacher


def _split(items: Sequence[Student], parts: int) -> list[list[Student]]:
    """Split into ``parts`` contiguous chunks whose sizes differ by at most one."""
    size, extra = divmod(len(items), parts)
    out: list[list[Student]] = []
    start = 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


def _label(i: int) -> str:
    return chr(65 + i) if i < 26 else str(i + 1)


def _grade_label(grade: str) -> str:
    return "K" if grade == "KG" else str(int(grade))


def _elementary(
    by_grade: dict[str, list[Student]],
    terms: Terms,
    new_teacher: TeacherFactory,
    rng: random.Random,
) -> SchoolSchedule:
    out = SchoolSchedule()
    groups: list[tuple[str, str, list[Student], list[Section]]] = []
    for grade in LEVEL_GRADES["elementary"]:
        studs = by_grade.get(grade, [])
        if not studs:
            continue
        homeroom = elementary_homeroom(grade)
        out.courses.append(homeroom)
        out.courses.extend(ELEMENTARY_CORE[grade])
        for i, chunk in enumerate(_split(studs, sections_needed(len(studs), ELEMENTARY_GROUP_CAP))):
            label = _label(i)
            teacher = new_teacher("Elementary")
            out.teachers.append(teacher)
            core: list[Section] = []
            for course in (homeroom, *ELEMENTARY_CORE[grade]):
                section = Section(
                    course=course,
                    title=f"{course.title} - {label}",
                    code=f"{course.code}-{label}",
                    class_type="homeroom" if course is homeroom else "scheduled",
                    period="",
                    terms=terms.elementary,
                    students=chunk,
                    teachers=[(teacher, True)],
                    location=teacher.room,
                )
                core.append(section)
                out.sections.append(section)
            groups.append((grade, label, chunk, core))
    if not groups:
        return out
    # Specials: each specialist teaches up to SPECIALIST_GROUPS homeroom groups.
    out.courses.extend(ELEMENTARY_SPECIALS)
    for course in ELEMENTARY_SPECIALS:
        n_teachers = sections_needed(len(groups), SPECIALIST_GROUPS)
        for share in _split_groups(groups, n_teachers):
            teacher = new_teacher(course.subject)
            out.teachers.append(teacher)
            for grade, label, chunk, _ in share:
                out.sections.append(
                    Section(
                        course=course,
                        title=f"{course.title} - {_grade_label(grade)}{label}",
                        code=f"{course.code}-{grade}{label}",
                        class_type="scheduled",
                        period="",
                        terms=terms.elementary,
                        students=chunk,
                        teachers=[(teacher, True)],
                        location=teacher.room,
                    )
                )
    # Special-education co-teachers: one per three flagged groups, in ELA and math.
    flagged = [g for g in groups if rng.random() < 1 / 3]
    for start in range(0, len(flagged), 3):
        co = new_teacher(_SPED)
        out.teachers.append(co)
        for _, _, _, core in flagged[start : start + 3]:
            for section in core:
                if section.course.subject in ("English Language Arts", "Mathematics"):
                    section.teachers.append((co, False))
    return out


def _split_groups(
    groups: list[tuple[str, str, list[Student], list[Section]]], parts: int
) -> list[list[tuple[str, str, list[Student], list[Section]]]]:
    size, extra = divmod(len(groups), parts)
    out = []
    start = 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(groups[start:end])
        start = end
    return out


def _pick(rng: random.Random, options: Sequence[tuple[CourseSpec, float]]) -> CourseSpec:
    if len(options) == 1:
        return options[0][0]
    return rng.choices([c for c, _ in options], [w for _, w in options])[0]


def _electives(
    rng: random.Random,
    catalog: Sequence[tuple[CourseSpec, float]],
    count: int,
    taken: set[str],
) -> list[CourseSpec]:
    pool = [(c, w) for c, w in catalog if c.code not in taken]
    picked: list[CourseSpec] = []
    for _ in range(min(count, len(pool))):
        course = rng.choices([c for c, _ in pool], [w for _, w in pool])[0]
        picked.append(course)
        pool = [(c, w) for c, w in pool if c is not course]
    return picked


def _secondary(
    school: SchoolPlan,
    by_grade: dict[str, list[Student]],
    terms: Terms,
    new_teacher: TeacherFactory,
    rng: random.Random,
) -> SchoolSchedule:
    out = SchoolSchedule()
    catalog = MIDDLE_ELECTIVES if school.level == "middle" else HIGH_ELECTIVES
    elective_codes = {c.code for c, _ in catalog}
    courses: dict[str, CourseSpec] = {}
    pools: dict[tuple[int, str], list[Student]] = {}
    taking: dict[int, set[str]] = {}

    def seat(student: Student, period: int, course: CourseSpec) -> None:
        courses.setdefault(course.code, course)
        pools.setdefault((period, course.code), []).append(student)

    for grade in LEVEL_GRADES[school.level]:
        studs = by_grade.get(grade, [])
        if not studs:
            continue
        n = len(studs)
        groups = min(PERIODS, sections_needed(n, 25))
        shift = 3 * _GRADE_ORDER[grade]
        slots = required_slots(grade)
        for i, student in enumerate(studs):
            offset = (i * groups // n + shift) % PERIODS
            k = _CLASS_LOADS(rng)
            taken: set[str] = set()
            for j, slot in enumerate(slots):
                course = _pick(rng, slot)
                taken.add(course.code)
                seat(student, (offset + j) % PERIODS + 1, course)
            for j, course in enumerate(_electives(rng, catalog, k - len(slots), taken)):
                taken.add(course.code)
                seat(student, (offset + len(slots) + j) % PERIODS + 1, course)
            taking[student.number] = taken

    # Merge tiny elective pools into the largest elective of the same period.
    small = sorted(
        (
            k
            for k, members in pools.items()
            if k[1] in elective_codes and len(members) < MIN_ELECTIVE
        ),
        key=lambda k: (k[0], len(pools[k]), k[1]),
    )
    for period, code in small:
        members = pools[(period, code)]
        if len(members) >= MIN_ELECTIVE:
            continue  # grew from an earlier merge
        targets = sorted(
            (k for k in pools if k[0] == period and k[1] in elective_codes and k[1] != code),
            key=lambda k: (-len(pools[k]), k[1]),
        )
        keep: list[Student] = []
        for student in members:
            taken = taking[student.number]
            target = next((t for t in targets if t[1] not in taken), None)
            if target is None:
                keep.append(student)
                continue
            taken.discard(code)
            taken.add(target[1])
            pools[target].append(student)
        pools[(period, code)] = keep

    for period, code in sorted(pools):
        members = pools[(period, code)]
        if not members:
            continue
        course = courses[code]
        chunks = _split(members, sections_needed(len(members), SECONDARY_CAP))
        for i, chunk in enumerate(chunks):
            out.sections.append(
                Section(
                    course=course,
                    title=f"{course.title} - P{period}{_label(i) if len(chunks) > 1 else ''}",
                    code=f"{course.code}-P{period}-{i + 1}",
                    class_type="scheduled",
                    period=str(period),
                    terms=terms.secondary,
                    students=chunk,
                )
            )
    used = {s.course.code for s in out.sections}
    out.courses = [courses[c] for c in sorted(used)]
    _assign_teachers(out, new_teacher, rng)
    return out


def _assign_teachers(out: SchoolSchedule, new_teacher: TeacherFactory, rng: random.Random) -> None:
    by_dept: dict[str, list[Section]] = {}
    for section in out.sections:
        by_dept.setdefault(section.course.subject, []).append(section)
    for dept in sorted(by_dept):
        sections = sorted(by_dept[dept], key=lambda s: (s.course.code, int(s.period), s.code))
        _fill(sections, dept, new_teacher, out.teachers, primary=True)
    co_taught = [
        s
        for s in out.sections
        if s.course.subject in ("English Language Arts", "Mathematics") and rng.random() < 0.1
    ]
    _fill(co_taught, _SPED, new_teacher, out.teachers, primary=False)


def _fill(
    sections: list[Section],
    dept: str,
    new_teacher: TeacherFactory,
    all_teachers: list[Staff],
    *,
    primary: bool,
) -> None:
    """Greedy: give each section to the busiest teacher who is free that period."""
    staff: list[tuple[Staff, int, set[str]]] = []  # teacher, max load, periods taught
    for section in sections:
        best: tuple[Staff, int, set[str]] | None = None
        for entry in staff:
            _, max_load, periods = entry
            if len(periods) < max_load and section.period not in periods:
                if best is None or len(periods) > len(best[2]):
                    best = entry
        if best is None:
            teacher = new_teacher(dept)
            all_teachers.append(teacher)
            best = (teacher, 6 if len(staff) % 2 == 0 else 5, set())
            staff.append(best)
        best[2].add(section.period)
        section.teachers.append((best[0], primary))
        if primary:
            section.location = best[0].room


def schedule_school(
    school: SchoolPlan,
    by_grade: dict[str, list[Student]],
    terms: Terms,
    new_teacher: TeacherFactory,
    rng: random.Random,
) -> SchoolSchedule:
    """Build the school's courses, sections and teachers; section ids are assigned later."""
    if school.level == "elementary":
        return _elementary(by_grade, terms, new_teacher, rng)
    return _secondary(school, by_grade, terms, new_teacher, rng)
