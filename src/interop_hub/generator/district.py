"""The district plan: how many schools of each level, how many students per school and grade.

Everything here is small (one record per school) and fully determined by ``(students, seed)``.

Assumptions:

* Grade cohorts are nearly flat with a ninth-grade bulge and attrition in 11-12 (weights in
  :data:`GRADE_WEIGHTS`); the cohorts are apportioned so they sum to exactly ``students``.
* Target school sizes are elementary (KG-05) ~450, middle (06-08) ~800 and high (09-12) ~1500
  students. A level with any students gets at least one school, so from 13 students up a
  district has one school of each level; tiny districts get fewer, fuller schools.
  School sizes vary ±25% around the target.
* Schools are grouped into *feeder zones*: one per high school (or one zone when there is none).
  Each elementary school feeds one middle school of its zone and each middle school feeds the
  zone's high school. Zones are the unit of streaming generation (see :mod:`.build`), and
  siblings always live in one zone, so families never span zones.
* Identifiers are NCES-like: the district's 7-digit LEA id starts with ``99`` (not a real state
  FIPS code, so it can never collide with a real district) and each school id is the LEA id plus
  a 5-digit school number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from math import ceil
from typing import Final, Literal

from interop_hub.generator.catalog import GRADES, LEVEL_GRADES
from interop_hub.generator.names import (
    DISTRICT_PLACES,
    DISTRICT_SUFFIXES,
    SCHOOL_STEMS,
    ascii_slug,
)

__all__ = [
    "GRADE_WEIGHTS",
    "LEVELS",
    "TARGET_SCHOOL_SIZE",
    "DistrictPlan",
    "Level",
    "SchoolPlan",
    "apportion",
    "make_rng",
    "plan_district",
    "sections_needed",
]

Level = Literal["elementary", "middle", "high"]
LEVELS: Final[tuple[Level, ...]] = ("elementary", "middle", "high")
TARGET_SCHOOL_SIZE: Final[dict[Level, int]] = {"elementary": 450, "middle": 800, "high": 1500}
GRADE_WEIGHTS: Final[dict[str, float]] = {
    **{g: 1.0 for g in GRADES},
    "KG": 0.97,
    "09": 1.06,
    "11": 0.95,
    "12": 0.92,
}
_LEVEL_TITLE: Final[dict[Level, str]] = {
    "elementary": "Elementary School",
    "middle": "Middle School",
    "high": "High School",
}
_NAME_MODIFIERS: Final = ("North", "South", "East", "West", "Central", "New", "Upper", "Lower")
_STATES: Final = ("CA", "TX", "NY", "FL", "IL", "WA", "CO", "OH", "GA", "NC", "AZ", "MN")
_AREA_CODES: Final = ("202", "312", "415", "512", "617", "702", "808", "919", "303", "612")


def make_rng(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible stream for one purpose (string seeds hash with SHA-512)."""
    return random.Random("/".join(["interop-hub-generator", str(seed), *map(str, parts)]))


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder, stable)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    wsum = sum(weights)
    quotas = [total * w / wsum for w in weights]
    counts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass(frozen=True, slots=True)
class SchoolPlan:
    number: int  # 1-based; the district org is number 0
    level: Level
    name: str
    identifier: str
    zone: int
    feeds: int | None  # the school number this one feeds into, if any
    grade_counts: tuple[tuple[str, int], ...]

    @property
    def students(self) -> int:
        return sum(n for _, n in self.grade_counts)


@dataclass(frozen=True, slots=True)
class DistrictPlan:
    seed: int
    students: int
    school_year: int
    code: str  # prefix of every sourcedId, e.g. "d1"
    name: str
    domain: str
    lea_id: str
    home_state: str
    area_code: str
    schools: tuple[SchoolPlan, ...]
    zones: tuple[tuple[int, ...], ...]  # school numbers per zone

    def school(self, number: int) -> SchoolPlan:
        return self.schools[number - 1]

    def by_level(self, level: Level) -> list[SchoolPlan]:
        return [s for s in self.schools if s.level == level]


def _school_name(stems: list[str], index: int, level: Level) -> str:
    stem = stems[index % len(stems)]
    rnd = index // len(stems)
    if rnd == 0:
        base = stem
    elif rnd <= len(_NAME_MODIFIERS):
        base = f"{_NAME_MODIFIERS[rnd - 1]} {stem}"
    else:
        base = f"{stem} No. {rnd - len(_NAME_MODIFIERS) + 1}"
    return f"{base} {_LEVEL_TITLE[level]}"


def plan_district(students: int, seed: int = 1, school_year: int = 2025) -> DistrictPlan:
    """Plan a district of exactly ``students`` students."""
    if students < 1:
        raise ValueError("students must be at least 1")
    if seed < 0:
        raise ValueError("seed must be non-negative")
    rng = make_rng(seed, "plan")
    place = rng.choice(DISTRICT_PLACES)
    name = f"{place} {rng.choice(DISTRICT_SUFFIXES)}"
    lea_id = f"99{seed % 100_000:05d}"

    cohorts = dict(
        zip(GRADES, apportion(students, [GRADE_WEIGHTS[g] for g in GRADES]), strict=True)
    )
    level_schools: dict[Level, list[list[tuple[str, int]]]] = {}
    for level in LEVELS:
        grades = LEVEL_GRADES[level]
        total = sum(cohorts[g] for g in grades)
        if total == 0:
            level_schools[level] = []
            continue
        count = max(1, round(total / TARGET_SCHOOL_SIZE[level]))
        weights = [rng.uniform(0.75, 1.25) for _ in range(count)]
        per_grade = {g: apportion(cohorts[g], weights) for g in grades}
        level_schools[level] = [[(g, per_grade[g][i]) for g in grades] for i in range(count)]

    n_zones = len(level_schools["high"]) or len(level_schools["middle"]) or 1
    schools: list[SchoolPlan] = []
    zone_members: list[list[int]] = [[] for _ in range(n_zones)]
    # Numbering: high schools first (one per zone), then middle, then elementary, so feeder
    # targets already exist when a school is planned.
    numbers: dict[Level, list[int]] = {level: [] for level in LEVELS}
    for level in ("high", "middle", "elementary"):
        stems = list(SCHOOL_STEMS)
        rng.shuffle(stems)
        for i, counts in enumerate(level_schools[level]):
            number = len(schools) + 1
            zone = i % n_zones
            feeds: int | None = None
            if level == "middle" and numbers["high"]:
                feeds = numbers["high"][zone % len(numbers["high"])]
            elif level == "elementary":
                zone_middles = [n for n in numbers["middle"] if schools[n - 1].zone == zone]
                if zone_middles:
                    feeds = zone_middles[(i // n_zones) % len(zone_middles)]
                elif numbers["high"]:
                    feeds = numbers["high"][zone % len(numbers["high"])]
            schools.append(
                SchoolPlan(
                    number=number,
                    level=level,
                    name=_school_name(stems, i, level),
                    identifier=f"{lea_id}{number:05d}",
                    zone=zone,
                    feeds=feeds,
                    grade_counts=tuple(counts),
                )
            )
            numbers[level].append(number)
            zone_members[zone].append(number)

    return DistrictPlan(
        seed=seed,
        students=students,
        school_year=school_year,
        code=f"d{seed}",
        name=name,
        domain=f"{ascii_slug(place)}-{seed}.example.org",
        lea_id=lea_id,
        home_state=rng.choice(_STATES),
        area_code=rng.choice(_AREA_CODES),
        schools=tuple(schools),
        zones=tuple(tuple(m) for m in zone_members),
    )


def sections_needed(students: int, cap: int) -> int:
    """How many sections of at most ``cap`` students ``students`` need (at least one)."""
    return max(1, ceil(students / cap))
