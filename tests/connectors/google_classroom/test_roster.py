"""People across course rosters: one record per user, names always present."""

from __future__ import annotations

from typing import Any

import pytest

from interop_hub.connectors.google_classroom.roster import People, split_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ({"givenName": "Lisa", "familyName": "Simpson", "fullName": "x"}, ("Lisa", "Simpson")),
        ({"fullName": "Milhouse Van Houten"}, ("Milhouse Van", "Houten")),
        ({"givenName": "Bart", "fullName": "Bart Simpson"}, ("Bart", "Simpson")),
        ({"fullName": "Bono"}, ("Bono", "Bono")),
        ({}, ("(unknown)", "(unknown)")),
    ],
)
def test_names_fall_back_on_the_full_name(name: dict[str, Any], expected: tuple[str, str]) -> None:
    assert split_name({"name": name}) == expected


def test_a_user_in_several_courses_is_one_record_with_every_role() -> None:
    people = People("shs")
    people.add("9", "student", {"id": "9", "name": {"givenName": "D", "familyName": "L"}})
    people.add("9", "teacher", {"id": "9", "name": {"givenName": "Other", "familyName": "X"}})
    people.add("9", "student", None)
    people.add("5", "student", None)
    records = {r["id"]: r for r in people.records()}
    assert len(people) == 2
    assert records["9"]["_given"] == "D"  # the first profile seen is kept
    assert [(r["role"], r["roleType"]) for r in records["9"]["_roles"]] == [
        ("teacher", "primary"),
        ("student", "secondary"),
    ]
    assert records["5"]["_family"] == "(unknown)"
    assert records["5"]["_roles"][0]["sourcedId"] == "5:shs:student"
