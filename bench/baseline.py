"""Run a piece of bench code against the kiosk code of another git revision, for old-vs-new
figures from one run: ``MESTRING_BENCH_BASELINE=<rev> mestring bench search_quality``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

ENV = "MESTRING_BENCH_BASELINE"


def revision() -> str | None:
    """The revision to compare with, when one is asked for."""
    return os.environ.get(ENV) or None


def run_module_at(rev: str, module: str, *args: str) -> Any:
    """``python -m module args`` with ``kiosk`` and ``models`` taken from ``rev`` (and
    ``bench`` from this tree); its last output line parsed as JSON."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", rev, "kiosk", "models"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="mestring-baseline-") as tree:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
        env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{root}"}
        env.pop(ENV)  # the older code runs once, not its own baseline again
        done = subprocess.run(
            [sys.executable, "-m", module, *args], env=env, cwd=tree,
            capture_output=True, text=True,
        )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"{module} at {rev} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
