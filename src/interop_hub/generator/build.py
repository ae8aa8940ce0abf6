"""Generate a synthetic district as a OneRoster 1.2 CSV package, streaming one zone at a time.

Memory stays bounded: only the plan (one record per school) and the current feeder zone's
students, guardians, staff and sections are held; every row is written as soon as its zone is
done. A zone is one high school with its middle and elementary feeders (about 5,000 students
at full scale), so peak memory does not grow with the district's size.

Determinism: each zone draws from its own random stream (``seed``, zone index), ids are
sequential in a fixed processing order, and no wall-clock time is read, so the same
``(students, seed, school_year)`` always yields byte-identical files.

sourcedIds are ``<code>-<kind>-<number>`` (e.g. ``d1-stu-0000042``), where ``code`` is
``d<seed>``: they carry no personal data and districts generated with different seeds can
share one hub without id collisions. The same holds for e-mail domains
(``<place>-<seed>.example.org``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from interop_hub.generator.catalog import GRADES
from interop_hub.generator.district import DistrictPlan, SchoolPlan, make_rng, plan_district
from interop_hub.generator.households import form_households
from interop_hub.generator.names import ascii_slug
from interop_hub.generator.people import (
    Guardian,
    IdMint,
    NameMaker,
    Staff,
    Student,
    draw_student_traits,
)
from interop_hub.generator.schedule import SchoolSchedule, Terms, schedule_school
from interop_hub.generator.sessions import Calendar, build_calendar
from interop_hub.generator.writer import (
    MANIFEST_FILES,
    PackageWriter,
    scratch_folder,
    write_zip,
)

__all__ = ["SYSTEM_CODE", "SYSTEM_NAME", "GenerationSummary", "generate_district"]

SYSTEM_NAME: Final = "Interop Hub Synthetic District Generator"
SYSTEM_CODE: Final = "interop-hub-generator"
_T, _F = "true", "false"
_GRADE_INDEX: Final = {g: i for i, g in enumerate(GRADES)}


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    """What was written: data-row counts per file plus a few structural counts."""

    path: Path
    students: int
    seed: int
    school_year: int
    district_name: str
    schools: dict[str, int]  # per level
    rows: dict[str, int]  # data rows per CSV file (headers excluded)
    teachers: int
    administrators: int  # school and district administrators and counselors
    guardians: int
    twin_pairs: int
    teacher_enrollments: int

    @property
    def student_enrollments(self) -> int:
        return self.rows["enrollments"] - self.teacher_enrollments


@dataclass(slots=True)
class _Stats:
    teachers: int = 0
    administrators: int = 0
    guardians: int = 0
    twin_pairs: int = 0
    teacher_enrollments: int = 0
    schools: dict[str, int] = field(default_factory=dict)


class _Generator:
    def __init__(self, plan: DistrictPlan, pkg: PackageWriter) -> None:
        self.plan = plan
        self.pkg = pkg
        self.cal: Calendar = build_calendar(plan.school_year)
        self.dlm = f"{plan.school_year - 1}-08-01T00:00:00.000Z"
        self.mint = IdMint(plan.code)
        self.district_id = self.mint.fixed("org", 0)
        self.stats = _Stats()
        code, year = plan.code, plan.school_year
        self.session_ids = {
            s.key: f"{code}-ses-{year}" if s.key == "year" else f"{code}-ses-{year}-{s.key}"
            for s in self.cal.sessions
        }
        self.terms = Terms(
            elementary=self.session_ids["year"],
            secondary=f"{self.session_ids['s1']},{self.session_ids['s2']}",
            begin=self.cal.year.start.isoformat(),
            end=self.cal.year.end.isoformat(),
        )

    # -- small files -------------------------------------------------------------------------

    def write_orgs(self) -> None:
        p, dlm = self.plan, self.dlm
        orgs = self.pkg["orgs"]
        orgs.write((self.district_id, "active", dlm, p.name, "district", p.lea_id, ""))
        for s in p.schools:
            orgs.write(
                (self.mint.fixed("org", s.number), "active", dlm, s.name, "school", s.identifier,
                 self.district_id)
            )  # fmt: skip
            self.stats.schools[s.level] = self.stats.schools.get(s.level, 0) + 1

    def write_sessions(self) -> None:
        table = self.pkg["academicSessions"]
        year = str(self.plan.school_year)
        for s in self.cal.sessions:
            parent = self.session_ids[s.parent_key] if s.parent_key else ""
            table.write(
                (self.session_ids[s.key], "active", self.dlm, s.title, s.type,
                 s.start.isoformat(), s.end.isoformat(), parent, year)
            )  # fmt: skip

    def write_district_staff(self, rng: random.Random) -> None:
        names = NameMaker(rng)
        office = ["districtAdministrator"] * (2 + self.plan.students // 25_000)
        office.append("systemAdministrator")
        for role in office:
            self._write_staff(self._new_staff(names, self.district_id, role))
            self.stats.administrators += 1

    # -- people --------------------------------------------------------------------------------

    def _new_staff(
        self,
        names: NameMaker,
        org: str,
        role: str,
        secondary: tuple[str, ...] = (),
        room: str = "",
    ) -> Staff:
        sid, n = self.mint.new("stf")
        sex = names.adult_sex()
        return Staff(
            sid, n, names.given(sex), names.middle(sex), names.family(), org, role, secondary, room
        )

    def _write_staff(self, staff: Staff) -> None:
        username = f"{ascii_slug(staff.given)}.{ascii_slug(staff.family)}{staff.number}"
        number = f"E{staff.number:06d}"
        self.pkg["users"].write(
            (staff.id, "active", self.dlm, _T, username, f"{{SIS:{number}}}", staff.given,
             staff.family, staff.middle, number, f"{username}@{self.plan.domain}", "", "", "",
             "", "", "", "", "", "", staff.org, "")
        )  # fmt: skip
        self._write_role(staff.id, "primary", staff.role, staff.org)
        for role in staff.secondary_roles:
            self._write_role(staff.id, "secondary", role, staff.org)

    def _write_role(self, user: str, role_type: str, role: str, org: str) -> None:
        rid, _ = self.mint.new("rol")
        self.pkg["roles"].write((rid, "active", self.dlm, user, role_type, role, "", "", org, ""))

    def _write_student(self, s: Student, school_id: str) -> None:
        sis = str(100_000 + s.number)
        state_id = f"9{self.plan.seed % 100:02d}{s.number:07d}"
        username = f"{ascii_slug(s.given)[:1]}{ascii_slug(s.family)}{sis}"
        self.pkg["users"].write(
            (s.id, "active", self.dlm, _T, username, f"{{SIS:{sis}}},{{State:{state_id}}}",
             s.given, s.family, s.middle, sis, f"{username}@students.{self.plan.domain}", "", "",
             ",".join(s.guardians), s.grade, "", "", s.preferred, "", "", school_id, "")
        )  # fmt: skip
        self._write_role(s.id, "primary", "student", school_id)
        r = s.race
        self.pkg["demographics"].write(
            (s.id, "active", self.dlm, s.birth.isoformat(), s.sex, _b(r[0]), _b(r[1]), _b(r[2]),
             _b(r[3]), _b(r[4]), _b(r[5]), _b(s.hispanic), s.country, s.birth_state, "", "")
        )  # fmt: skip

    def _write_guardian(self, g: Guardian) -> None:
        schools: list[str] = []
        for kid in g.children:
            org = self.mint.fixed("org", kid.school)
            if org not in schools:
                schools.append(org)
        number = f"G{g.number:07d}"
        username = g.email.split("@", 1)[0] if g.email else ""
        self.pkg["users"].write(
            (g.id, "active", self.dlm, _T if g.email else _F, username, f"{{SIS:{number}}}",
             g.given, g.family, "", number, g.email, g.sms, g.phone,
             ",".join(k.id for k in g.children), "", "", "", "", "", "", schools[0], "")
        )  # fmt: skip
        for org in schools:
            self._write_role(g.id, "primary", g.role, org)

    # -- zones ---------------------------------------------------------------------------------

    def run_zone(self, zone: int, members: tuple[int, ...]) -> None:
        plan = self.plan
        rng = make_rng(plan.seed, "zone", zone)
        names = NameMaker(rng)
        start = self.cal.year.start
        rosters: dict[int, dict[str, list[Student]]] = {}
        everyone: list[Student] = []
        for number in sorted(members):
            school = plan.school(number)
            roster: dict[str, list[Student]] = {}
            for grade, count in school.grade_counts:
                gi = _GRADE_INDEX[grade]
                for _ in range(count):
                    sid, n = self.mint.new("stu")
                    sex, birth, race, hisp, country, state, begin = draw_student_traits(
                        rng,
                        school_year=plan.school_year,
                        grade_index=gi,
                        home_state=plan.home_state,
                        year_start=start,
                    )
                    student = Student(
                        sid, n, number, grade, gi, sex, birth, race, hisp, country, state, begin
                    )
                    roster.setdefault(grade, []).append(student)
                    everyone.append(student)
            rosters[number] = roster
        guardians = form_households(plan, everyone, self.mint, names, force_twins=zone == 0)
        self.stats.twin_pairs += _count_twins(guardians)
        for number in sorted(members):
            self._run_school(plan.school(number), rosters[number], names, rng)
        for g in guardians:
            self._write_guardian(g)
        self.stats.guardians += len(guardians)

    def _run_school(
        self,
        school: SchoolPlan,
        roster: dict[str, list[Student]],
        names: NameMaker,
        rng: random.Random,
    ) -> None:
        school_id = self.mint.fixed("org", school.number)
        for role, secondary in _school_admin_roles(school):
            self._write_staff(self._new_staff(names, school_id, role, secondary))
            self.stats.administrators += 1
        schedule = schedule_school(
            school, roster, self.terms, self._teacher_factory(names, school_id), rng
        )
        for teacher in schedule.teachers:
            self._write_staff(teacher)
        self.stats.teachers += len(schedule.teachers)
        self._write_classes(schedule, school_id)
        for grade in sorted(roster, key=_GRADE_INDEX.__getitem__):
            for student in roster[grade]:
                self._write_student(student, school_id)

    def _teacher_factory(self, names: NameMaker, school_id: str) -> Callable[[str], Staff]:
        rooms = iter(range(101, 10_000))

        def new_teacher(dept: str) -> Staff:
            if dept == "Special Education":
                room = "Learning Center"
            elif dept == "Physical Education":
                room = "Gym"
            else:
                room = f"Room {next(rooms)}"
            return self._new_staff(names, school_id, "teacher", room=room)

        return new_teacher

    def _write_classes(self, schedule: SchoolSchedule, school_id: str) -> None:
        dlm, year_id = self.dlm, self.session_ids["year"]
        course_ids: dict[str, str] = {}
        courses = self.pkg["courses"]
        for c in schedule.courses:
            cid, _ = self.mint.new("crs")
            course_ids[c.code] = cid
            courses.write(
                (cid, "active", dlm, year_id, c.title, c.code, ",".join(c.grades), school_id,
                 c.subject, c.sced)
            )  # fmt: skip
        classes = self.pkg["classes"]
        enrollments = self.pkg["enrollments"]
        prefix, width = self.mint.prefix("enr")
        begin, end = self.terms.begin, self.terms.end
        for section in schedule.sections:
            cls_id, _ = self.mint.new("cls")
            c = section.course
            classes.write(
                (cls_id, "active", dlm, section.title, section.grades, course_ids[c.code],
                 section.code, section.class_type, section.location, school_id, section.terms,
                 c.subject, c.sced, section.period)
            )  # fmt: skip
            n = self.mint.reserve("enr", len(section.teachers) + len(section.students))
            rows: list[tuple[str, ...]] = []
            for teacher, primary in section.teachers:
                rows.append(
                    (f"{prefix}{n:0{width}d}", "active", dlm, cls_id, school_id, teacher.id,
                     "teacher", _T if primary else _F, begin, end)
                )  # fmt: skip
                n += 1
            self.stats.teacher_enrollments += len(section.teachers)
            for s in section.students:
                rows.append(
                    (f"{prefix}{n:0{width}d}", "active", dlm, cls_id, school_id, s.id, "student",
                     "", s.begin if s.begin > begin else begin, end)
                )  # fmt: skip
                n += 1
            enrollments.write_many(rows)


def _b(flag: bool) -> str:
    return _T if flag else _F


def _count_twins(guardians: list[Guardian]) -> int:
    pairs = 0
    seen: set[str] = set()
    for g in guardians:
        key = g.children[0].id
        if key in seen:
            continue
        seen.add(key)
        kids = g.children
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                if a.grade == b.grade and a.birth == b.birth and a.school == b.school:
                    pairs += 1
    return pairs


def _school_admin_roles(school: SchoolPlan) -> list[tuple[str, tuple[str, ...]]]:
    """Principal, assistant principals (siteAdministrator) and counselors (also proctors)."""
    n = school.students
    if school.level == "elementary":
        assistants = 1 if n >= 600 else 0
        counselors = 1
    else:
        assistants = max(1, round(n / (600 if school.level == "middle" else 500)))
        counselors = max(1, round(n / 350))
    roles: list[tuple[str, tuple[str, ...]]] = [("principal", ())]
    roles += [("siteAdministrator", ())] * assistants
    roles += [("counselor", ("proctor",))] * counselors
    return roles


def _prepare(out: Path, *, zip_output: bool, overwrite: bool) -> None:
    if zip_output:
        if out.exists() and not overwrite:
            raise FileExistsError(
                f"{out} already exists (use --overwrite / overwrite=True to replace it)"
            )
        if out.is_dir():
            raise IsADirectoryError(f"{out} is a directory; --zip needs a file path")
        return
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} is not a directory")
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise FileExistsError(
                f"{out} is not empty (use --overwrite / overwrite=True to replace a package)"
            )
        for name in ("manifest", *MANIFEST_FILES):
            (out / f"{name}.csv").unlink(missing_ok=True)


def _generate_into(folder: Path, plan: DistrictPlan) -> tuple[dict[str, int], _Stats]:
    with PackageWriter(folder, system_name=SYSTEM_NAME, system_code=SYSTEM_CODE) as pkg:
        gen = _Generator(plan, pkg)
        gen.write_orgs()
        gen.write_sessions()
        gen.write_district_staff(make_rng(plan.seed, "district-office"))
        for zone, members in enumerate(plan.zones):
            gen.run_zone(zone, members)
    return pkg.counts(), gen.stats


def generate_district(
    out: Path,
    students: int,
    seed: int = 1,
    zip: bool = False,
    *,
    school_year: int = 2025,
    overwrite: bool = False,
) -> GenerationSummary:
    """Write a synthetic OneRoster 1.2 CSV package for a district of exactly ``students``.

    ``out`` is a folder (created if missing; must be empty unless ``overwrite``) or, with
    ``zip=True``, the path of the zip file to write. ``school_year`` is the ending year.
    """
    out = Path(out)
    plan = plan_district(students, seed, school_year)
    _prepare(out, zip_output=zip, overwrite=overwrite)
    if zip:
        with scratch_folder(out.parent) as tmp:
            counts, stats = _generate_into(Path(tmp), plan)
            write_zip(Path(tmp), out)
    else:
        counts, stats = _generate_into(out, plan)
    return GenerationSummary(
        path=out,
        students=students,
        seed=seed,
        school_year=school_year,
        district_name=plan.name,
        schools=dict(stats.schools),
        rows=counts,
        teachers=stats.teachers,
        administrators=stats.administrators,
        guardians=stats.guardians,
        twin_pairs=stats.twin_pairs,
        teacher_enrollments=stats.teacher_enrollments,
    )
