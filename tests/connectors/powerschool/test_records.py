"""The PowerSchool record rules: envelopes (one record is an object), grades, statuses,
staff roles, demographics, and the roles of a person across schools."""

from __future__ import annotations

from typing import Any

import pytest

from interop_hub.connectors.powerschool.config import DEFAULT_RACE_CODES
from interop_hub.connectors.powerschool.paging import items, single
from interop_hub.connectors.powerschool.records import (
    RoleBook,
    demographics,
    enroll_status,
    grade,
    iso_date,
    name_parts,
    periods,
    session_type,
    staff_role,
    truth,
    user_ids,
)
from interop_hub.connectors.sdk.registry import connector_class
from interop_hub.core.errors import SourceDataError
from interop_hub.mapping import mapping_for

ONE = {"id": 1}
TWO = [{"id": 1}, {"id": 2}]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"students": {"@expansions": "demographics", "student": TWO}}, TWO),
        ({"students": {"@expansions": "demographics", "student": ONE}}, [ONE]),
        ({"students": {"@expansions": "demographics"}}, []),
        ({"students": ""}, []),
        ({"students": None}, []),
        ({"students": {"student": None}}, []),
        ({"students": TWO}, TWO),  # no inner wrapper
    ],
)
def test_a_collection_is_always_a_list(body: dict[str, Any], expected: list[Any]) -> None:
    assert items(body, "students", "student", "here") == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([ONE], "expected a JSON object holding 'students', got list"),
        ({"message": "Maintenance"}, "has no 'students' collection (its keys: message)"),
        ({"students": 5}, "'students' is a int, not a collection object"),
        ({"students": {"student": [ONE, "x"]}}, "a 'student' record is a str, not an object"),
    ],
)
def test_anything_else_is_a_data_error(body: Any, message: str) -> None:
    with pytest.raises(SourceDataError) as failure:
        items(body, "students", "student", "here")
    assert failure.value.message.startswith("here: ")
    assert message in failure.value.message


def test_aliases_name_other_wrappers() -> None:
    body = {"staff": {"staff": ONE}}
    assert items(body, "staffs", "staff", "here", ("staff",)) == [ONE]


def test_a_single_resource_is_wrapped_or_bare() -> None:
    assert single({"course": {"id": 3}}, "course", "here") == {"id": 3}
    assert single({"id": 3, "course_name": "x"}, "course", "here")["id"] == 3
    with pytest.raises(SourceDataError, match="expected a 'course' object"):
        single({"message": "no"}, "course", "here")


@pytest.mark.parametrize(
    ("level", "code"),
    [(-2, "PR"), (-1, "PK"), (0, "KG"), ("0", "KG"), (3, "03"), ("12", "12"), (99, ""), (None, "")],
)
def test_grade_levels_become_ceds_codes(level: Any, code: str) -> None:
    assert grade(level) == code


@pytest.mark.parametrize(
    ("enrollment", "status"),
    [
        ({"enroll_status": "A", "status_code": 0}, "A"),
        ({"enroll_status": "t"}, "T"),
        ({"status_code": 0}, "A"),
        ({"status_code": "-1"}, "P"),
        ({"status_code": 3}, "G"),
        ({"status_code": 7}, "I"),
        ({}, "I"),
        ([{"enroll_status": "H"}], "H"),  # an expansion given as a list
    ],
)
def test_enrollment_status(enrollment: Any, status: str) -> None:
    assert enroll_status({"school_enrollment": enrollment}) == status
    assert enroll_status({}) == "I"


def test_names_fill_a_missing_part() -> None:
    assert name_parts({"name": {"first_name": "Bart", "last_name": "Simpson"}}, "x") == (
        "Bart",
        "",
        "Simpson",
    )
    assert name_parts({"name": [{"first_name": "Cher", "last_name": ""}]}, "x")[::2] == (
        "Cher",
        "Cher",
    )
    assert name_parts({}, "staff 7") == ("staff 7", "", "staff 7")


def test_small_values() -> None:
    assert [truth(v) for v in ("YES", "no", 1, "0", True, "maybe", None)] == [
        "true", "false", "true", "false", "true", "", "",
    ]  # fmt: skip
    assert iso_date("2025-08-20") == "2025-08-20"
    assert iso_date("2025-08-20T00:00:00") == "2025-08-20"
    assert iso_date("0000-00-00") == iso_date(20250820) == iso_date(None) == ""
    assert [session_type(p) for p in (1, "2", 4, None)] == [
        "schoolYear",
        "semester",
        "term",
        "term",
    ]
    assert periods("1(A) 3-4(B,D)") == "1(A),3-4(B;D)"
    assert user_ids([("PowerSchool", 5), ("StudentNumber", None), ("X", "a,{b}")]) == (
        "{PowerSchool:5},{X:a b}"
    )


SCHOOL = {"id": 2, "school_number": "200"}


@pytest.mark.parametrize(
    ("staff", "expected"),
    [
        ({"teacher_username": "t"}, ("teacher", True)),
        ({"admin_username": "a"}, ("siteAdministrator", True)),
        ({"admin_username": "a", "teacher_username": "t"}, ("teacher", True)),
        ({}, (None, True)),
        (
            {"school_affiliations": {"school_affiliation": {"school_id": 2, "type": 4}}},
            ("teacher", True),  # a substitute
        ),
        (
            {
                "teacher_username": "t",
                "school_affiliations": {
                    "school_affiliation": [
                        {"school_id": 1, "type": 1, "status": 1},
                        {"school_id": "200", "type": 1, "status": "2"},  # by school number
                    ]
                },
            },
            ("teacher", False),
        ),
        (
            {"school_affiliations": [{"school_affiliation": {"school_id": 2, "type": 2}}]},
            (None, True),
        ),
    ],
)
def test_staff_roles(staff: dict[str, Any], expected: tuple[str | None, bool]) -> None:
    assert staff_role(staff, SCHOOL) == expected


def test_demographics_from_codes_or_descriptions() -> None:
    student = {
        "demographics": {"gender": "X", "birth_date": "2012-02-29", "ssn": "123-45-6789"},
        "ethnicity_race": [
            {
                "federal_ethnicity": "1",
                "races": [
                    {"federal_race_code_category": "B"},
                    {"district_race_code_description": "Native Hawaiian"},
                ],
            }
        ],
    }
    out = demographics(student, DEFAULT_RACE_CODES)
    assert out is not None
    assert out["sex"] == "other"
    assert out["hispanicOrLatinoEthnicity"] == "true"
    assert out["blackOrAfricanAmerican"] == out["nativeHawaiianOrOtherPacificIslander"] == "true"
    assert out["white"] == "false"
    assert out["demographicRaceTwoOrMoreRaces"] == "true"
    assert "123-45-6789" not in str(out)

    custom = demographics(
        {"ethnicity_race": {"races": {"federal_race_code_category": "5"}}}, {"5": "white"}
    )
    assert custom is not None
    assert custom["white"] == "true"
    assert custom["birthDate"] == custom["sex"] == ""
    assert demographics({"name": {}}, DEFAULT_RACE_CODES) is None


def test_the_highest_active_role_is_primary_and_ended_roles_are_removed() -> None:
    book = RoleBook("staff:7")
    book.add("siteAdministrator", "1", True)
    book.add("teacher", "12", True)
    book.add("teacher", "3", False)
    book.add("teacher", "12", False)  # still active from the other school list
    assert book.active
    assert book.primary_school() == "12"
    assert [(r["role"], r["orgSourcedId"], r["roleType"]) for r in book.roles()] == [
        ("teacher", "12", "primary"),
        ("siteAdministrator", "1", "secondary"),
    ]
    ended = {r["sourcedId"]: (r["status"], r["roleType"]) for r in book.roles(ended=True)}
    assert ended["staff:7:3:teacher"] == ("tobedeleted", "secondary")
    assert ended["staff:7:12:teacher"] == ("active", "primary")

    gone = RoleBook("student:9")
    gone.add("student", "2", False)
    assert not gone.active
    assert gone.roles() == []
    assert gone.primary_school() == ""


def test_the_connector_is_registered_and_its_mapping_loads() -> None:
    cls = connector_class("powerschool")
    assert cls.title == "PowerSchool SIS"
    assert cls.supports_incremental
    mapper = mapping_for("powerschool")
    assert mapper.streams() == {
        "district",
        "schools",
        "terms",
        "courses",
        "sections",
        "section_enrollments",
        "students",
        "staff",
    }
    rows = list(mapper.rows("sections", {"id": 5, "_teacher": "", "_status": "active"}))
    assert [target for target, _ in rows] == ["classes"]  # no teacher: no teacher enrollment
