"""``records.lift``: provider shapes evened out for the mapping."""

from __future__ import annotations

from interop_hub.connectors.oneroster_rest.records import lift, role_key, school_year, user_id_cells


def test_user_id_cells_skip_what_the_csv_syntax_cannot_carry() -> None:
    ids = [
        {"type": "SIS", "identifier": "200145"},
        {"type": "LDAP", "identifier": "cn=sam:ou=students"},  # a colon in the id is fine
        {"type": "a:b", "identifier": "1"},
        {"type": "X", "identifier": "{1}"},
        {"type": "", "identifier": "2"},
        "not-an-object",
    ]
    assert user_id_cells(ids) == ["{SIS:200145}", "{LDAP:cn=sam:ou=students}"]


def test_role_keys_are_stable_and_unique_per_user() -> None:
    seen: dict[str, int] = {}
    assert role_key("u1", "s1", "teacher", seen) == "u1:s1:teacher"
    assert role_key("u1", "s1", "teacher", seen) == "u1:s1:teacher#2"
    long = role_key("u" * 200, "o" * 60, "teacher", {})
    assert long.startswith("role-")
    assert len(long) <= 255
    assert long == role_key("u" * 200, "o" * 60, "teacher", {})


def test_school_year_from_the_field_a_range_or_the_start_date() -> None:
    assert school_year({"schoolYear": "2025"}) == "2025"
    assert school_year({"schoolYear": 2025}) == "2025"
    assert school_year({"schoolYear": "2024-2025"}) == "2025"
    assert school_year({"startDate": "2024-08-19"}) == "2025"
    assert school_year({"startDate": "2025-01-13T00:00:00Z"}) == "2025"
    assert school_year({"startDate": "2025-06-16"}) == "2025"  # summer after the year
    assert school_year({"title": "no dates"}) is None


def test_1p1_user_becomes_1p2_roles() -> None:
    user = {
        "sourcedId": "u1",
        "role": "teacher",
        "orgs": [{"sourcedId": "s1", "type": "org"}, "s2"],
        "agents": ["g1", {"sourcedId": "g2"}],
    }
    lifted = lift("users", user)
    assert lifted["roles"] == [
        {
            "roleType": "primary",
            "role": "teacher",
            "org": {"sourcedId": "s1", "type": "org"},
            "_sourcedId": "u1:s1:teacher",
        },
        {
            "roleType": "secondary",
            "role": "teacher",
            "org": {"sourcedId": "s2"},
            "_sourcedId": "u1:s2:teacher",
        },
    ]
    assert lifted["primaryOrg"] == {"sourcedId": "s1", "type": "org"}
    assert lifted["_agentSourcedIds"] == ["g1", "g2"]
    assert "roles" not in user  # the raw record is not modified


def test_1p2_roles_are_kept_and_keyed() -> None:
    user = {
        "sourcedId": "u2",
        "roles": [
            {"roleType": "primary", "role": "student", "org": "s1", "beginDate": "2024-08-14"}
        ],
        "primaryOrg": {"sourcedId": "s1"},
    }
    lifted = lift("users", user)
    assert lifted["roles"] == [
        {
            "roleType": "primary",
            "role": "student",
            "org": {"sourcedId": "s1"},
            "beginDate": "2024-08-14",
            "_sourcedId": "u2:s1:student",
        }
    ]


def test_bare_id_refs_of_classes_and_enrollments() -> None:
    cls = lift("classes", {"course": "c1", "school": "s1", "terms": ["t1", {"sourcedId": "t2"}]})
    assert cls["course"] == {"sourcedId": "c1"}
    assert cls["school"] == {"sourcedId": "s1"}
    assert cls["_termSourcedIds"] == ["t1", "t2"]
    enr = lift("enrollments", {"user": "u1", "class": "c1", "school": "s1"})
    assert enr["user"] == {"sourcedId": "u1"}
    session = lift("academicSessions", {"schoolYear": "2025", "startDate": "2024-08-19"})
    assert session["schoolYear"] == "2025"  # a session's schoolYear is a year, not a ref
    assert session["_schoolYear"] == "2025"
