"""People: students, guardians and staff records, their names and student demographics.

Distributions (plausible for a US public district; not calibrated to any real district):

* **sex**: male 50.5%, female 48.5%, unspecified 0.7%, other 0.3%.
* **race** (OneRoster flags): white 62%, Black or African American 16%, Asian 6%,
  American Indian or Alaska Native 1.2%, Native Hawaiian or Other Pacific Islander 0.5%,
  two or more races 6.3% (two race flags plus ``demographicRaceTwoOrMoreRaces``), normalised.
  **Hispanic or Latino** ethnicity is drawn independently at 28%.
* **birthDate** matches the grade: a kindergartner is 5 on 1 September of the school year's
  starting year; 3% are a year older (retained), 0.5% a year younger.
* **countryOfBirthCode** (ISO 3166-1 alpha-2): US 90%, the rest spread over common countries of
  origin; US-born students get a ``stateOfBirthAbbreviation`` (70% the district's home state).
* 97% of students are enrolled from the first day; 3% entered later in the year, and their
  enrollments begin on a later Monday.
* **preferredGivenName**: 6% of students whose given name has a common nickname use it.
* Middle names: 70% of students and staff have one.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Final, Generic, TypeVar

from interop_hub.generator.names import (
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    NEUTRAL_NAMES,
    NICKNAMES,
    zipf_cum_weights,
)

__all__ = [
    "Guardian",
    "IdMint",
    "NameMaker",
    "Staff",
    "Student",
    "WeightedPick",
    "draw_student_traits",
]

T = TypeVar("T")
U = TypeVar("U")

_SEXES: Final = ("male", "female", "unspecified", "other")
_SEX_WEIGHTS: Final = (0.505, 0.485, 0.007, 0.003)
# Index into the five race flags: aian, asian, black, nhpi, white.
_RACES: Final = (4, 2, 1, 0, 3, -1)  # -1 = two or more races
_RACE_WEIGHTS: Final = (0.62, 0.16, 0.06, 0.012, 0.005, 0.063)
_COUNTRIES: Final = ("MX", "GT", "SV", "HN", "IN", "CN", "VN", "PH", "DO", "UA", "SO", "BR", "CA")
_US_STATES: Final = (
    "CA", "TX", "NY", "FL", "IL", "PA", "OH", "GA", "NC", "MI", "NJ", "VA", "WA", "AZ", "MA",
    "TN", "IN", "MO", "MD", "WI", "CO", "MN", "SC", "AL", "LA", "KY", "OR", "OK", "PR",
)  # fmt: skip

_WIDTHS: Final = {"org": 4, "crs": 6, "cls": 7, "stu": 7, "stf": 6, "grd": 7, "rol": 8, "enr": 8}


class IdMint:
    """Sequential, zero-padded sourcedIds per kind: ``d1-stu-0000042``. No personal data."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._next: dict[str, int] = dict.fromkeys(_WIDTHS, 0)

    def new(self, kind: str) -> tuple[str, int]:
        n = self._next[kind] + 1
        self._next[kind] = n
        return f"{self.code}-{kind}-{n:0{_WIDTHS[kind]}d}", n

    def fixed(self, kind: str, n: int) -> str:
        return f"{self.code}-{kind}-{n:0{_WIDTHS[kind]}d}"

    def prefix(self, kind: str) -> tuple[str, int]:
        """``(prefix, width)`` for hot loops that format ids themselves."""
        return f"{self.code}-{kind}-", _WIDTHS[kind]

    def reserve(self, kind: str, count: int) -> int:
        """Reserve ``count`` consecutive numbers; return the first."""
        first = self._next[kind] + 1
        self._next[kind] += count
        return first


@dataclass(slots=True)
class Student:
    id: str
    number: int
    school: int
    grade: str
    grade_index: int
    sex: str
    birth: date
    race: tuple[bool, bool, bool, bool, bool, bool]  # aian, asian, black, nhpi, white, 2+
    hispanic: bool
    country: str
    birth_state: str
    begin: str  # first day of attendance (ISO date)
    given: str = ""
    middle: str = ""
    family: str = ""
    preferred: str = ""
    guardians: list[str] = field(default_factory=list)
    placed: bool = False


@dataclass(slots=True)
class Guardian:
    id: str
    number: int
    given: str
    family: str
    role: str  # parent | guardian | relative
    email: str
    phone: str
    sms: str
    children: list[Student] = field(default_factory=list)


@dataclass(slots=True)
class Staff:
    id: str
    number: int
    given: str
    middle: str
    family: str
    org: str  # sourcedId of the school or district
    role: str
    secondary_roles: tuple[str, ...] = ()
    room: str = ""


class WeightedPick(Generic[T]):
    """``random.choices(k=1)`` without its per-call overhead (cumulative weights + bisect)."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, items: Sequence[T], cum_weights: Sequence[float]) -> None:
        self._items = items
        self._cum = list(cum_weights)
        self._total = self._cum[-1]

    @staticmethod
    def of(items: Sequence[U], weights: Sequence[float]) -> WeightedPick[U]:
        return WeightedPick(items, list(accumulate(weights)))

    def __call__(self, rng: random.Random) -> T:
        return self._items[bisect(self._cum, rng.random() * self._total)]


_FEMALE: Final = WeightedPick(FEMALE_NAMES, zipf_cum_weights(len(FEMALE_NAMES)))
_MALE: Final = WeightedPick(MALE_NAMES, zipf_cum_weights(len(MALE_NAMES)))
_NEUTRAL: Final = WeightedPick(NEUTRAL_NAMES, zipf_cum_weights(len(NEUTRAL_NAMES)))
_FAMILY: Final = WeightedPick(FAMILY_NAMES, zipf_cum_weights(len(FAMILY_NAMES), 0.8))
_ANY_SEX: Final = (_FEMALE, _MALE, _NEUTRAL)


class NameMaker:
    """Draws names with Zipf-like weights (common names are common)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def given(self, sex: str) -> str:
        rng = self.rng
        if sex == "female":
            return _FEMALE(rng)
        if sex == "male":
            return _MALE(rng)
        return _ANY_SEX[int(rng.random() * 3)](rng)

    def middle(self, sex: str) -> str:
        return self.given(sex) if self.rng.random() < 0.7 else ""

    def family(self) -> str:
        return _FAMILY(self.rng)

    def preferred(self, given: str) -> str:
        nick = NICKNAMES.get(given)
        return nick if nick is not None and self.rng.random() < 0.06 else ""

    def adult_sex(self) -> str:
        return "female" if self.rng.random() < 0.55 else "male"


_PICK_SEX: Final = WeightedPick.of(_SEXES, _SEX_WEIGHTS)
_PICK_RACE: Final = WeightedPick.of(_RACES, _RACE_WEIGHTS)


def _birth_date(rng: random.Random, school_year: int, grade_index: int) -> date:
    first = school_year - 1
    shift = 0
    r = rng.random()
    if r < 0.03:
        shift = 1
    elif r < 0.035:
        shift = -1
    start = date(first - 6 - grade_index - shift, 9, 2)
    return start + timedelta(days=rng.randrange(365))


def draw_student_traits(
    rng: random.Random,
    *,
    school_year: int,
    grade_index: int,
    home_state: str,
    year_start: date,
) -> tuple[str, date, tuple[bool, bool, bool, bool, bool, bool], bool, str, str, str]:
    """``(sex, birth, race flags, hispanic, country, birth state, begin date)``."""
    sex = _PICK_SEX(rng)
    birth = _birth_date(rng, school_year, grade_index)
    race_pick = _PICK_RACE(rng)
    flags = [False] * 6
    if race_pick == -1:
        for i in rng.sample(range(5), 2):
            flags[i] = True
        flags[5] = True
    else:
        flags[race_pick] = True
    race = (flags[0], flags[1], flags[2], flags[3], flags[4], flags[5])
    hispanic = rng.random() < 0.28
    if rng.random() < 0.9:
        country = "US"
        birth_state = home_state if rng.random() < 0.7 else rng.choice(_US_STATES)
    else:
        country = rng.choice(_COUNTRIES)
        birth_state = ""
    begin = year_start
    if rng.random() < 0.03:
        begin = year_start + timedelta(weeks=rng.randint(2, 30))
    return sex, birth, race, hispanic, country, birth_state, begin.isoformat()
