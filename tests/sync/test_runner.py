"""Connector sync runs end to end with the OneRoster CSV drop connector: the state machine,
the safety gate, dry runs, approval of exactly the held diff, crash recovery."""

from __future__ import annotations

import csv
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text, update

from interop_hub.config import Settings
from interop_hub.core.clock import utcnow
from interop_hub.core.errors import Conflict, InvalidRequest
from interop_hub.generator import generate_district
from interop_hub.models import SyncRun, SyncRunFile, User
from interop_hub.sync.instances import create_instance
from interop_hub.sync.runner import (
    approve_run,
    discard_run,
    execute_run,
    get_run,
    recover,
    start_run,
)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("district") / "pkg"
    generate_district(out, students=300, seed=7)
    return out


@pytest.fixture
def inbox(tmp_path: Path, district: Path) -> Path:
    box = tmp_path / "inbox"
    box.mkdir()
    shutil.copytree(district, box / "export-1")
    return box


@pytest.fixture
def hub(db_engine: Engine, settings: Settings, inbox: Path) -> tuple[Engine, Settings]:
    settings.sync_spool_dir = settings.data_dir / "spool"
    with db_engine.begin() as conn:
        create_instance(
            conn, settings, name="district-sis", kind="oneroster-csv", config={"inbox": str(inbox)}
        )
    return db_engine, settings


def _sync(hub: tuple[Engine, Settings], **kwargs: object) -> tuple[int, str]:
    engine, settings = hub
    run_id = start_run(engine, settings, "district-sis", **kwargs)  # type: ignore[arg-type]
    return run_id, execute_run(engine, settings, run_id).state


def _active_users(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(User).where(User.status == "active")
            ).scalar_one()
        )


def _new_export(inbox: Path, name: str, edit: object) -> Path:
    """A copy of the newest export with ``edit(folder)`` applied, made the newest."""
    src = sorted(inbox.iterdir())[-1]
    dst = inbox / name
    shutil.copytree(src, dst)
    edit(dst)  # type: ignore[operator]
    import os
    import time

    later = time.time() + 10
    os.utime(dst, (later, later))
    return dst


def _drop_students(folder: Path, keep: int) -> None:
    path = folder / "users.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    with (folder / "roles.csv").open(encoding="utf-8", newline="") as f:
        roles = {r[3]: r[5] for r in csv.reader(f)}
    students = [r for r in body if roles.get(r[0]) == "student"]
    others = [r for r in body if roles.get(r[0]) != "student"]
    gone = {r[0] for r in students[keep:]}
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *others, *students[:keep]])
    for name in ("roles.csv", "enrollments.csv", "demographics.csv"):
        p = folder / name
        with p.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        idx = rows[0].index("userSourcedId") if "userSourcedId" in rows[0] else 0
        with p.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([rows[0], *[r for r in rows[1:] if r[idx] not in gone]])


def test_full_run_applies_then_rerun_changes_nothing(hub: tuple[Engine, Settings]) -> None:
    engine, _ = hub
    run_id, state = _sync(hub)
    assert state == "applied"
    with engine.connect() as conn:
        run = get_run(conn, run_id)
        assert run.change_version is not None
        assert run.stats["entities"]["users"]["added"] > 300
        assert run.diff["entities"]["users"]["before"] == 0
        assert conn.execute(select(func.count()).select_from(SyncRunFile)).scalar_one() > 0
    users = _active_users(engine)
    again, state = _sync(hub)
    assert state == "applied"
    with engine.connect() as conn:
        assert get_run(conn, again).change_version is None
    assert _active_users(engine) == users


def test_mass_deletion_is_held_until_approved_and_applies_exactly_that_diff(
    hub: tuple[Engine, Settings], inbox: Path
) -> None:
    engine, settings = hub
    _sync(hub)
    before = _active_users(engine)
    _new_export(inbox, "export-2", lambda d: _drop_students(d, keep=100))

    held_id, state = _sync(hub)
    assert state == "held"
    assert _active_users(engine) == before, "a held run changes nothing"
    with engine.connect() as conn:
        held = get_run(conn, held_id)
    assert any("users:" in r and "deleted" in r for r in held.hold_reasons)
    tombstoned = held.diff["entities"]["users"]["tombstoned"]
    assert tombstoned == 200
    assert held.diff["samples"]["users"]

    with pytest.raises(Conflict, match="held for approval"):
        start_run(engine, settings, "district-sis")

    outcome = approve_run(engine, settings, held_id, actor="admin@district")
    assert outcome.state == "applied"
    assert _active_users(engine) == before - 200
    with engine.connect() as conn:
        run = get_run(conn, held_id)
        assert run.decided_by == "admin@district"
        assert run.stats["entities"]["users"]["tombstoned"] == 200
        # never hard-deleted: the rows are still there as tobedeleted
        assert (
            conn.execute(
                select(func.count()).select_from(User).where(User.status == "tobedeleted")
            ).scalar_one()
            == 200
        )


def test_discarded_hold_changes_nothing(hub: tuple[Engine, Settings], inbox: Path) -> None:
    engine, settings = hub
    _sync(hub)
    before = _active_users(engine)
    _new_export(
        inbox,
        "export-2",
        lambda d: (d / "users.csv").write_text(
            (d / "users.csv").read_text(encoding="utf-8").splitlines()[0] + "\r\n", encoding="utf-8"
        ),
    )
    held_id, state = _sync(hub)
    assert state in ("held", "rejected")
    if state == "held":
        assert discard_run(engine, held_id, "admin").state == "discarded"
    assert _active_users(engine) == before
    # the source can sync again afterwards
    assert start_run(engine, settings, "district-sis") > held_id


def test_dry_run_reports_the_diff_and_applies_nothing(hub: tuple[Engine, Settings]) -> None:
    engine, _ = hub
    run_id, state = _sync(hub, dry_run=True)
    assert state == "diffed"
    assert _active_users(engine) == 0
    with engine.connect() as conn:
        assert get_run(conn, run_id).diff["entities"]["users"]["added"] > 300


def test_header_typo_is_rejected_with_file_line_and_column(
    hub: tuple[Engine, Settings], inbox: Path
) -> None:
    engine, _ = hub
    _sync(hub)
    before = _active_users(engine)

    def typo(folder: Path) -> None:
        path = folder / "users.csv"
        text_ = path.read_text(encoding="utf-8")
        path.write_text(text_.replace("givenName", "giveName", 1), encoding="utf-8")

    _new_export(inbox, "export-2", typo)
    run_id, state = _sync(hub)
    assert state == "rejected"
    with engine.connect() as conn:
        report = get_run(conn, run_id).report
    assert any(p["file"] == "users.csv" and "givenName" in str(p) for p in report), report
    assert _active_users(engine) == before


def test_one_active_run_per_source(hub: tuple[Engine, Settings]) -> None:
    engine, settings = hub
    start_run(engine, settings, "district-sis")
    with pytest.raises(Conflict, match="already has an active run"):
        start_run(engine, settings, "district-sis")


def test_incremental_is_refused_for_snapshot_sources(hub: tuple[Engine, Settings]) -> None:
    engine, settings = hub
    with pytest.raises(InvalidRequest, match="full snapshots"):
        start_run(engine, settings, "district-sis", mode="incremental")


def test_a_run_whose_worker_died_after_staging_is_resumed(
    hub: tuple[Engine, Settings], inbox: Path
) -> None:
    engine, settings = hub
    run_id = start_run(engine, settings, "district-sis")
    # Simulate a worker that staged the data and died: stage, then expire the lease.
    from interop_hub.sync import runner

    with engine.connect() as conn:
        run = get_run(conn, run_id)
        instance = runner.get_instance(conn, run.instance_id)
    folder = settings.data_dir / "crash"
    runner._fetch(engine, settings, run, instance, folder, {})
    shutil.rmtree(folder)
    with engine.begin() as conn:
        conn.execute(
            update(SyncRun)
            .where(SyncRun.id == run_id)
            .values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )
    assert _active_users(engine) == 0
    outcomes = recover(engine, settings)
    assert [(o.run_id, o.state) for o in outcomes] == [(run_id, "applied")]
    assert _active_users(engine) > 300


def test_a_run_whose_worker_died_while_fetching_fails_and_frees_the_source(
    hub: tuple[Engine, Settings],
) -> None:
    engine, settings = hub
    run_id = start_run(engine, settings, "district-sis")
    with engine.begin() as conn:
        conn.execute(
            update(SyncRun)
            .where(SyncRun.id == run_id)
            .values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )
    new_id = start_run(engine, settings, "district-sis")
    with engine.connect() as conn:
        assert get_run(conn, run_id).state == "failed"
        assert "lease expired" in get_run(conn, run_id).error
    assert execute_run(engine, settings, new_id).state == "applied"


def test_missing_inbox_fails_the_run_clearly(hub: tuple[Engine, Settings], inbox: Path) -> None:
    engine, _ = hub
    shutil.rmtree(inbox)
    run_id, state = _sync(hub)
    assert state == "failed"
    with engine.connect() as conn:
        assert "does not exist" in get_run(conn, run_id).error
        assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar_one() == 0


def _roster(engine: Engine) -> dict[str, int]:
    """Active rows per roster table: what a vendor pulling the hub would see."""
    tables = ("orgs", "users", "classes", "enrollments", "demographics")
    with engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT COUNT(*) FROM {t} WHERE status = 'active'")).scalar_one()  # noqa: S608
            for t in tables
        }


def _remove_users_file(folder: Path) -> None:
    (folder / "users.csv").unlink()


def _empty_enrollments_file(folder: Path) -> None:
    (folder / "enrollments.csv").write_bytes(b"")


def _renumber_schools(folder: Path) -> None:
    """The SIS re-keyed its schools: every school id changes, consistently, in every file."""
    with (folder / "orgs.csv").open(encoding="utf-8", newline="") as f:
        schools = [r["sourcedId"] for r in csv.DictReader(f) if r["type"] == "school"]
    for path in folder.glob("*.csv"):
        body = path.read_text(encoding="utf-8")
        for school in schools:
            body = body.replace(school, f"new-{school}")
        path.write_text(body, encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "expected", "reason"),
    [
        (_remove_users_file, "rejected", "file.users is bulk but users.csv is not in the package"),
        (_empty_enrollments_file, "rejected", "the file is empty (no header row)"),
        (_renumber_schools, "held", "orgs:"),
    ],
    ids=["missing-file", "empty-file", "school-id-mismatch"],
)
def test_a_damaged_export_is_held_or_rejected_and_no_student_loses_data(
    hub: tuple[Engine, Settings], inbox: Path, edit: object, expected: str, reason: str
) -> None:
    engine, _ = hub
    _sync(hub)
    before = _roster(engine)
    _new_export(inbox, "export-2", edit)
    run_id, state = _sync(hub)
    assert state == expected
    assert _roster(engine) == before
    with engine.connect() as conn:
        run = get_run(conn, run_id)
    if expected == "rejected":
        assert any(p["reason"] == reason for p in run.report), run.report[:5]
    else:
        assert any(reason in r for r in run.hold_reasons), run.hold_reasons
