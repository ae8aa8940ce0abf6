"""Run the benchmarks: ``python -m benchmarks.run [--sizes 10000,100000] [--db sqlite,postgres]``.

Every figure is printed next to a raw baseline measured in the same run, because the machine
is shared and noisy; peak memory is the child process's own max RSS.
"""

from __future__ import annotations

import argparse

from benchmarks import bench_delta, bench_edfi, bench_import, bench_serve, bench_sync


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes", default="10000,100000", help="district sizes (students) for the import benchmark"
    )
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument(
        "--serve-size",
        type=int,
        default=100_000,
        help="district size for the serving and delta benchmarks",
    )
    parser.add_argument(
        "--edfi-size",
        type=int,
        default=2_000,
        help="district size for the Ed-Fi benchmark (about 7.5 studentSectionAssociations each)",
    )
    parser.add_argument(
        "--edfi-workers", type=int, default=2, help="uvicorn workers for the Ed-Fi benchmark"
    )
    parser.add_argument(
        "--sync-size", type=int, default=100_000, help="district size for the sync benchmark"
    )
    parser.add_argument(
        "--only",
        default="import,serve,delta,edfi,sync",
        help="which benchmarks to run (comma-separated)",
    )
    args = parser.parse_args()
    kinds = [k.strip() for k in args.db.split(",") if k.strip()]
    only = {o.strip() for o in args.only.split(",")}
    if "import" in only:
        bench_import.run([int(s) for s in args.sizes.split(",")], kinds)
    if "serve" in only:
        bench_serve.run(args.serve_size, kinds)
    if "delta" in only:
        bench_delta.run(args.serve_size, kinds)
    if "edfi" in only:
        bench_edfi.run(args.edfi_size, kinds, args.edfi_workers)
    if "sync" in only:
        bench_sync.run(args.sync_size, kinds)


if __name__ == "__main__":
    main()
