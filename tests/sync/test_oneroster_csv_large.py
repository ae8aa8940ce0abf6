"""A generated district of a few thousand users imports in bounded memory, and bulk
re-imports diff set-based."""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, func, select

from interop_hub.models import ClassTerm, Enrollment, User, UserAgent, UserRole
from interop_hub.sync.oneroster_csv import import_package

HEADERS = {
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
    "parentSourcedId,schoolYear",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
    "orgSourcedId,subjects,subjectCodes",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
    "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "users": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
    "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,"
    "primaryOrgSourcedId,pronouns,metadata.ext.lunch",
    "roles": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
    "orgSourcedId,userProfileSourcedId",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
    "userSourcedId,role,primary,beginDate,endDate",
}


def write_district(
    root: Path, *, schools: int, students: int, classes_per_school: int, per_student: int
) -> dict[str, int]:
    """Write a OneRoster 1.2 bulk package; returns the row count per file."""
    root.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def write(name: str, rows: Iterator[list[str]]) -> None:
        with (root / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            fh.write(HEADERS[name] + "\r\n")
            writer = csv.writer(fh, lineterminator="\r\n")
            n = 0
            for row in rows:
                writer.writerow(row)
                n += 1
        counts[name] = n

    d = "2024-08-01T00:00:00.000Z"
    write("orgs", iter([["D1", "active", d, "District", "district", "", ""]] + [
        [f"S{s}", "active", d, f"School {s}", "school", f"{s:08d}", "D1"] for s in range(schools)
    ]))  # fmt: skip
    write("academicSessions", iter([
        ["Y", "active", d, "2025", "schoolYear", "2024-08-01", "2025-06-30", "", "2025"],
        ["T1", "active", d, "Fall", "term", "2024-08-01", "2024-12-20", "Y", "2025"],
    ]))  # fmt: skip
    write("courses", ([f"C{s}-{c}", "active", d, "Y", f"Course {c}", f"C{c}", "9,10",
                       f"S{s}", "Math", "02052"]
                      for s in range(schools) for c in range(classes_per_school)))  # fmt: skip
    write("classes", ([f"K{s}-{c}", "active", d, f"Class {c}", "09", f"C{s}-{c}", f"{c}",
                       "scheduled", "", f"S{s}", "T1", "", "", "1,2"]
                      for s in range(schools) for c in range(classes_per_school)))  # fmt: skip
    teachers = schools * classes_per_school

    def users() -> Iterator[list[str]]:
        for t in range(teachers):
            yield [f"TE{t}", "active", d, "true", f"t{t}", "", "Tea", f"Cher{t}", "", "", "",
                   "", "", "", "", "", "", "", "", "", f"S{t % schools}", "", ""]  # fmt: skip
        for i in range(students):
            yield [f"ST{i}", "", "", "TRUE", f"s{i}", f"{{SIS:{i}}}", "Stu", f"Dent {i}", "",
                   f"{i}", f"s{i}@x.org", "", "", f"G{i}", "9", "secret", "", "", "", "",
                   f"S{i % schools}", "", "free" if i % 3 else ""]  # fmt: skip
            yield [f"G{i}", "active", d, "true", "", "", "Guar", f"Dian {i}", "", "", "",
                   "", "", f"ST{i}", "", "", "", "", "", "", "", "", ""]  # fmt: skip

    write("users", users())

    def roles() -> Iterator[list[str]]:
        for t in range(teachers):
            yield [f"R-TE{t}", "active", d, f"TE{t}", "primary", "teacher", "", "",
                   f"S{t % schools}", ""]  # fmt: skip
        for i in range(students):
            yield [f"R-ST{i}", "active", d, f"ST{i}", "primary", "student", "", "",
                   f"S{i % schools}", ""]  # fmt: skip
            yield [f"R-G{i}", "active", d, f"G{i}", "primary", "guardian", "", "",
                   f"S{i % schools}", ""]  # fmt: skip

    write("roles", roles())

    def enrollments() -> Iterator[list[str]]:
        for t in range(teachers):
            s, c = t % schools, t // schools
            yield [f"E-TE{t}", "active", d, f"K{s}-{c}", f"S{s}", f"TE{t}", "teacher", "true",
                   "", ""]  # fmt: skip
        for i in range(students):
            s = i % schools
            for k in range(per_student):
                c = (i + k) % classes_per_school
                yield [f"E{i}-{k}", "active", d, f"K{s}-{c}", f"S{s}", f"ST{i}", "student",
                       "", "2024-08-01", ""]  # fmt: skip

    write("enrollments", enrollments())
    files = ["orgs", "academicSessions", "courses", "classes", "users", "roles", "enrollments"]
    with (root / "manifest.csv").open("w", encoding="utf-8") as fh:
        fh.write("propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n")
        for name in files:
            fh.write(f"file.{name},bulk\n")
        for name in ("demographics", "userProfiles", "lineItems", "results"):
            fh.write(f"file.{name},absent\n")
        fh.write("source.systemName,Generated\nsource.systemCode,gen")  # no trailing newline
    return counts


def test_generated_district_imports_in_bounded_memory(db_engine: Engine, tmp_path: Path) -> None:
    pkg = tmp_path / "district"
    counts = write_district(pkg, schools=4, students=2000, classes_per_school=25, per_student=6)
    assert counts["enrollments"] == 12_100

    tracemalloc.start()
    try:
        result = import_package(db_engine, pkg, batch_size=500)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.report.error_count == 0
    assert result.source == "oneroster-csv:gen"
    assert result.stats["users"].added == 4100
    assert result.stats["enrollments"].added == 12_100
    # Streaming: Python never holds the package (≈25k records) at once.
    assert peak < 4 * 1024 * 1024, f"peak Python allocations {peak / 1e6:.1f} MB"
    with db_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(UserRole)).scalar_one() == 4100
        assert conn.execute(select(func.count()).select_from(UserAgent)).scalar_one() == 4000
        assert conn.execute(select(func.count()).select_from(ClassTerm)).scalar_one() == 100
        lunch = conn.execute(select(User.extension).where(User.sourced_id == "ST1")).scalar_one()
        assert lunch == {"ext.lunch": "free"}

    assert import_package(db_engine, pkg).change_version is None

    # Bulk: drop 10% of the student enrollments and change one student.
    rows = (pkg / "enrollments.csv").read_text().splitlines()
    kept = [r for i, r in enumerate(rows) if i < 101 or i % 10]
    (pkg / "enrollments.csv").write_text("\r\n".join(kept) + "\r\n")
    users = (pkg / "users.csv").read_text().replace("Stu,Dent 7,", "Stu,Dentt 7,")
    (pkg / "users.csv").write_text(users)
    result = import_package(db_engine, pkg)
    removed = len(rows) - len(kept)
    assert result.stats["enrollments"].tombstoned == removed
    assert result.stats["enrollments"].unchanged == 12_100 - removed
    assert result.stats["users"].updated == 1
    with db_engine.connect() as conn:
        tomb = conn.execute(
            select(func.count())
            .select_from(Enrollment)
            .where(Enrollment.change_version == result.change_version)
        ).scalar_one()
    assert tomb == removed
