"""`mestring bench [NAME ...] [--quick] [--json]`."""

from __future__ import annotations

import argparse
from typing import Any

from models.config import Settings


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "bench",
        help="run benchmarks (JSON lines with --json)",
        description="Run the benchmarks; figures are printed and saved in bench-results/.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a quick check")
    parser.add_argument("--json", action="store_true", help="one JSON object per benchmark")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    scale = parser.add_argument_group("concurrency", "options of `mestring bench concurrency`")
    scale.add_argument("--kiosks", type=int, help="kiosks syncing at once (default 50)")
    scale.add_argument("--db", choices=("sqlite", "postgresql"), help="central's database")
    scale.add_argument("--workers", type=int, help="central API processes (PostgreSQL)")
    scale.add_argument("--sites", type=int, help="sites (default: one per 12.5 kiosks, ≥ 4)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace, _settings: Settings) -> int:
    from bench.harness import discover, run_benchmarks

    if args.list:
        for bench in discover().values():
            print(f"{bench.name:<12} {bench.summary}")  # noqa: T201
        return 0
    names = ("kiosks", "db", "workers", "sites")
    options = {n: getattr(args, n) for n in names if getattr(args, n) is not None}
    return run_benchmarks(args.names, quick=args.quick, as_json=args.json, options=options)
