"""Benchmark discovery, the environment record and the JSON-lines contract (SPEC §7).

A benchmark is a module ``bench/bench_<name>.py`` with a docstring and a function
``run(quick: bool) -> dict`` returning ``{"metrics": {...}, "sizes": {...}}``. Nothing
registers it by hand: adding the module is enough.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from types import ModuleType
from typing import Any

import bench

RESULTS_DIR = Path("bench-results")


@dataclass(frozen=True)
class Benchmark:
    name: str
    summary: str
    run: Callable[[bool], dict[str, Any]]


def discover() -> dict[str, Benchmark]:
    """All benchmarks, by name."""
    found: dict[str, Benchmark] = {}
    for info in pkgutil.iter_modules(bench.__path__):
        if not info.name.startswith("bench_"):
            continue
        module: ModuleType = importlib.import_module(f"bench.{info.name}")
        name = info.name.removeprefix("bench_")
        summary = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
        found[name] = Benchmark(name, summary, module.run)
    return dict(sorted(found.items()))


def environment() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary_ms(samples_s: Sequence[float]) -> dict[str, float]:
    """p50/p99/max of durations given in seconds, as milliseconds."""
    ms = [s * 1000 for s in samples_s]
    return {
        "p50_ms": round(median(ms), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3),
    }


def run_benchmarks(names: Sequence[str], *, quick: bool, as_json: bool) -> int:
    """Run the named benchmarks (all when empty); print and save their results."""
    available = discover()
    unknown = [n for n in names if n not in available]
    if unknown:
        print(
            f"mestring bench: unknown benchmark(s): {', '.join(unknown)}; "
            f"known: {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    env = environment()
    RESULTS_DIR.mkdir(exist_ok=True)
    status = 0
    for name in names or list(available):
        started = time.perf_counter()
        try:
            result = available[name].run(quick)
        except Exception as err:  # a failing benchmark is reported, the others still run
            print(f"mestring bench: {name} failed: {err!r}", file=sys.stderr)
            status = 1
            continue
        record = {
            "bench": name,
            "metrics": result["metrics"],
            "environment": {
                **env,
                "quick": quick,
                "sizes": result.get("sizes", {}),
                "wall_s": round(time.perf_counter() - started, 3),
            },
        }
        line = json.dumps(record, ensure_ascii=False)
        (RESULTS_DIR / f"{name}.json").write_text(line + "\n", encoding="utf-8")
        if as_json:
            print(line, flush=True)
        else:
            figures = ", ".join(f"{k}={v}" for k, v in result["metrics"].items())
            print(f"{name:<12} {figures}", flush=True)
    return status
