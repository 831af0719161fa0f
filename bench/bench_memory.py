"""memory: resident memory of a real kiosk process holding 100,000 citizens, searched by name.

The kiosk is started in a terminal (pty) on a Hornslet demo database topped up to 100,000
citizens; a front-desk login opens check-in (F2), names are typed, and the process's RSS is
read from /proc once the search index is built and the screen is idle (SPEC §8: ≤ 150 MB).

That the login and each search happened is read from the kiosk's audit trail in its
database (every login and every settled search is audited), not from the screen: what
Textual repaints, and when, is its own business. The floor is ``bench.floor_memory``.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import Any

from bench.bench_startup import COLUMNS, LINES, READY, kiosk_command, terminal_env
from bench.harness import add_ratio
from kiosk.demo import prepare_demo
from models.config import Settings
from models.demo_names import demo_names

CITIZENS = 100_000
F2 = b"\x1bOQ"
CTRL_Q = b"\x11"
TIMEOUT_S = 60.0
TARGETS = {"rss_ratio": 1.5}


def top_up_citizens(database: Path, total: int) -> int:
    """Add generated citizens (UUID-length ids, as real ones) until the kiosk database holds
    ``total``; returns how many were added."""
    with sqlite3.connect(database) as db:
        have = int(db.execute("SELECT count(*) FROM citizen").fetchone()[0])
        missing = max(total - have, 0)
        names = demo_names(missing, seed=23)
        db.executemany(
            "INSERT INTO citizen (id, display_name, birth_year, reference, card_token,"
            " provisional, merged_into, created_site_id, updated_at)"
            " VALUES (?, ?, ?, ?, NULL, 0, NULL, 'hornslet', '2026-01-01 00:00:00.000000')",
            (
                (f"01900000-0000-7000-8000-{i:012d}", name, 1940 + i % 67, f"B{i:06d}")
                for i, name in enumerate(names)
            ),
        )
    return missing


class Screen:
    """Everything the kiosk writes to its terminal, read by a thread so it never blocks."""

    def __init__(self, fd: int) -> None:
        self.fd, self.seen, self.lock = fd, bytearray(), threading.Lock()
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while True:
            try:
                if select.select([self.fd], [], [], 0.1)[0]:
                    chunk = os.read(self.fd, 65536)
                    if not chunk:
                        return
                    with self.lock:
                        self.seen += chunk
            except OSError:
                return

    def wait_for(self, marker: bytes, timeout: float = TIMEOUT_S) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.lock:
                if marker in self.seen:
                    del self.seen[:]
                    return
            time.sleep(0.02)
        raise TimeoutError(f"no {marker!r} on screen within {timeout:.0f} s")


class AuditTrail:
    """The kiosk's audit entries of one kind, counted from its database (read-only; WAL
    lets this reader see each committed entry while the kiosk writes)."""

    def __init__(self, database: Path) -> None:
        self.database = database

    def count(self, action: str) -> int:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10) as db:
            found = db.execute("SELECT count(*) FROM audit_entry WHERE action = ?", (action,))
            return int(found.fetchone()[0])

    def wait_beyond(self, action: str, seen: int, timeout: float = TIMEOUT_S) -> int:
        """Until there are more than ``seen`` entries of ``action``; returns how many."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            now = self.count(action)
            if now > seen:
                return now
            time.sleep(0.1)
        raise TimeoutError(f"no new {action!r} audit entry within {timeout:.0f} s")


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _wait_idle(pid: int, quiet_s: float = 1.0, timeout: float = TIMEOUT_S) -> None:
    """Until the process has used no CPU for ``quiet_s`` (the index is built)."""
    deadline = time.perf_counter() + timeout
    last, since = _cpu_ticks(pid), time.perf_counter()
    while time.perf_counter() < deadline:
        time.sleep(0.1)
        now = _cpu_ticks(pid)
        if now != last:
            last, since = now, time.perf_counter()
        elif time.perf_counter() - since >= quiet_s:
            return
    raise TimeoutError("the kiosk never went idle")


def measure(home: Path, pycache: Path | None = None) -> dict[str, float]:
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = terminal_env(pycache)
    trail = AuditTrail(home / "kiosk.db")
    logins, searches = trail.count("login"), trail.count("search")
    child = subprocess.Popen(
        kiosk_command(home),
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    screen = Screen(leader)
    try:
        screen.wait_for(READY)
        time.sleep(2.5)  # the search index is built two seconds after start
        _wait_idle(child.pid)
        home_mb = _status_kb(child.pid, "VmRSS") / 1024
        os.write(leader, F2)
        screen.wait_for(b"PIN")
        for key in (b"MH", b"\t", b"200101", b"\r"):
            os.write(leader, key)
            time.sleep(0.2)
        trail.wait_beyond("login", logins)  # logged in: check-in opens, typing lands there
        for text in ("hansen", " jens", "\x7f" * len("hansen jens") + "sørensen"):
            for letter in text.encode():
                os.write(leader, bytes([letter]))
                time.sleep(0.03)
            # The search ran and its result was shown: audited once the text settles.
            searches = trail.wait_beyond("search", searches)
        _wait_idle(child.pid, quiet_s=0.5)
        rss_mb = _status_kb(child.pid, "VmRSS") / 1024
        peak_mb = _status_kb(child.pid, "VmHWM") / 1024
        os.write(leader, CTRL_Q)  # the check-in screen quits too (priority binding)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(leader)
    return {"home_rss_mb": home_mb, "rss_mb": rss_mb, "peak_rss_mb": peak_mb}


def floor_rss_mb(database: Path, pycache: Path | None = None) -> float:
    """The floor's resident memory: bare Python, the libraries and the citizens as tuples."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.floor_memory", str(database)],
        check=True, capture_output=True, text=True, timeout=TIMEOUT_S, env=terminal_env(pycache),
    )  # fmt: skip
    return float(json.loads(done.stdout.strip().splitlines()[-1])["rss_mb"])


def run(quick: bool) -> dict[str, Any]:
    rounds = 1 if quick else 2  # memory moves little with the load: few repeats
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        prepare_demo(Settings(home=home))
        added = top_up_citizens(home / "kiosk.db", CITIZENS)
        cache = home / "pycache"
        mine, floors = [], []
        for _ in range(rounds):  # A B A B, as every bench
            mine.append(measure(home, cache))
            floors.append(floor_rss_mb(home / "kiosk.db", cache))
    metrics = {key: round(min(m[key] for m in mine), 1) for key in mine[0]}
    add_ratio(metrics, "rss_mb", min(floors), digits=1)
    return {
        "metrics": metrics,
        "sizes": {
            "citizens": CITIZENS,
            "generated_citizens": added,
            "site": "hornslet",
            "terminal": f"{COLUMNS}x{LINES}",
            "searches": 3,
            "rounds": rounds,
            "floor": "python + textual + sqlalchemy + models + the citizens as tuples",
        },
    }
