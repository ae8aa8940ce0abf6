"""The generated package: exact 1.2 headers, manifest, integrity, structure and realism."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from interop_hub.generator import HEADERS, GenerationSummary
from tests.generator.checks import (
    ELEMENTARY,
    Package,
    check_integrity,
    multi,
    read_csv,
    students,
)

# Copied from standards/oneroster.md §6 (1.2 CSV binding), not from the generator.
EXPECTED_HEADERS = {
    "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
    "parentSourcedId,schoolYear",
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
    "orgSourcedId,subjects,subjectCodes",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
    "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
    "userSourcedId,role,primary,beginDate,endDate",
    "demographics": "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,"
    "asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
    "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
    "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus",
    "users": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,"
    "preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
    "roles": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
    "orgSourcedId,userProfileSourcedId",
}
ALL_FILES = (
    "academicSessions categories classResources classes courseResources courses demographics "
    "enrollments lineItemLearningObjectiveIds lineItemScoreScales lineItems orgs resources "
    "resultLearningObjectiveIds resultScoreScales results roles scoreScales userProfiles "
    "userResources users"
).split()

Generated = tuple[GenerationSummary, Package]


def test_headers_match_the_1_2_binding(medium_path: Path) -> None:
    assert {n: ",".join(h) for n, h in HEADERS.items()} == EXPECTED_HEADERS
    for name, expected in EXPECTED_HEADERS.items():
        raw = (medium_path / f"{name}.csv").read_bytes()
        assert raw.startswith(expected.encode() + b"\r\n"), name


def test_manifest_declares_every_1_2_file(medium_path: Path) -> None:
    header, rows = read_csv(medium_path / "manifest.csv")
    assert header == ["propertyName", "value"]
    props = {r["propertyName"]: r["value"] for r in rows}
    assert props["manifest.version"] == "1.0"
    assert props["oneroster.version"] == "1.2"
    assert props["source.systemName"]
    assert props["source.systemCode"]
    files = {k.removeprefix("file."): v for k, v in props.items() if k.startswith("file.")}
    assert sorted(files) == sorted(ALL_FILES)
    present = {p.stem for p in medium_path.glob("*.csv")} - {"manifest"}
    assert {n for n, v in files.items() if v == "bulk"} == present == set(EXPECTED_HEADERS)
    assert {v for n, v in files.items() if n not in present} == {"absent"}


@pytest.mark.parametrize("fixture", ["small", "medium"])
def test_referential_integrity(fixture: str, request: pytest.FixtureRequest) -> None:
    summary, pkg = request.getfixturevalue(fixture)
    check_integrity(pkg)
    assert {n: len(rows) for n, rows in pkg.items() if n != "manifest"} == summary.rows


@pytest.mark.parametrize("fixture", ["small", "medium"])
def test_student_count_is_exact(fixture: str, request: pytest.FixtureRequest) -> None:
    summary, pkg = request.getfixturevalue(fixture)
    assert len(students(pkg)) == summary.students == summary.rows["demographics"]


def test_district_structure(medium: Generated) -> None:
    summary, pkg = medium
    assert summary.schools == {"elementary": 2, "middle": 1, "high": 1}
    sessions = Counter(s["type"] for s in pkg["academicSessions"])
    assert sessions == {"schoolYear": 1, "semester": 2, "gradingPeriod": 4}
    year = next(s for s in pkg["academicSessions"] if s["type"] == "schoolYear")
    assert year["schoolYear"] == year["endDate"][:4] == "2025"
    roles = Counter(r["role"] for r in pkg["roles"] if r["roleType"] == "primary")
    assert roles["student"] == 2_000
    assert roles["principal"] == 4
    assert roles["districtAdministrator"] >= 1
    assert 2_000 / roles["teacher"] == pytest.approx(15, abs=3)  # student:teacher ratio
    assert roles["parent"] + roles["guardian"] + roles["relative"] >= 2_000


def test_enrollment_fan_out(medium: Generated) -> None:
    _, pkg = medium
    kids = students(pkg)
    classes = {c["sourcedId"]: c for c in pkg["classes"]}
    per_student: dict[str, list[str]] = defaultdict(list)
    teacher_sections: Counter[str] = Counter()
    for e in pkg["enrollments"]:
        if e["role"] == "student":
            per_student[e["userSourcedId"]].append(e["classSourcedId"])
        else:
            teacher_sections[e["userSourcedId"]] += 1
    assert set(per_student) == set(kids)
    total = 0
    for sid, class_ids in per_student.items():
        total += len(class_ids)
        if kids[sid]["grades"] in ELEMENTARY:
            assert len(class_ids) == 8
            types = Counter(classes[c]["classType"] for c in class_ids)
            assert types["homeroom"] == 1
        else:
            assert 6 <= len(class_ids) <= 8
            periods = [classes[c]["periods"] for c in class_ids]
            assert len(set(periods)) == len(periods), "a student is never in two places at once"
    assert 7.0 <= total / len(kids) <= 8.5  # ≈8M enrollments for 1M students
    loads = sorted(teacher_sections.values())
    assert 4.5 <= loads[len(loads) // 2] <= 6  # median sections per teacher
    sizes = Counter(e["classSourcedId"] for e in pkg["enrollments"] if e["role"] == "student")
    assert max(sizes.values()) <= 32
    homerooms = [sizes[c] for c, cls in classes.items() if cls["classType"] == "homeroom"]
    assert max(homerooms) <= 25
    assert sum(homerooms) / len(homerooms) >= 18


def test_demographics_are_plausible(medium: Generated) -> None:
    _, pkg = medium
    kids = students(pkg)
    sexes = Counter(d["sex"] for d in pkg["demographics"])
    assert 0.4 < sexes["female"] / 2_000 < 0.6
    assert 0.4 < sexes["male"] / 2_000 < 0.6
    hispanic = sum(d["hispanicOrLatinoEthnicity"] == "true" for d in pkg["demographics"])
    assert 0.2 < hispanic / 2_000 < 0.36
    for d in pkg["demographics"]:
        grade = kids[d["sourcedId"]]["grades"]
        index = 0 if grade == "KG" else int(grade)
        age_on_sept_1 = _age(date.fromisoformat(d["birthDate"]), date(2024, 9, 1))
        assert 4 + index <= age_on_sept_1 <= 6 + index, (grade, d["birthDate"])
        race = [d[f] for f in ("americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                               "nativeHawaiianOrOtherPacificIslander", "white")]  # fmt: skip
        two_or_more = d["demographicRaceTwoOrMoreRaces"] == "true"
        assert race.count("true") == (2 if two_or_more else 1)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@pytest.mark.parametrize("fixture", ["small", "medium"])
def test_twins_are_present(fixture: str, request: pytest.FixtureRequest) -> None:
    summary, pkg = request.getfixturevalue(fixture)
    kids = students(pkg)
    births = {d["sourcedId"]: d["birthDate"] for d in pkg["demographics"]}
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for sid, u in kids.items():
        groups[(u["agentSourcedIds"], u["familyName"], births[sid])].append(u["givenName"])
    twins = [given for given in groups.values() if len(given) >= 2]
    assert len(twins) >= 2
    assert all(len(set(given)) == len(given) for given in twins), "twins have distinct names"
    assert summary.twin_pairs >= len(twins)


def test_guardians_are_shared_by_siblings(medium: Generated) -> None:
    _, pkg = medium
    guardian_ids = {
        r["userSourcedId"] for r in pkg["roles"] if r["role"] in ("parent", "guardian", "relative")
    }
    users = {u["sourcedId"]: u for u in pkg["users"]}
    children = [multi(users[g]["agentSourcedIds"]) for g in guardian_ids]
    assert all(1 <= len(c) <= 4 for c in children)
    assert sum(len(c) > 1 for c in children) > 0.2 * len(children)
    per_student = [len(multi(u["agentSourcedIds"])) for u in students(pkg).values()]
    assert set(per_student) == {1, 2}
    # a guardian with children in two schools holds one primary role in each school
    multi_school = Counter(
        r["userSourcedId"] for r in pkg["roles"] if r["userSourcedId"] in guardian_ids
    )
    assert max(multi_school.values()) >= 2


def test_users_are_unique_and_fictional(medium: Generated) -> None:
    _, pkg = medium
    usernames = [u["username"] for u in pkg["users"] if u["username"]]
    assert len(usernames) == len(set(usernames))
    identifiers = [u["identifier"] for u in pkg["users"]]
    assert len(identifiers) == len(set(identifiers))
    assert any(not u["givenName"].isascii() or not u["familyName"].isascii() for u in pkg["users"])


def test_multi_value_cells_are_quoted(medium_path: Path) -> None:
    text = (medium_path / "classes.csv").read_text(encoding="utf-8")
    assert '"Drawing, Painting and Design - P' in text  # a comma inside a title
    assert ',"09,10,11,12",' in text or ',"09,10",' in text  # a multi-value grades cell
    assert ',"d7-ses-2025-s1,d7-ses-2025-s2",' in text
