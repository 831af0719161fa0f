"""import: 100,000 citizens from a case-system CSV into central (validate, upsert, feed)."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

from models.db import make_engine
from models.migrate import upgrade
from models.timeutil import utcnow
from sync.admin.importer import import_csv

FIRST = ["Åse", "Jens", "Karen", "Søren", "Mette", "Ole", "Birthe", "Lars", "Kirsten", "Henrik"]
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Østergaard", "Møller", "Aagaard", "Lund"]


def citizens_csv(count: int, seed: int = 7) -> bytes:
    """A citizens export with ``count`` lines, the shape the case system produces."""
    rng = random.Random(seed)
    lines = ["reference;display_name;birth_year;card_token"]
    for n in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        token = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=10)) if n % 3 else ""
        lines.append(f"BOS-{n:07d};{name};{rng.randint(1930, 2008)};{token}")
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def run(quick: bool) -> dict[str, Any]:
    count = 100_000
    raw = citizens_csv(count)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'central.db'}")
        upgrade(engine, "central")
        started, cpu = time.perf_counter(), time.process_time()
        result = import_csv(engine, "citizens", raw, now=utcnow())
        elapsed, cpu_s = time.perf_counter() - started, time.process_time() - cpu
        again = time.perf_counter()
        repeat = import_csv(engine, "citizens", raw, now=utcnow())
        reimport_s = time.perf_counter() - again
        engine.dispose()
    assert result.created == count and not repeat.changes
    return {
        "metrics": {
            "rows_per_s": round(count / elapsed),
            "import_s": round(elapsed, 3),
            # CPU seconds of this process: the figure to compare on a shared, busy machine.
            "import_cpu_s": round(cpu_s, 3),
            "reimport_noop_s": round(reimport_s, 3),
        },
        "sizes": {"citizens": count, "quick": quick, "database": "sqlite"},
    }
