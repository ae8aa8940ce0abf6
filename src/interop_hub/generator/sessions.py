"""The district calendar: one school year, two semesters, four quarters (grading periods).

``school_year`` is the *ending* year, as OneRoster's ``schoolYear`` field requires (2025 means
2024-25). All dates derive from it alone, so the calendar is deterministic:

* the year starts on the first Monday on or after 18 August of the starting year;
* semester 2 starts on the first Monday on or after 13 January;
* the year ends (exclusive) on the first Monday on or after 9 June;
* each semester splits into two quarters at the Monday nearest its midpoint.

``endDate`` is exclusive throughout (OneRoster 1.2), so each session's ``endDate`` equals the
next session's ``startDate``. Quarters have a semester as parent; semesters have the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Calendar", "Session", "build_calendar"]


@dataclass(frozen=True, slots=True)
class Session:
    """One academic session row."""

    key: str
    title: str
    type: str
    start: date
    end: date  # exclusive
    parent_key: str | None


@dataclass(frozen=True, slots=True)
class Calendar:
    school_year: int
    year: Session
    semesters: tuple[Session, Session]
    quarters: tuple[Session, Session, Session, Session]

    @property
    def sessions(self) -> tuple[Session, ...]:
        """Parents before children: year, semesters, quarters."""
        return (self.year, *self.semesters, *self.quarters)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _midpoint_monday(start: date, end: date) -> date:
    mid = start + (end - start) / 2
    back = mid - timedelta(days=mid.weekday())
    forward = _monday_on_or_after(mid)
    return back if (mid - back) <= (forward - mid) else forward


def build_calendar(school_year: int) -> Calendar:
    """The calendar for the school year ending in ``school_year``."""
    if not 1900 < school_year < 9999:
        raise ValueError(f"school_year must be a four-digit ending year, got {school_year}")
    first = school_year - 1
    start = _monday_on_or_after(date(first, 8, 18))
    s2_start = _monday_on_or_after(date(school_year, 1, 13))
    end = _monday_on_or_after(date(school_year, 6, 9))
    q2_start = _midpoint_monday(start, s2_start)
    q4_start = _midpoint_monday(s2_start, end)
    label = f"{first}-{str(school_year)[-2:]}"
    year = Session("year", f"School Year {label}", "schoolYear", start, end, None)
    s1 = Session("s1", f"Semester 1 {label}", "semester", start, s2_start, "year")
    s2 = Session("s2", f"Semester 2 {label}", "semester", s2_start, end, "year")
    quarters = (
        Session("q1", f"Quarter 1 {label}", "gradingPeriod", start, q2_start, "s1"),
        Session("q2", f"Quarter 2 {label}", "gradingPeriod", q2_start, s2_start, "s1"),
        Session("q3", f"Quarter 3 {label}", "gradingPeriod", s2_start, q4_start, "s2"),
        Session("q4", f"Quarter 4 {label}", "gradingPeriod", q4_start, end, "s2"),
    )
    return Calendar(school_year, year, (s1, s2), quarters)
