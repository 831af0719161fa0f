"""startup: process start until the home screen reacts to a key, measured from outside (pty)."""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from statistics import median
from typing import Any

from kiosk.demo import prepare_demo
from models.config import Settings

#: xterm's F12 (the language key) and Ctrl+Q (quit).
F12, CTRL_Q = b"\x1b[24~", b"\x11"
READY = " · uge ".encode()  # the Danish date line: the home screen is drawn
REACTED = " · week ".encode()  # the same line in English: the key was handled
COLUMNS, LINES = 120, 36
TIMEOUT_S = 30.0


def kiosk_command(home: Path) -> list[str]:
    """`mestring kiosk --home HOME`, as the installed console script when there is one."""
    script = Path(sys.executable).with_name("mestring")
    if script.exists():
        return [str(script), "kiosk", "--home", str(home)]
    found = shutil.which("mestring")
    return [found, "kiosk", "--home", str(home)] if found else [sys.executable, "-m", "kiosk"]


def _read_until(fd: int, marker: bytes, seen: bytearray, deadline: float) -> None:
    while marker not in seen:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"no {marker!r} on screen within {TIMEOUT_S:.0f} s")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError as err:  # the child closed the terminal
                raise RuntimeError(f"kiosk exited early: {bytes(seen[-400:])!r}") from err


def one_start(command: list[str]) -> float:
    """Seconds from spawning the kiosk until F12 (sent once the home screen is drawn) shows."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "", "LINES": ""}
    started = time.perf_counter()
    child = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True
    )
    os.close(follower)
    seen = bytearray()
    try:
        deadline = started + TIMEOUT_S
        _read_until(leader, READY, seen, deadline)
        os.write(leader, F12)
        del seen[:]
        _read_until(leader, REACTED, seen, deadline)
        elapsed = time.perf_counter() - started
        os.write(leader, CTRL_Q)
        child.wait(timeout=10)
        return elapsed
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(leader)


def run(quick: bool) -> dict[str, Any]:
    runs = 5 if quick else 15
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        prepare_demo(Settings(home=home))  # Hornslet's demo data for today
        command = kiosk_command(home)
        one_start(command)  # warm-up: OS file cache, .pyc files
        samples = [one_start(command) for _ in range(runs)]
    return {
        "metrics": {
            "startup_s": round(median(samples), 3),
            "startup_min_s": round(min(samples), 3),
            "startup_max_s": round(max(samples), 3),
        },
        "sizes": {"runs": runs, "site": "hornslet", "terminal": f"{COLUMNS}x{LINES}"},
    }
