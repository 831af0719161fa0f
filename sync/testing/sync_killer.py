"""SIGKILL a syncing kiosk process and the central server process (uvicorn) at random
moments, restart them, and prove nothing confirmed was lost and nothing duplicated.

The kiosk child (``python -m sync.testing.sync_killer kiosk DB URL TOKEN``) loops: commit a
check-in (printing ``ok <id>`` only after the commit returned), then run a sync session.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import text

from models.db import make_engine, write_session
from models.timeutil import utcnow
from sync.outbox import init_state
from sync.server.auth import create_enrolment_code, enrol_device
from sync.testing.chaos import fresh_sqlite
from sync.transport import RetryPolicy, SyncClient, SyncError


@dataclass
class KillReport:
    kill_runs: int = 0
    server_kills: int = 0
    confirmed: int = 0
    lost: int = 0
    duplicates: int = 0
    diverged: int = 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``uvicorn --factory sync.server.app:create_app_from_env`` on a fixed port."""

    def __init__(self, home: Path) -> None:
        self.home, self.port = home, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "MESTRING_HOME": str(self.home)}
        command = [sys.executable, "-m", "uvicorn", "--factory", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning", "sync.server.app:create_app_from_env"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=None,  # warnings and errors only (--log-level): real problems stay visible
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the central server did not start")
            time.sleep(0.02)

    def kill(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None


def kiosk_loop(db: Path, url: str, token: str) -> None:
    """Child: write and sync until killed."""
    from sync.client import run_sync_session
    from sync.testing import chaos_rows

    engine = make_engine(f"sqlite:///{db}")
    citizen_id = sys.argv[5]
    out = sys.stdout

    async def sleep(_s: float) -> None:
        await asyncio.sleep(0.01)

    while True:
        from sync.outbox import record

        row = chaos_rows.check_in(citizen_id, utcnow())
        with write_session(engine) as session:
            record(session, [row], now=utcnow())
        out.write(f"ok {row.id}\n")
        out.flush()
        client = SyncClient(url, token, retry=RetryPolicy(attempts=2, sleep=sleep), timeout_s=2)
        try:
            asyncio.run(run_sync_session(engine, client, max_clock_skew_s=10**9))
        except SyncError:
            pass


def _start_kiosk(db: Path, url: str, token: str, citizen_id: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "sync.testing.sync_killer", "kiosk", str(db), url, token]
    return subprocess.Popen(
        [*command, citizen_id], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )


def _confirmations(output: bytes) -> set[str]:
    found = set()
    for line in output.decode(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "ok" and len(parts[1]) == 36:
            found.add(parts[1])
    return found


def run_kills(home: Path, now: datetime, *, kills: int, seed: int = 0) -> KillReport:
    """``kills`` runs, each killing the kiosk, the server or both at a random moment."""
    from sync.testing.chaos import ChaosWorld

    rng = random.Random(seed)
    home.mkdir(parents=True, exist_ok=True)
    world = ChaosWorld(home, now)
    _group, citizens = world.add_group("hornslet", citizens=1)
    code = create_enrolment_code(world.central, site_id="hornslet", now=now)
    device, token = enrol_device(world.central, code=code, name="killed", now=now)
    world.central.dispose()
    db = home / "kiosk.db"
    engine = fresh_sqlite("kiosk", db, now)
    with write_session(engine) as session:
        init_state(session, device_id=device.id, site_id="hornslet")
    server = Server(home)
    server.start()
    report, confirmed = KillReport(), set()
    for _run in range(kills):
        if server.process is None:
            server.start()
        child = _start_kiosk(db, server.url, token, citizens[0])
        assert child.stdout is not None
        confirmed |= _confirmations(child.stdout.readline())
        time.sleep(rng.uniform(0.0, 0.4))
        target = rng.random()
        if target < 0.3:
            server.kill()
            report.server_kills += 1
            time.sleep(rng.uniform(0.0, 0.1))
        if target < 0.15 or target >= 0.3:
            os.kill(child.pid, signal.SIGKILL)
        else:
            time.sleep(0.05)
            os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate()
        confirmed |= _confirmations(rest)
        report.kill_runs += 1
    if server.process is None:
        server.start()
    try:
        asyncio.run(_final_sync(engine, server.url, token))
    finally:
        server.kill()
    _inspect(home, engine, confirmed, report)
    engine.dispose()
    return report


async def _final_sync(engine: object, url: str, token: str) -> None:
    from sync.client import run_sync_session

    client = SyncClient(url, token)
    try:
        await run_sync_session(engine, client, max_clock_skew_s=10**9)  # type: ignore[arg-type]
    finally:
        await client.aclose()


def _inspect(home: Path, engine: object, confirmed: set[str], report: KillReport) -> None:
    central = make_engine(f"sqlite:///{home / 'central.db'}")
    with central.connect() as conn:
        at_central = list(conn.execute(text("SELECT id FROM check_in")).scalars())
    central.dispose()
    with engine.connect() as conn:  # type: ignore[attr-defined]
        local = set(conn.execute(text("SELECT id FROM check_in")).scalars())
        waiting = conn.execute(text("SELECT count(*) FROM outbox")).scalar_one()
    report.confirmed = len(confirmed)
    report.lost = len(confirmed - local) + len(local - set(at_central))
    report.duplicates = len(at_central) - len(set(at_central)) + len(set(at_central) - local)
    report.diverged = int(waiting > 0)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "kiosk":
        kiosk_loop(Path(sys.argv[2]), sys.argv[3], sys.argv[4])
