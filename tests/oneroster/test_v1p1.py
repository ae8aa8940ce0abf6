"""The 1.1 binding: same store, 1.1 shapes (scalar role, orgs[])."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from interop_hub.auth.scopes import V1P1_ROSTER_CORE_READONLY, V1P1_ROSTER_READONLY
from interop_hub.oneroster.roles import v1p1_role
from tests.oneroster.conftest import V11, Get
from tests.oneroster.factory import Roster


def test_v1p1_users_have_scalar_role_and_orgs(roster: Roster, get: Get) -> None:
    user = get(V11 + "/users/teacher-1").json()["user"]
    assert user["role"] == "teacher"
    assert [o["sourcedId"] for o in user["orgs"]] == ["school-1", "school-2"]
    assert user["orgs"][0]["href"].endswith("/ims/oneroster/v1p1/orgs/school-1")
    assert "roles" not in user
    assert "primaryOrg" not in user
    assert "userProfiles" not in user
    assert get(V11 + "/users/admin-1").json()["user"]["role"] == "administrator"
    assert get(V11 + "/users/aide-1").json()["user"]["role"] == "aide"


def test_v1p1_role_mapping() -> None:
    assert v1p1_role("districtAdministrator") == "administrator"
    assert v1p1_role("counselor") == "administrator"
    assert v1p1_role("guardian") == "guardian"
    assert v1p1_role("ext:coach") == "ext:coach"


def test_v1p1_filters_on_role_and_orgs(roster: Roster, get: Get) -> None:
    admins = get(V11 + "/users", filter="role='administrator'").json()["users"]
    assert [u["sourcedId"] for u in admins] == ["admin-1"]
    at_school_2 = get(V11 + "/users", filter="orgs.sourcedId='school-2'").json()["users"]
    assert [u["sourcedId"] for u in at_school_2] == ["student-5", "teacher-1", "teacher-2"]
    by_role = get(V11 + "/users", sort="role", fields="sourcedId,role").json()["users"]
    assert [u["role"] for u in by_role] == sorted(u["role"] for u in by_role)


def test_v1p1_collections_and_nested(roster: Roster, get: Get) -> None:
    assert len(get(V11 + "/students").json()["users"]) == 5
    assert [c["sourcedId"] for c in get(V11 + "/teachers/teacher-1/classes").json()["classes"]] == [
        "class-1",
        "class-2",
    ]
    assert get(V11 + "/schools/school-1").json()["org"]["type"] == "school"
    assert get(V11 + "/terms/term-1/gradingPeriods").json()["academicSessions"]
    assert get(V11 + "/demographics/student-1").json()["demographics"]["sex"] == "male"
    response = get(V11 + "/users/nope")
    assert response.status_code == 404


def test_v1p1_accepts_v1p1_scopes(
    roster: Roster, client: TestClient, bearer: Callable[..., dict[str, str]]
) -> None:
    assert client.get(V11 + "/users", headers=bearer(V1P1_ROSTER_CORE_READONLY)).status_code == 200
    nested = V11 + "/classes/class-1/students"
    assert client.get(nested, headers=bearer(V1P1_ROSTER_CORE_READONLY)).status_code == 403
    assert client.get(nested, headers=bearer(V1P1_ROSTER_READONLY)).status_code == 200
