"""Older hosts: ODS/API 5.3 (year-specific, DS 3.3 parents, keyless deletes) and 6.1."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import respx
from sqlalchemy import Engine

from interop_hub.connectors.edfi_api import BOOKMARK
from interop_hub.core.errors import SourceError
from tests.connectors.edfi_api.conftest import MakeConnector
from tests.connectors.edfi_api.district import district
from tests.connectors.edfi_api.fake_ods import FakeOds, Profile
from tests.connectors.edfi_api.store import roles_of, run, users


def staged(folder: Path, target: str) -> list[dict[str, str]]:
    with (folder / f"{target}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def fake(router: respx.Router, profile: Profile) -> FakeOds:
    ods = FakeOds(profile).install(router)
    ods.load(district(contacts=profile.contacts))
    return ods


def test_ods_5_3_year_specific_with_parents(
    router: respx.Router, connector: MakeConnector, tmp_path: Path, db_engine: Engine
) -> None:
    ods = fake(router, Profile.ods_5_3())
    full, imported = run(connector(school_year=2025), tmp_path / "full", db_engine)

    reads = ods.gets("/ed-fi/")
    assert reads
    assert all("/api/data/v3/2025/ed-fi/" in str(r.url) for r in reads)
    assert ods.gets("/metadata/data/v3/2025/dependencies")
    assert {r.url.path.rsplit("/", 1)[1] for r in reads} >= {"parents", "studentParentAssociations"}
    # {"NewestChangeVersion": n} (5.x spelling), read from the default change-query route.
    assert full.bookmarks == {BOOKMARK: str(ods.newest)}
    assert ods.gets("/changeQueries/v1/2025/availableChangeVersions")

    assert imported is not None
    people = users(db_engine)
    assert roles_of(db_engine, people["C-7001"]["sourced_id"]) == [
        ("primary", "parent", "Grand Bend High School")
    ]
    assert {"type": "parentUniqueId", "identifier": "C-7001"} in people["C-7001"]["user_ids"]
    # No _lastModifiedDate on 5.x items: every row carries the run's time.
    stamps = {u["dateLastModified"] for u in staged(tmp_path / "full", "users")}
    assert len(stamps) == 1

    # Deletes without keyValues (before 5.3-cqe) cannot be matched: counted, not guessed.
    ods.update("students", {"studentUniqueId": "604823"}, firstName="Marc")
    ods.delete("studentSectionAssociations", studentUniqueId="604822", sectionIdentifier="ENG1-02")
    made = connector(school_year=2025)
    delta, _ = run(made, tmp_path / "delta", db_engine, bookmarks=full.bookmarks)
    assert not ods.gets("keyChanges"), "5.3 has no /keyChanges"
    assert ods.gets("studentSectionAssociations/deletes")
    assert made.skipped["deletes without keyValues (ODS/API before 6.1): left for a full run"] == 1
    assert staged(tmp_path / "delta", "enrollments") == []
    assert users(db_engine)["604823"]["given_name"] == "Marc"
    assert delta.bookmarks == {BOOKMARK: str(ods.newest)}


def test_year_specific_host_without_a_school_year_is_a_clear_error(
    router: respx.Router, connector: MakeConnector, tmp_path: Path
) -> None:
    fake(router, Profile.ods_5_3())
    with pytest.raises(SourceError, match="Year Specific mode: set school_year"):
        run(connector(), tmp_path)


def test_ods_6_1_parent_deletes_retire_the_role_and_the_user(
    router: respx.Router, connector: MakeConnector, tmp_path: Path, db_engine: Engine
) -> None:
    ods = fake(router, Profile.ods_6_1())
    full, _ = run(connector(), tmp_path / "full", db_engine)
    maria = users(db_engine)["C-7001"]["sourced_id"]
    ods.delete("studentParentAssociations", studentUniqueId="604822", parentUniqueId="C-7001")

    run(connector(), tmp_path / "delta", db_engine, bookmarks=full.bookmarks)

    assert {r.url.path.rsplit("/", 2)[-2] for r in ods.gets("keyChanges")} == {
        "sessions",
        "sections",
        "studentSchoolAssociations",
        "studentSectionAssociations",
        "staffSectionAssociations",
    }
    retired = {(r["sourcedId"], r["status"]) for r in staged(tmp_path / "delta", "users")}
    assert (maria, "tobedeleted") in retired
    assert [r["status"] for r in staged(tmp_path / "delta", "roles")].count("tobedeleted") == 1
    assert users(db_engine)["C-7001"]["status"] == "tobedeleted"
    assert roles_of(db_engine, maria) == []
