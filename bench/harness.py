"""Benchmark discovery, the environment record and the JSON-lines contract (SPEC §7).

A benchmark is a module ``bench/bench_<name>.py`` with a docstring and a function
``run(quick: bool) -> dict`` returning ``{"metrics": {...}, "sizes": {...}}``. Nothing
registers it by hand: adding the module is enough.

Figures of record are ratios: a benchmark measures the simplest program doing the same
physical work (its *floor*, ``bench/floors*.py``, written down in ``bench/README.md``) in
the same run, interleaved with the project (``interleave``), and reports ``limit_<figure>``
beside ``<figure>`` and ``<name>_ratio`` = figure / limit (``add_ratio``). A module may
declare ``TARGETS = {"<name>_ratio": 2.0}``; the table printed at the end shows them.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import platform
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from types import ModuleType
from typing import Any, TypeVar

import bench

RESULTS_DIR = Path("bench-results")
A = TypeVar("A")
B = TypeVar("B")


@dataclass(frozen=True)
class Benchmark:
    name: str
    summary: str
    run: Callable[..., dict[str, Any]]
    targets: dict[str, float]
    #: Keyword options ``run`` takes beyond ``quick`` (a module's ``OPTIONS``).
    options: tuple[str, ...] = ()


def discover() -> dict[str, Benchmark]:
    """All benchmarks, by name."""
    found: dict[str, Benchmark] = {}
    for info in pkgutil.iter_modules(bench.__path__):
        if not info.name.startswith("bench_"):
            continue
        module: ModuleType = importlib.import_module(f"bench.{info.name}")
        name = info.name.removeprefix("bench_")
        summary = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
        targets = dict(getattr(module, "TARGETS", {}))
        options = tuple(getattr(module, "OPTIONS", ()))
        found[name] = Benchmark(name, summary, module.run, targets, options)
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


def interleave(
    project: Callable[[], A], floor: Callable[[], B], rounds: int
) -> tuple[list[A], list[B]]:
    """Run ``project`` and ``floor`` alternately, A B A B …, ``rounds`` times each.

    Both then see the same machine: a load that comes or goes during the run falls on both
    sides instead of on one, which is what makes their ratio worth comparing across runs.
    """
    mine: list[A] = []
    floors: list[B] = []
    for _ in range(rounds):
        mine.append(project())
        floors.append(floor())
    return mine, floors


UNITS = ("_per_s", "_ms", "_s", "_mb")


def ratio_name(figure: str) -> str:
    """``commit_p50_ms`` → ``commit_p50_ratio``."""
    for unit in UNITS:
        if figure.endswith(unit):
            return figure.removesuffix(unit) + "_ratio"
    return figure + "_ratio"


def add_ratio(metrics: dict[str, Any], figure: str, limit: float, *, digits: int = 3) -> None:
    """Record ``limit_<figure>`` (the floor's value) and the figure's ratio to it.

    ``metrics[figure]`` is the project's value in the same unit. A ratio is how many times
    the floor the project takes (``rows_per_s``-style rates are inverted so that a ratio
    above 1 always means slower than the floor).
    """
    value = float(metrics[figure])
    metrics[f"limit_{figure}"] = round(limit, digits)
    if figure.endswith("_per_s"):
        value, limit = limit, value
    metrics[ratio_name(figure)] = round(value / limit, 2) if limit > 0 else None


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) used so far by this process and by its reaped children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def ratio_rows(
    name: str, metrics: dict[str, Any], targets: dict[str, float]
) -> list[tuple[str, str, Any, Any, Any, str]]:
    """(bench, ratio, project, floor, ratio value, target) for each ``*_ratio`` metric."""
    rows = []
    for key, value in metrics.items():
        if not key.endswith("_ratio"):
            continue
        stem = key.removesuffix("_ratio")
        figure = next((stem + u for u in UNITS if stem + u in metrics), None)
        mine = metrics.get(figure) if figure else None
        limit = metrics.get(f"limit_{figure}") if figure else None
        target = f"≤ {targets[key]:g}" if key in targets else ""
        rows.append((name, stem, mine, limit, value, target))
    return rows


def ratio_table(rows: Sequence[tuple[str, str, Any, Any, Any, str]]) -> str:
    """The ratios of a run as a plain-text table (for people; the JSON lines are for tools)."""
    head = ("bench", "figure", "project", "floor", "ratio", "target", "")
    lines = [head]
    for bench_name, figure, mine, limit, value, target in rows:
        over = ""
        if target and isinstance(value, int | float):
            over = "ok" if value <= float(target.removeprefix("≤ ")) else "OVER"
        lines.append((bench_name, figure, _cell(mine), _cell(limit), _cell(value), target, over))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
           for line in lines]  # fmt: skip
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


def run_benchmarks(
    names: Sequence[str], *, quick: bool, as_json: bool, options: dict[str, Any] | None = None
) -> int:
    """Run the named benchmarks (all when empty); print and save their results.

    ``options`` (e.g. ``kiosks``) go to the benchmarks that declare them in ``OPTIONS``."""
    available = discover()
    unknown = [n for n in names if n not in available]
    if unknown:
        print(
            f"mestring bench: unknown benchmark(s): {', '.join(unknown)}; "
            f"known: {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    options = options or {}
    takers = [n for n in names or list(available) if set(options) & set(available[n].options)]
    if options and not takers:
        flags = ", ".join(f"--{o}" for o in options)
        accepting = ", ".join(b.name for b in available.values() if b.options)
        print(f"mestring bench: {flags} only apply to: {accepting}", file=sys.stderr)
        return 2
    env = environment()
    RESULTS_DIR.mkdir(exist_ok=True)
    status = 0
    ratios: list[tuple[str, str, Any, Any, Any, str]] = []
    for name in names or list(available):
        started, load_start, (cpu, children_cpu) = time.perf_counter(), _load(), _cpu_seconds()
        try:
            given = {k: v for k, v in options.items() if k in available[name].options}
            result = available[name].run(quick, **given)
        except Exception as err:  # a failing benchmark is reported, the others still run
            print(f"mestring bench: {name} failed: {err!r}", file=sys.stderr)
            status = 1
            continue
        cpu_end, children_end = _cpu_seconds()
        record = {
            "bench": name,
            "metrics": result["metrics"],
            "environment": {
                **env,
                "quick": quick,
                "sizes": result.get("sizes", {}),
                "wall_s": round(time.perf_counter() - started, 3),
                # A busy run tells itself from a slow one: the load around it, and the CPU
                # this process and the programs it started (kiosks, servers) really used.
                "load_average_start": load_start,
                "load_average_end": _load(),
                "cpu_s": round(cpu_end - cpu, 3),
                "children_cpu_s": round(children_end - children_cpu, 3),
            },
        }
        line = json.dumps(record, ensure_ascii=False)
        (RESULTS_DIR / f"{name}.json").write_text(line + "\n", encoding="utf-8")
        if as_json:
            print(line, flush=True)
        else:
            figures = ", ".join(f"{k}={v}" for k, v in result["metrics"].items())
            print(f"{name:<12} {figures}", flush=True)
        ratios += ratio_rows(name, result["metrics"], available[name].targets)
    if ratios:  # on stderr: stdout stays one JSON object per line
        print("\n" + ratio_table(ratios), file=sys.stderr, flush=True)
    return status
