"""Helpers shared by the generator tests: read a package and check it is self-consistent."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

from interop_hub.canonical.vocab import (
    CLASS_TYPES,
    ENROLLMENT_ROLES,
    ORG_TYPES,
    ROLE_TYPES,
    ROLES,
    SESSION_TYPES,
    SEX_VALUES,
)

Package = dict[str, list[dict[str, str]]]

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
BOOL = {"true", "false"}
DEMOGRAPHIC_FLAGS = (
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
)
ELEMENTARY = {"KG", "01", "02", "03", "04", "05"}


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


def read_package(folder: Path) -> Package:
    return {p.stem: read_csv(p)[1] for p in sorted(folder.glob("*.csv"))}


def multi(value: str) -> list[str]:
    return [v for v in value.split(",") if v]


def students(pkg: Package) -> dict[str, dict[str, str]]:
    student_ids = {r["userSourcedId"] for r in pkg["roles"] if r["role"] == "student"}
    return {u["sourcedId"]: u for u in pkg["users"] if u["sourcedId"] in student_ids}


def check_integrity(pkg: Package) -> None:
    """Assert every reference resolves inside the package and the vocabularies hold."""
    for name, rows in pkg.items():
        if name == "manifest":
            continue
        ids = [r["sourcedId"] for r in rows]
        assert len(ids) == len(set(ids)), f"duplicate sourcedId in {name}"
        for r in rows:
            assert r["status"] == "active"
            assert DATETIME.match(r["dateLastModified"]), r
    orgs = {o["sourcedId"]: o for o in pkg["orgs"]}
    sessions = {s["sourcedId"]: s for s in pkg["academicSessions"]}
    courses = {c["sourcedId"]: c for c in pkg["courses"]}
    classes = {c["sourcedId"]: c for c in pkg["classes"]}
    users = {u["sourcedId"]: u for u in pkg["users"]}

    districts = [o for o in orgs.values() if o["type"] == "district"]
    assert len(districts) == 1
    for o in orgs.values():
        assert o["type"] in ORG_TYPES
        assert o["identifier"]
        if o["type"] == "school":
            assert o["parentSourcedId"] == districts[0]["sourcedId"]
    for s in sessions.values():
        assert s["type"] in SESSION_TYPES
        assert DATE.match(s["startDate"])
        assert DATE.match(s["endDate"])
        assert s["startDate"] < s["endDate"]
        assert re.fullmatch(r"\d{4}", s["schoolYear"])
        if s["parentSourcedId"]:
            parent = sessions[s["parentSourcedId"]]
            assert parent["startDate"] <= s["startDate"]
            assert s["endDate"] <= parent["endDate"]
    for c in courses.values():
        assert c["orgSourcedId"] in orgs
        assert c["schoolYearSourcedId"] in sessions
        assert c["courseCode"]
        assert c["title"]
    for c in classes.values():
        assert c["courseSourcedId"] in courses
        assert c["schoolSourcedId"] in orgs
        assert courses[c["courseSourcedId"]]["orgSourcedId"] == c["schoolSourcedId"]
        assert c["classType"] in CLASS_TYPES
        terms = multi(c["termSourcedIds"])
        assert terms
        assert all(t in sessions for t in terms)
        assert multi(c["grades"])

    role_orgs: dict[str, Counter[str]] = defaultdict(Counter)
    roles_seen: set[str] = set()
    for r in pkg["roles"]:
        assert r["userSourcedId"] in users
        assert r["orgSourcedId"] in orgs
        assert r["role"] in ROLES
        assert r["roleType"] in ROLE_TYPES
        roles_seen.add(r["userSourcedId"])
        if r["roleType"] == "primary":
            role_orgs[r["userSourcedId"]][r["orgSourcedId"]] += 1
    for r in pkg["roles"]:
        assert role_orgs[r["userSourcedId"]][r["orgSourcedId"]] == 1, f"primary roles: {r}"
    assert roles_seen == set(users), "every user needs at least one role"

    for u in users.values():
        assert u["enabledUser"] in BOOL
        assert u["password"] == ""
        assert u["primaryOrgSourcedId"] in orgs
        assert u["givenName"]
        assert u["familyName"]
        for agent in multi(u["agentSourcedIds"]):
            assert agent in users
            assert u["sourcedId"] in multi(users[agent]["agentSourcedIds"]), "agents link both ways"
        for user_id in multi(u["userIds"]):
            assert re.fullmatch(r"\{[A-Za-z]+:[^{}:,]+\}", user_id), user_id
        if u["email"]:
            assert u["email"].endswith((".example.org", "@example.net")), u["email"]

    demo = {d["sourcedId"]: d for d in pkg["demographics"]}
    assert set(demo) == set(students(pkg)), "demographics for exactly the students"
    for d in demo.values():
        assert DATE.match(d["birthDate"])
        assert d["sex"] in SEX_VALUES
        assert all(d[f] in BOOL for f in DEMOGRAPHIC_FLAGS)

    primaries: Counter[str] = Counter()
    for e in pkg["enrollments"]:
        cls = classes[e["classSourcedId"]]
        assert e["userSourcedId"] in users
        assert e["schoolSourcedId"] == cls["schoolSourcedId"]
        assert e["role"] in ENROLLMENT_ROLES
        term_start = min(sessions[t]["startDate"] for t in multi(cls["termSourcedIds"]))
        term_end = max(sessions[t]["endDate"] for t in multi(cls["termSourcedIds"]))
        assert term_start <= e["beginDate"] < e["endDate"] <= term_end
        if e["role"] == "teacher":
            assert e["primary"] in BOOL
            primaries[e["classSourcedId"]] += e["primary"] == "true"
        else:
            assert e["primary"] == ""
    assert all(primaries[c] == 1 for c in classes), "exactly one lead teacher per class"
