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
from typing import Any, NamedTuple

from bench.harness import add_ratio, interleave
from kiosk.demo import prepare_demo
from models.config import Settings

TARGETS = {"first_draw_ratio": 1.5, "startup_ratio": 1.5}

#: xterm's F12 (the language key) and Ctrl+Q (quit).
F12, CTRL_Q = b"\x1b[24~", b"\x11"
READY = " · uge ".encode()  # the Danish date line: the home screen is drawn
REACTED = " · week ".encode()  # the same line in English: the key was handled
COLUMNS, LINES = 120, 36
TIMEOUT_S = 30.0


class Start(NamedTuple):
    """One start: seconds until the home screen was drawn and until it showed F12's effect,
    and the CPU seconds the process used in all (until it quit)."""

    drawn_s: float
    reacted_s: float
    cpu_s: float


def floor_command() -> list[str]:
    """The one-widget Textual app that is the startup floor (bench/README.md)."""
    return [sys.executable, str(Path(__file__).with_name("floor_startup_app.py"))]


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
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk:
                raise RuntimeError(f"kiosk exited early: {bytes(seen[-400:])!r}")
            seen += chunk


def _quit(child: subprocess.Popen[bytes], leader: int) -> float:
    """Quit the kiosk with Ctrl+Q (sent again if a key is lost while the screen redraws);
    returns the CPU seconds it used. A kiosk that will not quit is a failed run."""
    for _ in range(3):
        os.write(leader, CTRL_Q)
        give_up = time.perf_counter() + 5.0
        while time.perf_counter() < give_up:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                child.returncode = os.waitstatus_to_exitcode(status)
                return usage.ru_utime + usage.ru_stime
            try:  # keep draining the terminal so the kiosk never blocks writing to it
                if select.select([leader], [], [], 0.05)[0]:
                    os.read(leader, 65536)
            except OSError:
                pass
    raise TimeoutError("the kiosk did not quit on Ctrl+Q")


def terminal_env(pycache: Path | None = None) -> dict[str, str]:
    """The environment a program is started with: an xterm, and byte-code cached.

    A deployed kiosk runs from compiled byte-code (pip writes it on install). A shell with
    ``PYTHONDONTWRITEBYTECODE`` would make every start compile the project's sources while
    the floor's libraries come compiled; with ``pycache`` the byte-code of every module, the
    project's and the libraries' alike, is kept there (the warm-up run writes it) and the
    source tree is left alone.
    """
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "", "LINES": ""}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def one_start(command: list[str], pycache: Path | None = None) -> Start:
    """Spawn ``command`` in a terminal; wait for the home screen's date line, press F12 and
    wait for it in English; quit with Ctrl+Q."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = terminal_env(pycache)
    started = time.perf_counter()
    child = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True
    )
    os.close(follower)
    seen = bytearray()
    try:
        deadline = started + TIMEOUT_S
        _read_until(leader, READY, seen, deadline)
        drawn = time.perf_counter() - started
        os.write(leader, F12)
        del seen[:]
        _read_until(leader, REACTED, seen, deadline)
        reacted = time.perf_counter() - started
        return Start(drawn, reacted, _quit(child, leader))
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
        command, floor = kiosk_command(home), floor_command()
        cache = home / "pycache"
        one_start(command, cache)  # warm-up: OS file cache, .pyc files
        one_start(floor, cache)
        load_before = os.getloadavg()[0]
        mine, limits = interleave(
            lambda: one_start(command, cache), lambda: one_start(floor, cache), runs
        )
    samples = [start.reacted_s for start in mine]
    metrics = {
        "startup_s": round(median(samples), 3),
        "startup_min_s": round(min(samples), 3),
        "startup_max_s": round(max(samples), 3),
        # CPU the kiosk process used: tells a busy machine from a slow start.
        "startup_cpu_s": round(median(start.cpu_s for start in mine), 3),
        "first_draw_s": round(median(start.drawn_s for start in mine), 3),
    }
    add_ratio(metrics, "first_draw_s", median(start.drawn_s for start in limits))
    add_ratio(metrics, "startup_s", median(start.reacted_s for start in limits))
    metrics["limit_startup_cpu_s"] = round(median(start.cpu_s for start in limits), 3)
    return {
        "metrics": metrics,
        "sizes": {
            "runs": runs,
            "site": "hornslet",
            "terminal": f"{COLUMNS}x{LINES}",
            "load_average_1min": round(load_before, 2),
            "floor": "one-widget Textual app, same terminal, same markers",
        },
    }
