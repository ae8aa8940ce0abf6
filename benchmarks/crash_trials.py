"""Crash trials: kill the sync worker at random points of a full OneRoster REST sync and
check that no trial leaves a partial apply and that a rerun converges to the clean state.

    python -m benchmarks.crash_trials [--students 100000] [--trials 10] [--db sqlite]

A reference database gets one clean sync; its canonical state is fingerprinted (every
canonical table: rows with their status and content hash, ignoring timestamps). Each
trial starts on an empty database, runs ``interop-hub connectors sync`` as a child process,
and SIGKILLs it after a random delay within the clean sync's duration. Then:

1. **No partial apply**: the fingerprint is either the empty store's or the reference's.
2. **Convergence**: after the lease runs out, ``connectors sync`` again (which first
   recovers the dead run: fails it if it died fetching, resumes it if it died staged) must
   reach exactly the reference fingerprint.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import signal
import subprocess
import time

from sqlalchemy import create_engine, text

from benchmarks.common import fresh_database, hub_command, print_table, run_child
from benchmarks.packages import district
from benchmarks.serving import live_hub, prepare

SCOPES = ("roster-core.readonly", "roster.readonly", "roster-demographics.readonly")
KEY = "YmVuY2htYXJrLW9ubHktc2VjcmV0cy1rZXktMDEyMzQ="  # benchmark-only Fernet key
TABLES = (
    "orgs", "academic_sessions", "courses", "classes", "users", "user_roles", "user_agents",
    "enrollments", "demographics",
)  # fmt: skip
LEASE = 8


def fingerprint(url: str) -> str:
    engine = create_engine(url)
    digest = hashlib.sha256()
    try:
        with engine.connect() as conn:
            for table in TABLES:
                cols = [
                    r[0]
                    for r in conn.execute(text(f"SELECT * FROM {table} LIMIT 0")).cursor.description
                ]
                keep = [
                    c for c in cols
                    if c not in ("date_last_modified", "change_version", "source_seen_at", "id")
                ]  # fmt: skip
                order = ", ".join(keep)
                rows = conn.execute(text(f"SELECT {order} FROM {table} ORDER BY {order}"))
                count = 0
                for row in rows:
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                digest.update(f"{table}:{count}".encode())
    finally:
        engine.dispose()
    return digest.hexdigest()[:16]


def _register(env: dict[str, str], hub_url: str, client_id: str, secret: str) -> None:
    run_child(hub_command("db", "upgrade"), env)
    run_child(
        hub_command(
            "connectors", "add", "district", "--kind", "oneroster-rest",
            "--set", f"base_url={hub_url}", "--set", f"token_url={hub_url}/oauth/token",
            "--set", f"client_id={client_id}", "--set", f"client_secret={secret}",
            "--set", "page_size=10000",
        ),
        env,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    package = district(args.students)
    rows: list[list[object]] = []
    with fresh_database(args.db, "crashsrc") as source_url:
        prepare(source_url, package)
        with live_hub(source_url, SCOPES) as hub:
            with fresh_database(args.db, "crashref") as ref_url:
                env = {
                    "INTEROP_HUB_DATABASE_URL": ref_url,
                    "INTEROP_HUB_SECRETS_KEY": KEY,
                    "INTEROP_HUB_SYNC_LEASE_SECONDS": str(LEASE * 3),
                }
                _register(env, hub.base_url, hub.client_id, hub.client_secret)
                clean = run_child(hub_command("connectors", "sync", "district", "--quiet"), env)
                reference = fingerprint(ref_url)
            with fresh_database(args.db, "crashempty") as empty_url:
                run_child(hub_command("db", "upgrade"), {"INTEROP_HUB_DATABASE_URL": empty_url})
                empty = fingerprint(empty_url)
            print(f"clean sync: {clean.seconds:.1f} s; reference {reference}, empty {empty}")
            for trial in range(1, args.trials + 1):
                delay = rng.uniform(0.5, clean.seconds)
                with fresh_database(args.db, f"crash{trial}") as url:
                    env = {
                        **os.environ,
                        "INTEROP_HUB_DATABASE_URL": url,
                        "INTEROP_HUB_SECRETS_KEY": KEY,
                        "INTEROP_HUB_SYNC_LEASE_SECONDS": str(LEASE * 3),
                    }
                    _register(env, hub.base_url, hub.client_id, hub.client_secret)
                    proc = subprocess.Popen(
                        hub_command("connectors", "sync", "district", "--quiet"),
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    time.sleep(delay)
                    killed = proc.poll() is None
                    if killed:
                        os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
                    after_kill = fingerprint(url)
                    state = run_child(
                        hub_command("runs", "list", "--limit", "1"), env
                    ).stdout.split()[-1]
                    time.sleep(LEASE * 3 + 1)  # the dead worker's lease runs out
                    rerun = run_child(hub_command("connectors", "sync", "district", "--quiet"), env)
                    final = fingerprint(url)
                    rows.append(
                        [
                            trial,
                            f"{delay:.1f}",
                            "killed" if killed else "finished",
                            state,
                            "empty"
                            if after_kill == empty
                            else "complete"
                            if after_kill == reference
                            else "PARTIAL",
                            f"{rerun.seconds:.1f}",
                            "yes" if final == reference else "NO",
                        ]
                    )
                    print(rows[-1], flush=True)
    print_table(
        f"Crash trials: {args.students:,}-student OneRoster REST sync on {args.db}, "
        f"worker SIGKILLed at a random time (clean sync {clean.seconds:.1f} s)",
        ["trial", "kill at s", "worker", "run state after", "store after kill", "rerun s",
         "converged"],
        rows,
    )  # fmt: skip
    bad = [r for r in rows if r[4] == "PARTIAL" or r[6] != "yes"]
    if bad:
        raise SystemExit(f"{len(bad)} trial(s) failed")


if __name__ == "__main__":
    main()
