"""What `mestring demo` is doing, step by step on the terminal, with the seconds ticking."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class DemoProgress:
    """Prints ``[2/4] Starter centralserveren … 3 s`` and ticks while a step runs; then
    ``✓`` and how long it took. Written to stderr, before the kiosk takes the terminal."""

    def __init__(self, steps: int, *, out: TextIO | None = None, tick_s: float = 0.5) -> None:
        self.steps, self.done = steps, 0
        self.out = out or sys.stderr
        self.tick_s = tick_s
        self.started = time.perf_counter()
        self.live = self.out.isatty()

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        """Run one step; a terminal sees its seconds tick, a log sees one line per step."""
        self.done += 1
        label = f"[{self.done}/{self.steps}] {what}"
        start = time.perf_counter()
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(self.tick_s):
                self._write(f"\r{label} … {time.perf_counter() - start:.0f} s")

        self._write(f"{label} …" if self.live else f"{label} …\n")
        ticker = threading.Thread(target=tick, daemon=True) if self.live else None
        if ticker is not None:
            ticker.start()
        mark = "✗"
        try:
            yield
            mark = "✓"
        finally:
            stop.set()
            if ticker is not None:
                ticker.join()
            took = time.perf_counter() - start
            self._write(f"{chr(13) if self.live else ''}{label} {mark} {took:.1f} s\n")

    def finished(self, what: str) -> None:
        self._write(f"{what} ({time.perf_counter() - self.started:.1f} s)\n")
