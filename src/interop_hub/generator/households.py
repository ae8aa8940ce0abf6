"""Households: siblings, twins and guardians within one feeder zone.

Assumptions:

* Enrolled children per household: 1 (52%), 2 (33%), 3 (12%), 4 (3%). Siblings are 1-5 grades
  apart and attend related schools (the same school at the same level, otherwise the feeder
  chain), so a guardian may hold roles at several schools.
* Twins: 1.5% of households are anchored on a twin pair (same school, grade, birth date,
  family name and guardians; different given names). The first two households of the first
  zone are always twins when the zone allows it, so every district of 4+ students has twins for
  identity-matching tests ("never merge twins").
* Guardians per household: 2 (70%) or 1 (30%). The first guardian shares the children's family
  name 90% of the time, the second 60%. Relationship role: parent 88%, guardian 8%,
  relative 4%. 85% have an e-mail address (at the reserved ``example.net`` domain) and can sign
  in (``enabledUser``); 95% have a phone number in the fictional 555-01xx range.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

from interop_hub.generator.district import DistrictPlan, Level
from interop_hub.generator.names import ascii_slug
from interop_hub.generator.people import Guardian, IdMint, NameMaker, Student, WeightedPick

__all__ = ["form_households"]

_KIDS: Final = WeightedPick.of((1, 2, 3, 4), (0.52, 0.33, 0.12, 0.03))
_ROLES: Final = WeightedPick.of(("parent", "guardian", "relative"), (0.88, 0.08, 0.04))
_TWIN_RATE: Final = 0.015
_FORCED_TWINS: Final = 2


def _level_of(grade_index: int) -> Level:
    if grade_index <= 5:
        return "elementary"
    return "middle" if grade_index <= 8 else "high"


class _Zone:
    """Unplaced students of one zone, bucketed by (school, grade index)."""

    def __init__(self, plan: DistrictPlan, students: Sequence[Student], rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.buckets: dict[tuple[int, int], list[Student]] = {}
        for s in students:
            self.buckets.setdefault((s.school, s.grade_index), []).append(s)
        for key in sorted(self.buckets):
            rng.shuffle(self.buckets[key])
        self.by_level: dict[Level, list[int]] = {"elementary": [], "middle": [], "high": []}
        self.feeders: dict[int, list[int]] = {}
        for number in {st.school for st in students}:
            self.by_level[plan.school(number).level].append(number)
        for level in self.by_level:
            self.by_level[level].sort()
        for numbers in self.by_level.values():
            for n in numbers:
                feeds = plan.school(n).feeds
                if feeds is not None:
                    self.feeders.setdefault(feeds, []).append(n)

    def take(self, school: int, grade_index: int) -> Student | None:
        bucket = self.buckets.get((school, grade_index))
        while bucket:
            s = bucket.pop()
            if not s.placed:
                s.placed = True
                return s
        return None

    def related_school(self, anchor: int, level: Level) -> int | None:
        school = self.plan.school(anchor)
        if school.level == level:
            return anchor
        up = school.feeds
        while up is not None:  # walk up the feeder chain
            if self.plan.school(up).level == level:
                return up
            up = self.plan.school(up).feeds
        down = self.feeders.get(anchor, [])
        while down:  # walk down: schools feeding the anchor, then their feeders
            matches = [d for d in down if self.plan.school(d).level == level]
            if matches:
                return self.rng.choice(matches)
            down = [f for d in down for f in self.feeders.get(d, [])]
        candidates = self.by_level[level]
        return self.rng.choice(candidates) if candidates else None


def _guardian(
    mint: IdMint, names: NameMaker, plan: DistrictPlan, family: str, same_family: float
) -> Guardian:
    rng = names.rng
    gid, n = mint.new("grd")
    given = names.given(names.adult_sex())
    fam = family if rng.random() < same_family else names.family()
    email = ""
    if rng.random() < 0.85:
        email = f"{ascii_slug(given)}.{ascii_slug(fam)}{n}@example.net"
    phone = sms = ""
    if rng.random() < 0.95:
        phone = f"+1-{plan.area_code}-555-01{rng.randrange(100):02d}"
        sms = phone if rng.random() < 0.6 else ""
    role = _ROLES(rng)
    return Guardian(gid, n, given, fam, role, email, phone, sms)


def form_households(
    plan: DistrictPlan,
    students: Sequence[Student],
    mint: IdMint,
    names: NameMaker,
    *,
    force_twins: bool,
) -> list[Guardian]:
    """Group the zone's students into households; name them; return the new guardians.

    Sets each student's names and ``guardians`` list; twins share the anchor's birth date.
    """
    rng = names.rng
    zone = _Zone(plan, students, rng)
    order = list(students)
    rng.shuffle(order)
    guardians: list[Guardian] = []
    forced = _FORCED_TWINS if force_twins else 0
    for anchor in order:
        if anchor.placed:
            continue
        anchor.placed = True
        kids = [anchor]
        want_twin = forced > 0 or rng.random() < _TWIN_RATE
        if want_twin:
            twin = zone.take(anchor.school, anchor.grade_index)
            if twin is not None:
                twin.birth = anchor.birth
                twin.begin = anchor.begin
                twin.country = anchor.country
                twin.birth_state = anchor.birth_state
                kids.append(twin)
                forced -= 1
        extra = _KIDS(rng) - len(kids)
        for _ in range(max(0, extra)):
            for _attempt in range(3):
                gap = rng.randint(1, 5) * rng.choice((-1, 1))
                gi = anchor.grade_index + gap
                if not 0 <= gi <= 12:
                    continue
                school = zone.related_school(anchor.school, _level_of(gi))
                sibling = zone.take(school, gi) if school is not None else None
                if sibling is not None:
                    kids.append(sibling)
                    break
        family = names.family()
        used: set[str] = set()
        for kid in kids:
            kid.family = family
            given = names.given(kid.sex)
            while given in used:  # siblings (and twins) never share a given name
                given = names.given(kid.sex)
            used.add(given)
            kid.given = given
            kid.middle = names.middle(kid.sex)
            kid.preferred = names.preferred(given)
        household = [_guardian(mint, names, plan, family, 0.9)]
        if rng.random() < 0.7:
            household.append(_guardian(mint, names, plan, family, 0.6))
        for g in household:
            g.children = kids
        ids = [g.id for g in household]
        for kid in kids:
            kid.guardians = ids
        guardians.extend(household)
    return guardians
