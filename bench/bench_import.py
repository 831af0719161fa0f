"""import: 100,000 citizens from a case-system CSV into central (validate, upsert, feed)."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

from bench.floors import import_floor, migrated
from bench.harness import add_ratio, interleave
from models.db import make_engine
from models.migrate import upgrade
from models.timeutil import utcnow
from sync.admin.importer import import_csv

FIRST = ["Åse", "Jens", "Karen", "Søren", "Mette", "Ole", "Birthe", "Lars", "Kirsten", "Henrik"]
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Østergaard", "Møller", "Aagaard", "Lund"]
TARGETS = {"import_ratio": 3.0}


def citizens_csv(count: int, seed: int = 7) -> bytes:
    """A citizens export with ``count`` lines, the shape the case system produces."""
    rng = random.Random(seed)
    lines = ["reference;display_name;birth_year;card_token"]
    for n in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        token = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=10)) if n % 3 else ""
        lines.append(f"BOS-{n:07d};{name};{rng.randint(1930, 2008)};{token}")
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


class _Rounds:
    """Each round imports into a fresh central database (the project) or a fresh
    central-schema file (the floor); the migrations are not timed."""

    def __init__(self, tmp: Path, raw: bytes, count: int) -> None:
        self.tmp, self.raw, self.count, self.n = tmp, raw, count, 0
        self.reimport_s: float | None = None

    def project(self) -> tuple[float, float]:
        self.n += 1
        engine = make_engine(f"sqlite:///{self.tmp / f'central-{self.n}.db'}")
        upgrade(engine, "central")
        started, cpu = time.perf_counter(), time.process_time()
        result = import_csv(engine, "citizens", self.raw, now=utcnow())
        elapsed, cpu_s = time.perf_counter() - started, time.process_time() - cpu
        assert result.created == self.count
        if self.reimport_s is None:  # once: the same file again changes nothing
            again = time.perf_counter()
            repeat = import_csv(engine, "citizens", self.raw, now=utcnow())
            self.reimport_s = time.perf_counter() - again
            assert not repeat.changes
        engine.dispose()
        return elapsed, cpu_s

    def floor(self) -> tuple[float, float]:
        return import_floor(migrated(self.tmp / f"floor-{self.n}.db", "central"), self.raw)


def run(quick: bool) -> dict[str, Any]:
    count = 100_000
    raw = citizens_csv(count)
    with tempfile.TemporaryDirectory() as tmp:
        rounds = _Rounds(Path(tmp), raw, count)
        mine, floors = interleave(rounds.project, rounds.floor, 2 if quick else 3)
    elapsed = median(wall for wall, _ in mine)
    metrics: dict[str, Any] = {
        "rows_per_s": round(count / elapsed),
        "import_s": round(elapsed, 3),
        # CPU seconds of this process: the figure to compare on a shared, busy machine.
        "import_cpu_s": round(median(cpu for _, cpu in mine), 3),
        "reimport_noop_s": round(rounds.reimport_s or 0.0, 3),
    }
    add_ratio(metrics, "import_s", median(wall for wall, _ in floors))
    # CPU seconds move less with the machine's load than wall time: the same ratio in CPU.
    add_ratio(metrics, "import_cpu_s", median(cpu for _, cpu in floors))
    return {
        "metrics": metrics,
        "sizes": {
            "citizens": count,
            "quick": quick,
            "database": "sqlite",
            "rounds": len(mine),
            "floor": "csv.reader + one executemany, one transaction, central schema",
        },
    }
