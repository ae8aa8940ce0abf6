"""The Canvas record rules: names, term dates, the derived catalog, roles, and the
enrollment filter that guards the roster even when Canvas ignores the state[] filter."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

import pytest

from interop_hub.connectors.canvas.connector import _Run
from interop_hub.connectors.canvas.records import (
    RoleBook,
    catalog_key,
    split_name,
    term_dates,
    zone,
)
from interop_hub.connectors.sdk.registry import connector_class
from interop_hub.mapping import mapping_for


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ({"first_name": "Bart", "last_name": "Simpson", "sortable_name": "x"}, ("Bart", "Simpson")),
        ({"sortable_name": "Van Houten, Milhouse", "name": "Milhouse Van Houten"},
         ("Milhouse", "Van Houten")),
        ({"name": "Seymour Skinner"}, ("Seymour", "Skinner")),
        ({"name": "Bono", "sortable_name": "Bono"}, ("Bono", "Bono")),
        ({"id": 7}, ("user 7", "user 7")),
    ],
)  # fmt: skip
def test_names_fall_back_from_parts_to_sortable_to_display_name(
    user: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert split_name(user) == expected


def test_term_dates_use_the_account_time_zone_and_fill_missing_bounds() -> None:
    chicago = zone("America/Chicago")
    fall = {"start_at": "2025-08-20T05:00:00Z", "end_at": "2025-12-20T05:59:59Z"}
    assert term_dates(fall, chicago, 2030) == (date(2025, 8, 20), date(2025, 12, 19), 2026)
    assert term_dates(fall, UTC, 2030)[1] == date(2025, 12, 20)
    open_ended = {"start_at": "2026-01-05T06:00:00Z", "end_at": None}
    assert term_dates(open_ended, chicago, 2030) == (date(2026, 1, 5), date(2026, 6, 30), 2026)
    no_start = {"start_at": None, "end_at": "2025-06-10T05:00:00Z"}
    assert term_dates(no_start, chicago, 2030) == (date(2024, 7, 1), date(2025, 6, 10), 2025)
    undated = {"start_at": None, "end_at": None}
    assert term_dates(undated, chicago, 2030) == (date(2029, 7, 1), date(2030, 6, 30), 2030)


def test_an_unknown_time_zone_reads_as_utc() -> None:
    assert zone("Mars/Olympus_Mons") is UTC
    assert zone(None) is UTC


def test_catalog_courses_group_offerings_by_account_and_code() -> None:
    assert catalog_key(2, {"id": 101, "course_code": "ALG1", "name": "Algebra I - P1"}) == (
        "2:ALG1",
        "ALG1",
    )
    assert catalog_key(4, {"id": 101, "course_code": "ALG1"})[0] == "4:ALG1"
    assert catalog_key(2, {"id": 105, "course_code": " ", "name": "Reading"})[0] == "2:Reading"
    long_key, code = catalog_key(2, {"id": 1, "course_code": "X" * 300})
    assert len(long_key) < 64
    assert code == "X" * 300


def test_the_highest_role_is_primary_whatever_the_enrollment_order() -> None:
    book = RoleBook()
    book.add("7", "12", "student")
    book.add("7", "4", "teacher")
    book.add("7", "3", "teacher")
    book.add("7", "4", "teacher")
    assert [(r["role"], r["orgSourcedId"], r["roleType"]) for r in book.roles("7")] == [
        ("teacher", "3", "primary"),
        ("teacher", "4", "secondary"),
        ("student", "12", "secondary"),
    ]
    assert book.roles("8") == []


def _enrollment(type_: str, state: str) -> dict[str, Any]:
    return {
        "id": 1,
        "user_id": 5,
        "type": type_,
        "enrollment_state": state,
        "_parent": {"id": 101, "account_id": 2},
        "user": {"id": 5, "name": "A B"},
    }


@pytest.mark.parametrize(
    ("type_", "state", "role"),
    [
        ("StudentEnrollment", "active", "student"),
        ("TaEnrollment", "completed", "teacher"),
        ("StudentEnrollment", "inactive", None),
        ("StudentEnrollment", "deleted", None),
        ("ObserverEnrollment", "active", None),
        ("DesignerEnrollment", "active", None),
        ("StudentViewEnrollment", "active", None),
    ],
)
def test_only_class_rosters_in_kept_states_get_a_role(
    type_: str, state: str, role: str | None
) -> None:
    run = _Run(tz=UTC, undated_year=2026)
    out = run.enrollment(_enrollment(type_, state))
    assert out.get("_role") == role
    assert ("5" in run.roles) == (role is not None)
    rows = list(mapping_for("canvas").rows("enrollments", out))
    assert len(rows) == (1 if role else 0)


def test_both_connectors_are_registered_under_their_kinds() -> None:
    assert connector_class("canvas").title == "Canvas LMS"
    assert connector_class("google-classroom").title == "Google Classroom"
    assert not connector_class("canvas").supports_incremental
    assert not connector_class("google-classroom").supports_incremental
