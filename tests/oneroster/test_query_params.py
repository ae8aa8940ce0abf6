"""Behaviour of limit/offset/sort/orderBy/fields/filter on the 1.2 collections."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from tests.oneroster.conftest import Get
from tests.oneroster.factory import BASE_TIME, Roster


def ids(response: object) -> list[str]:
    body = response.json()  # type: ignore[attr-defined]
    (records,) = body.values()
    return [r["sourcedId"] for r in records]


def code_minor(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    value: str = body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
    return value


def links(response: object) -> dict[str, str]:
    header = response.headers.get("Link", "")  # type: ignore[attr-defined]
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}


@pytest.fixture
def many_users(db_engine: Engine) -> list[str]:
    r = Roster()
    r.org("school-1", "School")
    sids = [f"u-{i:03d}" for i in range(53)]
    for n, sid in enumerate(sids):
        # Same familyName for many users: sorting on it needs the sourcedId tiebreaker.
        r.user(sid, f"Given{n % 5}", f"Family{n % 3}", [("primary", "student", "school-1")])
    r.flush(db_engine)
    return sids


def test_paging_returns_every_record_once_in_stable_order(many_users: list[str], get: Get) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        response = get("/users", limit=7, offset=offset)
        assert response.status_code == 200
        assert response.headers["X-Total-Count"] == "53"
        page = ids(response)
        if not page:
            break
        seen += page
        offset += 7
    assert seen == sorted(many_users)


def test_paging_with_a_sort_on_a_non_unique_field_is_stable(
    many_users: list[str], get: Get
) -> None:
    seen: list[str] = []
    for offset in range(0, 60, 10):
        seen += ids(get("/users", limit=10, offset=offset, sort="familyName", orderBy="desc"))
    assert sorted(seen) == sorted(many_users)
    assert len(seen) == len(set(seen))
    families = [get(f"/users/{sid}").json()["user"]["familyName"] for sid in seen[:20]]
    assert families == sorted(families, reverse=True)


def test_link_headers(many_users: list[str], get: Get) -> None:
    first = get("/users", limit=10, filter="status='active'")
    assert first.headers["Access-Control-Expose-Headers"] == "X-Total-Count, Link"
    rels = links(first)
    assert set(rels) == {"first", "next", "last"}
    assert rels["next"].startswith("http://testserver/ims/oneroster/rostering/v1p2/users?")
    assert "offset=10" in rels["next"]
    assert "limit=10" in rels["next"]
    assert "filter=status%3D%27active%27" in rels["next"]
    assert "offset=50" in rels["last"]
    middle = links(get("/users", limit=10, offset=20))
    assert set(middle) == {"first", "prev", "next", "last"}
    assert "offset=10" in middle["prev"]
    last = links(get("/users", limit=10, offset=50))
    assert set(last) == {"first", "prev", "last"}


def test_limit_is_clamped_to_the_cap(many_users: list[str], get: Get) -> None:
    response = get("/users", limit=10**9)
    assert response.status_code == 200
    assert len(ids(response)) == 53
    assert "limit=10000" in links(response)["first"]


def test_default_limit_is_100(db_engine: Engine, get: Get) -> None:
    r = Roster()
    for i in range(105):
        r.org(f"org-{i:03d}", f"Org {i}")
    r.flush(db_engine)
    response = get("/orgs")
    assert len(ids(response)) == 100
    assert response.headers["X-Total-Count"] == "105"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "abc"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-3"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "x"}, "offset"),
        ({"orderBy": "sideways"}, "orderBy"),
    ],
)
def test_invalid_paging_params_are_400_invaliddata(
    roster: Roster, get: Get, params: dict[str, str], message: str
) -> None:
    response = get("/users", **params)
    assert response.status_code == 400
    assert code_minor(response) == "invaliddata"
    assert message in response.json()["imsx_description"]


def test_delta_by_date_last_modified_returns_exactly_the_changed_records(
    db_engine: Engine, get: Get
) -> None:
    r = Roster()
    r.org("old", "Old", modified=BASE_TIME)
    r.org("new-1", "New 1", modified=BASE_TIME + timedelta(hours=1))
    r.org("new-2", "New 2", modified=BASE_TIME + timedelta(hours=2), status="tobedeleted")
    r.flush(db_engine)
    after = "2024-01-01T08:00:00.123Z"
    response = get("/orgs", filter=f"dateLastModified>'{after}'")
    assert ids(response) == ["new-1", "new-2"]
    assert response.json()["orgs"][1]["status"] == "tobedeleted"  # deletions reach deltas
    assert ids(get("/orgs", filter=f"dateLastModified>='{after}'")) == ["new-1", "new-2", "old"]
    # Offsets are converted to UTC; a date alone means midnight UTC.
    assert ids(get("/orgs", filter="dateLastModified>'2024-01-01T10:30:00+01:00'")) == ["new-2"]
    assert ids(get("/orgs", filter="dateLastModified<'2024-01-02'")) == ["new-1", "new-2", "old"]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ("givenName='Bart'", ["student-1"]),
        ("familyName!='Simpson'", None),  # checked below
        ("familyName>'Skinner'", ["student-3"]),
        ("familyName>='Skinner'", ["admin-1", "student-3"]),
        ("familyName<'Largo'", ["teacher-1"]),
        ("familyName<='Largo'", ["teacher-1", "teacher-2"]),
        ("email~'EXAMPLE.ORG' AND givenName~'li'", ["student-2"]),
        ("givenName='Bart' OR givenName='Lisa'", ["student-1", "student-2"]),
        ("roles.role='guardian'", ["guardian-1"]),
        ("roles.role='principal' AND roles.org.sourcedId='school-1'", ["admin-1"]),
        ("roles.org.sourcedId='school-2'", ["student-5", "teacher-1", "teacher-2"]),
        ("roles.roleType='secondary'", ["admin-1", "teacher-1"]),
        ("roles.beginDate='2023-08-01'", ["aide-1"]),
        (
            "primaryOrg.sourcedId='school-1' AND givenName~'A'",
            ["student-1", "student-2", "teacher-1"],
        ),
        ("userIds.identifier='lisa'", ["student-2"]),
        ("userIds.type='LDAP' AND familyName='Krabappel'", ["teacher-1"]),
        ("agents.sourcedId='guardian-1'", ["student-1", "student-2"]),
        ("grades='07'", ["student-5"]),
        ("enabledUser='false'", ["teacher-2"]),
        ("userProfiles.vendorId='vendor-2'", ["admin-1"]),
        ("status='tobedeleted'", ["student-5"]),
    ],
)
def test_user_filters(roster: Roster, get: Get, flt: str, expected: list[str] | None) -> None:
    response = get("/users", filter=flt, limit=1000)
    assert response.status_code == 200, response.text
    if expected is None:
        assert "student-1" not in ids(response)
        assert "teacher-1" in ids(response)
    else:
        assert ids(response) == expected
        assert response.headers["X-Total-Count"] == str(len(expected))


@pytest.mark.parametrize(
    ("path", "flt", "expected"),
    [
        ("/enrollments", "class.sourcedId='class-2' AND role='teacher'", ["enr-t2", "enr-t3"]),
        ("/enrollments", "user.sourcedId='student-1'", ["enr-1", "enr-s1b"]),
        ("/enrollments", "school.sourcedId='school-2' AND primary='false'", ["enr-t2", "enr-t3"]),
        ("/enrollments", "beginDate>='2023-08-01' AND user.sourcedId='student-2'", ["enr-2"]),
        ("/classes", "course.sourcedId='course-1'", ["class-1", "class-3"]),
        ("/classes", "terms.sourcedId='term-2'", ["class-1", "class-2"]),
        ("/classes", "school.sourcedId='school-2'", ["class-2"]),
        ("/classes", "periods='4'", ["class-2"]),
        ("/courses", "org.sourcedId='district-1'", ["course-1"]),
        ("/courses", "schoolYear.sourcedId='sy-2024'", ["course-1"]),
        ("/courses", "subjects~'math'", ["course-1"]),
        ("/orgs", "parent.sourcedId='district-1'", ["school-1", "school-2", "school-old"]),
        ("/orgs", "children.sourcedId='dept-1'", ["school-1"]),
        ("/orgs", "type!='school'", ["dept-1", "district-1"]),
        ("/academicSessions", "parent.sourcedId='term-1'", ["gp-1", "gp-2"]),
        ("/academicSessions", "startDate>'2023-09-01' AND type='gradingPeriod'", ["gp-2", "gp-3"]),
        ("/gradingPeriods", "endDate<='2023-11-01'", ["gp-1", "gp-2"]),
        ("/terms", "schoolYear='2024'", ["term-1", "term-2"]),
        ("/demographics", "white='true'", ["student-1", "student-2"]),
        ("/demographics", "birthDate<'2010-01-01'", ["student-1"]),
        ("/demographics", "sex='female' OR sex='male'", ["student-1", "student-2", "student-5"]),
        ("/students", "email~'SIMPSON' OR familyName='Muntz'", ["student-4"]),
        ("/teachers", "email='edna@example.org'", ["teacher-1"]),
    ],
)
def test_filters_on_other_collections(
    roster: Roster, get: Get, path: str, flt: str, expected: list[str]
) -> None:
    response = get(path, filter=flt)
    assert response.status_code == 200, response.text
    assert ids(response) == expected


def test_contains_escapes_like_wildcards(db_engine: Engine, get: Get) -> None:
    r = Roster()
    r.org("o1", "100% Charter")
    r.org("o2", "1000 Oaks")
    r.org("o3", "A_B")
    r.org("o4", "AxB")
    r.flush(db_engine)
    assert ids(get("/orgs", filter="name~'0%'")) == ["o1"]
    assert ids(get("/orgs", filter="name~'a_b'")) == ["o3"]
    assert ids(get("/orgs", filter="name~'O''Brien' OR name~'oaks'")) == ["o2"]


@pytest.mark.parametrize(
    ("flt", "status", "minor", "fragment"),
    [
        ("nope='x'", 400, "invalid_filter_field", "nope"),
        ("roles.nope='x'", 400, "invalid_filter_field", "roles.nope"),
        ("status='a' AND givenName='b' OR familyName='c'", 400, "invaliddata", "mixing AND and OR"),
        ("status=active", 400, "invaliddata", "character 8"),
        ("status='active", 400, "invaliddata", "unterminated"),
        ("status ?? 'x'", 400, "invaliddata", "operator"),
        # Well-formed filters whose value cannot be the field's type: 422.
        ("dateLastModified>'yesterday'", 422, "invaliddata", "date-time"),
        ("enabledUser>'true'", 422, "invaliddata", "boolean"),
        ("dateLastModified~'2024'", 422, "invaliddata", "~"),
    ],
)
def test_bad_filters_are_rejected(
    roster: Roster, get: Get, flt: str, status: int, minor: str, fragment: str
) -> None:
    response = get("/users", filter=flt)
    assert response.status_code == status
    assert code_minor(response) == minor
    assert fragment in response.json()["imsx_description"]


def test_fields_projection(roster: Roster, get: Get) -> None:
    response = get("/users", fields="sourcedId,givenName,roles", filter="givenName='Bart'")
    assert response.json() == {
        "users": [
            {
                "sourcedId": "student-1",
                "givenName": "Bart",
                "roles": [
                    {
                        "roleType": "primary",
                        "role": "student",
                        "org": {
                            "href": "http://testserver/ims/oneroster/rostering/v1p2/orgs/school-1",
                            "sourcedId": "school-1",
                            "type": "org",
                        },
                    }
                ],
            }
        ]
    }
    single = get("/classes/class-1", fields="title,terms")
    assert set(single.json()["class"]) == {"title", "terms"}
    repeated = get("/orgs/school-1", fields=["name", "type"])
    assert repeated.json() == {"org": {"name": "Springfield High", "type": "school"}}


def test_unknown_fields_entry_is_400_invalid_selection_field(roster: Roster, get: Get) -> None:
    for path in ("/users", "/users/student-1", "/schools/school-1/classes"):
        response = get(path, fields="sourcedId,shoeSize")
        assert response.status_code == 400
        assert code_minor(response) == "invalid_selection_field"
        assert "shoeSize" in response.json()["imsx_description"]


def test_sort_and_order_by(roster: Roster, get: Get) -> None:
    asc = ids(get("/orgs", sort="name"))
    assert asc == ["school-old", "dept-1", "school-2", "district-1", "school-1"]
    assert ids(get("/orgs", sort="name", orderBy="desc")) == asc[::-1]
    assert ids(get("/orgs", orderBy="desc")) == sorted(asc, reverse=True)
    # Unknown sort fields are ignored: default order (sourcedId ascending).
    assert ids(get("/orgs", sort="shoeSize")) == sorted(asc)
    # Dotted scalar paths sort too.
    assert ids(get("/classes", sort="school.sourcedId", orderBy="desc"))[0] == "class-2"


def test_tobedeleted_records_are_served_with_their_status(roster: Roster, get: Get) -> None:
    body = get("/classes/class-3").json()
    assert body["class"]["status"] == "tobedeleted"
    assert "student-5" in ids(get("/students"))
