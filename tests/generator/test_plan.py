"""The district plan and calendar scale with N without generating any rows."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from interop_hub.generator import plan_district
from interop_hub.generator.sessions import build_calendar


@pytest.mark.parametrize("students", [1, 7, 300, 2_000, 10_000, 99_999, 1_000_000])
def test_students_sum_exactly(students: int) -> None:
    plan = plan_district(students, seed=4)
    assert sum(s.students for s in plan.schools) == students
    assert sorted(n for zone in plan.zones for n in zone) == [s.number for s in plan.schools]


def test_school_counts_scale_with_size() -> None:
    plan = plan_district(1_000_000, seed=1)
    levels = {lvl: len(plan.by_level(lvl)) for lvl in ("elementary", "middle", "high")}
    assert 900 <= levels["elementary"] <= 1_150
    assert 250 <= levels["middle"] <= 330
    assert 180 <= levels["high"] <= 230
    sizes = [s.students for s in plan.by_level("high")]
    assert 1_000 <= sum(sizes) / len(sizes) <= 2_000
    assert len(plan.zones) == levels["high"]
    for school in plan.schools:  # feeders stay inside their zone and go up one level
        if school.feeds is not None:
            target = plan.school(school.feeds)
            assert target.zone == school.zone
            assert (school.level, target.level) in {("elementary", "middle"), ("middle", "high")}


def test_identifiers_are_nces_like_and_fictional() -> None:
    plan = plan_district(5_000, seed=42)
    assert plan.lea_id == "9900042"
    assert all(
        s.identifier.startswith(plan.lea_id) and len(s.identifier) == 12 for s in plan.schools
    )
    assert plan.domain.endswith(".example.org")


def test_plan_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="students"):
        plan_district(0)
    with pytest.raises(ValueError, match="seed"):
        plan_district(10, seed=-1)


def test_calendar() -> None:
    cal = build_calendar(2025)
    assert cal.year.start == date(2024, 8, 19)
    assert cal.year.end == date(2025, 6, 9)
    s1, s2 = cal.semesters
    assert (s1.start, s1.end, s2.start, s2.end) == (cal.year.start, s2.start, s1.end, cal.year.end)
    q = cal.quarters
    assert [x.parent_key for x in q] == ["s1", "s1", "s2", "s2"]
    assert q[0].start == s1.start
    assert q[1].end == s1.end
    assert q[3].end == s2.end
    assert all(a.end == b.start for a, b in pairwise(q))
    assert all(x.start.weekday() == 0 for x in cal.sessions)
