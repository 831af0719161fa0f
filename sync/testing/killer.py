"""Kill a process that is writing check-ins and prove nothing it confirmed was lost.

The writer (``python -m sync.testing.killer write DB``) commits check-ins one by one through
the outbox and prints ``ok <id>`` only after each commit returned — the moment a screen would
say "du er tjekket ind". The parent SIGKILLs it at a random moment and then checks the
database: every confirmed check-in is there, the outbox matches the data row for row, the
device sequence has no gaps, and SQLite's integrity check passes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from models.db import make_engine, write_session
from models.migrate import upgrade


@dataclass(frozen=True)
class KillOutcome:
    """What one kill run found."""

    confirmed: int
    lost: int
    orphans: int  # outbox entries without a row, or rows without an outbox entry
    seq_gaps: int
    integrity_ok: bool


def prepare(db_path: Path) -> None:
    from sync.outbox import init_state

    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine, "kiosk")
    with write_session(engine) as session:
        init_state(session, device_id="0193f3a0-0000-7000-8000-00000000dead", site_id="hornslet")
    engine.dispose()


def write_forever(db_path: Path) -> None:
    """Child: commit check-ins until killed, confirming each after its commit returns."""
    from models import CheckIn
    from models.ids import new_id
    from models.timeutil import utcnow
    from sync.outbox import record

    engine = make_engine(f"sqlite:///{db_path}")
    out = sys.stdout
    while True:
        event = CheckIn(
            id=new_id(),
            action="check_in",
            citizen_id=new_id(),
            offer_id="aaben-raadgivning",
            method="card",
        )
        with write_session(engine) as session:
            record(session, [event], now=utcnow())
        out.write(f"ok {event.id}\n")
        out.flush()


def inspect_after_kill(db_path: Path, confirmed: set[str]) -> KillOutcome:
    engine = make_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        integrity = conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        rows = set(conn.execute(text("SELECT id FROM check_in")).scalars())
        outbox: dict[int, str] = dict(conn.execute(text("SELECT seq, row_id FROM outbox")).all())
        next_seq = conn.execute(text("SELECT next_seq FROM sync_state WHERE id = 1")).scalar_one()
    engine.dispose()
    seqs = sorted(outbox)
    gaps = 0 if seqs == list(range(1, next_seq)) else 1
    orphans = len(set(outbox.values()) ^ rows)
    return KillOutcome(len(confirmed), len(confirmed - rows), orphans, gaps, integrity)


def kill_run(
    db_path: Path, *, rng: random.Random, min_s: float = 0.05, max_s: float = 0.6
) -> KillOutcome:
    """Start a writer on ``db_path``, SIGKILL it after a random delay, inspect the database."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "sync.testing.killer", "write", str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert child.stdout is not None
    confirmed: set[str] = set()
    # Wait for the first confirmation so every run kills a process that is really writing.
    first = child.stdout.readline().decode()
    if first.startswith("ok "):
        confirmed.add(first.split()[1])
    time.sleep(rng.uniform(min_s, max_s))
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate()
    for line in rest.decode(errors="replace").splitlines():
        # A torn last line (killed mid-write) is not a confirmation.
        parts = line.split()
        if len(parts) == 2 and parts[0] == "ok" and len(parts[1]) == 36:
            confirmed.add(parts[1])
    return inspect_after_kill(db_path, confirmed)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write_forever(Path(sys.argv[2]))
