"""The course catalog: which courses each school level offers and what students take.

Assumptions (documented because consumers and benchmarks depend on the resulting counts):

* **Elementary (KG-05)** is self-contained: per grade a homeroom course plus four core subject
  courses (ELA, mathematics, science, social studies) that the homeroom teacher teaches to the
  same group, as SIS products with standards-based elementary report cards schedule them; plus
  three specials (art, music, PE) spanning KG-05, taught to each homeroom group by specialists.
  Every elementary student therefore holds 8 enrollments.
* **Middle (06-08)** students take 5 required courses (ELA, math, science, social studies, PE)
  plus 1-3 electives; **high (09-12)** students take 4 required courses (5 in grades 09-10 with
  PE/health) plus electives. Each secondary student takes 6, 7 or 8 classes (probability
  0.2/0.6/0.2, mean 7) in an 8-period day, which puts a 1M-student district near 8M enrollments.
* ``subjectCodes`` are SCED-style 5-digit codes for high-school courses whose code we are
  confident of; other courses leave the column blank, as many SIS exports do. They are
  illustrative and not validated against the official SCED list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "ELEMENTARY_CORE",
    "ELEMENTARY_SPECIALS",
    "GRADES",
    "HIGH_ELECTIVES",
    "LEVEL_GRADES",
    "MIDDLE_ELECTIVES",
    "CourseSpec",
    "Slot",
    "elementary_homeroom",
    "required_slots",
]

GRADES: Final = ("KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")
LEVEL_GRADES: Final[dict[str, tuple[str, ...]]] = {
    "elementary": GRADES[0:6],
    "middle": GRADES[6:9],
    "high": GRADES[9:13],
}


@dataclass(frozen=True, slots=True)
class CourseSpec:
    """A course offered by every school of a level (courses.csv is written per school)."""

    code: str
    title: str
    subject: str  # also the teaching department
    grades: tuple[str, ...]
    sced: str = ""


# One required slot: alternative courses with their weights (all must be offered at the level).
Slot = tuple[tuple[CourseSpec, float], ...]

_ELEM = LEVEL_GRADES["elementary"]
_MID = LEVEL_GRADES["middle"]
_HIGH = LEVEL_GRADES["high"]


def _grade_label(grade: str) -> str:
    return "Kindergarten" if grade == "KG" else f"Grade {int(grade)}"


def elementary_homeroom(grade: str) -> CourseSpec:
    return CourseSpec(f"HR-{grade}", f"{_grade_label(grade)} Homeroom", "Homeroom", (grade,))


_ELA_SUBJECT: Final = "English Language Arts"
ELEMENTARY_CORE: Final[dict[str, tuple[CourseSpec, ...]]] = {
    g: (
        CourseSpec(f"ELA-{g}", f"English Language Arts {_grade_label(g)}", _ELA_SUBJECT, (g,)),
        CourseSpec(f"MATH-{g}", f"Mathematics {_grade_label(g)}", "Mathematics", (g,)),
        CourseSpec(f"SCI-{g}", f"Science {_grade_label(g)}", "Science", (g,)),
        CourseSpec(f"SS-{g}", f"Social Studies {_grade_label(g)}", "Social Studies", (g,)),
    )
    for g in _ELEM
}

ELEMENTARY_SPECIALS: Final = (
    CourseSpec("ART-E", "Elementary Art", "Fine Arts", _ELEM),
    CourseSpec("MUS-E", "Elementary Music", "Music", _ELEM),
    CourseSpec("PE-E", "Elementary Physical Education", "Physical Education", _ELEM),
)


def _c(code: str, title: str, subject: str, grades: tuple[str, ...], sced: str = "") -> CourseSpec:
    return CourseSpec(code, title, subject, grades, sced)


_ELA, _MATH, _SCI, _SS = "English Language Arts", "Mathematics", "Science", "Social Studies"
_PE = "Physical Education"

_M_PE = _c("PE-M", "Middle School Physical Education", _PE, _MID)
_ALG1 = _c("ALG1", "Algebra I", _MATH, ("08", "09", "10"), "02052")
_GEOM = _c("GEOM", "Geometry", _MATH, ("09", "10", "11"), "02072")
_ALG2 = _c("ALG2", "Algebra II", _MATH, ("10", "11", "12"), "02056")
_PREC = _c("PRECALC", "Pre-Calculus", _MATH, ("11", "12"), "02110")
_CALC = _c("CALC", "Calculus", _MATH, ("12",), "02121")
_STAT = _c("STATS", "Statistics", _MATH, ("11", "12"))
_PHYS = _c("PHYS", "Physics", _SCI, ("11", "12"), "03151")
_ENVS = _c("ENVSCI", "Environmental Science", _SCI, ("11", "12"))
_ANAT = _c("ANAT", "Anatomy and Physiology", _SCI, ("12",))
_GOV = _c("GOV", "U.S. Government", _SS, ("12",), "04151")
_ECON = _c("ECON", "Economics", _SS, ("12",), "04201")
_H_PE = _c("PEH-H", "Physical Education and Health", _PE, ("09", "10"), "08001")


def _one(course: CourseSpec) -> Slot:
    return ((course, 1.0),)


_REQUIRED: Final[dict[str, tuple[Slot, ...]]] = {
    **{
        g: (
            _one(_c(f"ELA-{g}", f"English Language Arts {int(g)}", _ELA, (g,))),
            _one(_c(f"MATH-{g}", f"Mathematics {int(g)}", _MATH, (g,)))
            if g != "08"
            else ((_c("MATH-08", "Mathematics 8", _MATH, ("08",)), 0.75), (_ALG1, 0.25)),
            _one(_c(f"SCI-{g}", f"Science {int(g)}", _SCI, (g,))),
            _one(_c(f"SS-{g}", f"Social Studies {int(g)}", _SS, (g,))),
            _one(_M_PE),
        )
        for g in _MID
    },
    "09": (
        _one(_c("ENG1", "English I", _ELA, ("09",), "01001")),
        ((_ALG1, 0.75), (_GEOM, 0.25)),
        _one(_c("BIO", "Biology", _SCI, ("09",), "03051")),
        _one(_c("WGEO", "World Geography", _SS, ("09",))),
        _one(_H_PE),
    ),
    "10": (
        _one(_c("ENG2", "English II", _ELA, ("10",), "01002")),
        ((_GEOM, 0.7), (_ALG2, 0.3)),
        _one(_c("CHEM", "Chemistry", _SCI, ("10",), "03101")),
        _one(_c("WHIST", "World History", _SS, ("10",))),
        _one(_H_PE),
    ),
    "11": (
        _one(_c("ENG3", "English III", _ELA, ("11",), "01003")),
        ((_ALG2, 0.65), (_PREC, 0.35)),
        ((_PHYS, 0.6), (_ENVS, 0.4)),
        _one(_c("USHIST", "U.S. History", _SS, ("11",), "04101")),
    ),
    "12": (
        _one(_c("ENG4", "English IV", _ELA, ("12",), "01004")),
        ((_PREC, 0.5), (_STAT, 0.3), (_CALC, 0.2)),
        ((_ANAT, 0.5), (_PHYS, 0.3), (_ENVS, 0.2)),
        ((_GOV, 0.6), (_ECON, 0.4)),
    ),
}


def required_slots(grade: str) -> tuple[Slot, ...]:
    """The required course slots of a secondary grade (06-12)."""
    return _REQUIRED[grade]


_ARTS, _MUSIC, _WL, _TECH = "Fine Arts", "Music", "World Languages", "Technology"

# (course, weight) pairs; a student's electives are distinct draws from these.
MIDDLE_ELECTIVES: Final[tuple[tuple[CourseSpec, float], ...]] = (
    (_c("BAND-M", "Middle School Band", _MUSIC, _MID), 3.0),
    (_c("CHOIR-M", "Middle School Choir", _MUSIC, _MID), 2.0),
    (_c("ORCH-M", "Middle School Orchestra", _MUSIC, _MID), 1.0),
    (_c("ART-M", "Art Exploration", _ARTS, _MID), 3.0),
    (_c("SPAN-M", "Exploratory Spanish", _WL, _MID), 3.0),
    (_c("TECH-M", "Computer Science Discoveries", _TECH, _MID), 2.0),
    (_c("DRAMA-M", "Drama", _ARTS, _MID), 1.0),
    (_c("HEALTH-M", "Health", _PE, _MID), 2.0),
)

HIGH_ELECTIVES: Final[tuple[tuple[CourseSpec, float], ...]] = (
    (_c("SPAN1", "Spanish I", _WL, _HIGH, "06101"), 5.0),
    (_c("SPAN2", "Spanish II", _WL, _HIGH, "06102"), 4.0),
    (_c("FREN1", "French I", _WL, _HIGH), 2.0),
    (_c("CHIN1", "Chinese I", _WL, _HIGH), 1.0),
    (_c("ART1", "Art I", _ARTS, _HIGH), 3.0),
    (_c("DRAW", "Drawing, Painting and Design", _ARTS, _HIGH), 2.0),
    (_c("BAND-H", "Concert Band", _MUSIC, _HIGH), 2.0),
    (_c("CHOIR-H", "Concert Choir", _MUSIC, _HIGH), 2.0),
    (_c("THEA", "Theatre Arts", _ARTS, _HIGH), 1.0),
    (_c("CSP", "Computer Science Principles", _TECH, _HIGH), 2.5),
    (_c("ENGR", "Introduction to Engineering Design", _TECH, _HIGH), 1.5),
    (_c("JOUR", "Journalism", _ELA, _HIGH), 1.0),
    (_c("PSYCH", "Psychology", _SS, _HIGH), 2.0),
    (_c("CULIN", "Culinary Arts", _TECH, _HIGH), 1.5),
    (_c("HEALTH-H", "Health", _PE, _HIGH, "08051"), 2.0),
    (_c("FIN", "Personal Finance", _SS, _HIGH), 2.0),
    (_c("PHOTO", "Digital Photography", _ARTS, _HIGH), 1.0),
    (_c("CWRIT", "Creative Writing", _ELA, _HIGH), 1.0),
)
