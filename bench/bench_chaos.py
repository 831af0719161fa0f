"""chaos: model-based examples, every named crash point, SIGKILLed kiosk and server
processes and API fuzzing; counts lost, duplicated and diverged results (all must be 0).

The central server's INFO logs go to a file (its path is in "sizes"); warnings and errors
still reach stderr, so the JSON lines on stdout stay readable."""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

QUICK = {"examples": 1_000, "kills": 100, "fuzz": 1_000}
FULL = {"examples": 10_000, "kills": 1_000, "fuzz": 5_000}
MODEL_WORKERS = 2


def model_examples(count: int, seed: int) -> tuple[int, list[str], int, int]:
    """Run ``count`` state-machine examples; returns (completed, failures, restores, clones)."""
    from hypothesis import HealthCheck, Phase, settings
    from hypothesis.stateful import run_state_machine_as_test

    from sync.testing.model import SyncModel

    failures: list[str] = []
    config = settings(
        max_examples=count,
        stateful_step_count=10,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    import random

    random.seed(seed)
    try:
        run_state_machine_as_test(SyncModel, settings=config)
    except Exception as err:  # noqa: BLE001 - a failing example is a finding, reported
        failures.append(f"{type(err).__name__}: {str(err)[:300]}")
    return SyncModel.completed, failures, SyncModel.restores, SyncModel.cloned


def kills(count: int, seed: int) -> dict[str, int]:
    from models.timeutil import utcnow
    from sync.testing.sync_killer import run_kills

    with tempfile.TemporaryDirectory() as tmp:
        return vars(run_kills(Path(tmp), utcnow(), kills=count, seed=seed))


def crash_points() -> tuple[int, int, int, int, int]:
    """(points, fired, lost, duplicates, diverged) over every named crash point."""
    from models.timeutil import utcnow
    from sync.testing.crash_scenario import run_with_crash, sync_points

    points = sync_points()
    fired = lost = duplicates = diverged = 0
    for point in points:
        with tempfile.TemporaryDirectory() as tmp:
            outcome = run_with_crash(point, Path(tmp), utcnow().replace(microsecond=0))
        fired += outcome.fired
        lost += outcome.verdict.lost
        duplicates += outcome.verdict.duplicates
        diverged += outcome.verdict.diverged
    return len(points), fired, lost, duplicates, diverged


def fuzzing(requests: int) -> tuple[int, int, int]:
    from models.timeutil import utcnow
    from sync.testing.fuzz import fuzz, fuzz_app

    with tempfile.TemporaryDirectory() as tmp:
        app, token = fuzz_app(Path(tmp), utcnow().replace(microsecond=0))
        result = fuzz(app, token, requests=requests, seed=48)
    return result.requests, result.server_errors, result.leaks


def run(quick: bool) -> dict[str, Any]:
    from sync.testing.server_logs import server_logs_to

    logs = Path(tempfile.mkdtemp(prefix="mestring-chaos-"))
    with server_logs_to(logs / "server.log") as log:
        result = _run(QUICK if quick else FULL)
    result["sizes"]["server_log"] = str(log)
    return result


def _run(sizes: dict[str, int]) -> dict[str, Any]:
    started = time.perf_counter()
    share = sizes["examples"] // MODEL_WORKERS
    with ProcessPoolExecutor(max_workers=MODEL_WORKERS + 1) as pool:
        models = [pool.submit(model_examples, share, seed) for seed in range(MODEL_WORKERS)]
        killed = pool.submit(kills, sizes["kills"], 48)
        points, fired, c_lost, c_dup, c_div = crash_points()
        fuzz_requests, server_errors, leaks = fuzzing(sizes["fuzz"])
        results = [m.result() for m in models]
        kill = killed.result()
    failures = [f for _done, fs, _r, _c in results for f in fs]
    return {
        "metrics": {
            "model_examples": sum(done for done, _fs, _r, _c in results),
            "model_restores": sum(r for _d, _fs, r, _c in results),
            "model_clones": sum(c for _d, _fs, _r, c in results),
            "named_crash_points": fired,
            "kill_runs": kill["kill_runs"],
            "lost": c_lost + kill["lost"],
            "duplicates": c_dup + kill["duplicates"],
            "diverged": c_div + kill["diverged"] + len(failures) + (points - fired),
            "fuzz_requests": fuzz_requests,
            "server_errors": server_errors,
            "leaks": leaks,
            "wall_s": round(time.perf_counter() - started, 1),
        },
        "sizes": {
            "declared_crash_points": points,
            "model_devices_per_site": "2-3 (1-3 sites)",
            "server_kills": kill["server_kills"],
            "confirmed_check_ins": kill["confirmed"],
            "model_failures": failures[:3],
        },
    }
