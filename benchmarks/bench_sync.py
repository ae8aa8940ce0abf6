"""Connector sync: a full OneRoster REST sync of a generated district served over loopback by
a second hub process, and an incremental sync after 1% of the users changed.

Baseline (same run, same machine): a local CSV import of the same package into a fresh
database (``interop-hub import``), the foundation issue's import path. Target: the full
sync within 2x of it; the incremental sync in proportion to the change. Each sync is one
``interop-hub connectors sync`` child process (its peak RSS is reported); the source hub
runs as a separate uvicorn process on the same two cores.
"""

from __future__ import annotations

import json
import os

from benchmarks.common import fresh_database, hub_command, print_table, run_child
from benchmarks.packages import changed_copy, count_rows, district
from benchmarks.serving import live_hub, prepare

SCOPES = ("roster-core.readonly", "roster.readonly", "roster-demographics.readonly")
KEY = "YmVuY2htYXJrLW9ubHktc2VjcmV0cy1rZXktMDEyMzQ="  # benchmark-only Fernet key


def _run_stats(url: str, run_id: int) -> dict[str, object]:
    out = run_child(
        hub_command("runs", "show", str(run_id), "--json"), {"INTEROP_HUB_DATABASE_URL": url}
    ).stdout
    view: dict[str, object] = json.loads(out[out.index("{") :])
    return view


def run(students: int, kinds: list[str], page_size: int = 10_000) -> None:
    package = district(students)
    rows = count_rows(package)
    changed_pkg, changed = changed_copy(package, 100, "sync")
    out: list[list[object]] = []
    for kind in kinds:
        with (
            fresh_database(kind, f"syncsrc{students}") as source_url,
            fresh_database(kind, f"syncbase{students}") as base_url,
            fresh_database(kind, f"syncdst{students}") as target_url,
        ):
            prepare(source_url, package)
            base_env = {"INTEROP_HUB_DATABASE_URL": base_url}
            run_child(hub_command("db", "upgrade"), base_env)
            baseline = run_child(
                hub_command("import", str(package), "--source", "bench", "--no-edfi"), base_env
            )
            env = {
                "INTEROP_HUB_DATABASE_URL": target_url,
                "INTEROP_HUB_SECRETS_KEY": KEY,
                "INTEROP_HUB_SYNC_SPOOL_DIR": os.fspath(package.parent / "spool"),
            }
            run_child(hub_command("db", "upgrade"), env)
            with live_hub(source_url, SCOPES) as hub:
                run_child(
                    hub_command(
                        "connectors", "add", "district", "--kind", "oneroster-rest",
                        "--set", f"base_url={hub.base_url}",
                        "--set", f"token_url={hub.base_url}/oauth/token",
                        "--set", f"client_id={hub.client_id}",
                        "--set", f"client_secret={hub.client_secret}",
                        "--set", f"page_size={page_size}",
                    ),
                    env,
                )  # fmt: skip
                full = run_child(hub_command("connectors", "sync", "district", "--quiet"), env)
                run_child(
                    hub_command("import", str(changed_pkg), "--source", "bench", "--no-edfi"),
                    {"INTEROP_HUB_DATABASE_URL": source_url},
                )
                inc = run_child(
                    hub_command("connectors", "sync", "district", "--incremental", "--quiet"),
                    env,
                )
            full_view = _run_stats(target_url, 1)
            inc_view = _run_stats(target_url, 2)
            for view in (full_view, inc_view):
                assert view["state"] == "applied", view
            fetched_full = sum((full_view["progress"] or {}).get("records", {}).values())  # type: ignore[union-attr]
            fetched_inc = sum((inc_view["progress"] or {}).get("records", {}).values())  # type: ignore[union-attr]
            out.append(
                [
                    kind,
                    rows,
                    baseline.seconds,
                    full.seconds,
                    fetched_full / full.seconds,
                    full.seconds / baseline.seconds,
                    full.peak_rss_mb,
                    changed,
                    fetched_inc,
                    inc.seconds,
                    fetched_inc / fetched_full,
                    inc.seconds / full.seconds,
                ]
            )
    print_table(
        f"OneRoster REST sync of a {students:,}-student district (page size {page_size})",
        [
            "db", "package rows", "CSV import s", "full sync s", "sync records/s",
            "full/import", "sync peak MB", "users changed", "incr records", "incr s",
            "incr/full records", "incr/full time",
        ],
        out,
    )  # fmt: skip
