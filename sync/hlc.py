"""Hybrid Logical Clock: physical ms + counter + node, packed so string order = clock order.

A kiosk persists its last stamp with every event it writes, so its clock never runs
backwards across restarts or when the wall clock is set back. Remote stamps far in the
future are clamped to the local wall clock plus ``max_drift_ms`` (the raw time is kept on
the event as ``created_at``), so one bad clock cannot drag every other clock forward.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MS_DIGITS = 15
COUNTER_DIGITS = 6
MAX_COUNTER = 10**COUNTER_DIGITS - 1
DEFAULT_MAX_DRIFT_MS = 5 * 60 * 1000


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, order=True, slots=True)
class Stamp:
    """One HLC stamp; ordering is (ms, counter, node)."""

    ms: int
    counter: int
    node: str

    def pack(self) -> str:
        return f"{self.ms:0{MS_DIGITS}d}-{self.counter:0{COUNTER_DIGITS}d}-{self.node}"

    @classmethod
    def parse(cls, packed: str) -> Stamp:
        """Parse a packed stamp; raises ``ValueError`` on anything malformed."""
        parts = packed.split("-", 2)
        if len(parts) != 3 or len(parts[0]) != MS_DIGITS or len(parts[1]) != COUNTER_DIGITS:
            raise ValueError(f"not an HLC stamp: {packed!r}")
        if not (parts[0].isdigit() and parts[1].isdigit()) or not parts[2]:
            raise ValueError(f"not an HLC stamp: {packed!r}")
        return cls(int(parts[0]), int(parts[1]), parts[2])


class HybridClock:
    """A node's clock. ``now()`` for local events, ``observe()`` for stamps received."""

    def __init__(
        self,
        node: str,
        *,
        wall: Callable[[], int] = wall_ms,
        last: Stamp | None = None,
        max_drift_ms: int = DEFAULT_MAX_DRIFT_MS,
    ) -> None:
        self.node = node
        self._wall = wall
        self._max_drift_ms = max_drift_ms
        self.last = last if last is not None else Stamp(0, 0, node)

    def now(self) -> Stamp:
        """A stamp greater than every stamp issued or observed so far."""
        physical = self._wall()
        if physical > self.last.ms:
            stamp = Stamp(physical, 0, self.node)
        else:
            stamp = self._bump(self.last.ms, self.last.counter + 1)
        self.last = stamp
        return stamp

    def clamp(self, remote: Stamp) -> Stamp:
        """``remote`` limited to at most ``max_drift_ms`` ahead of the local wall clock."""
        limit = self._wall() + self._max_drift_ms
        if remote.ms > limit:
            return Stamp(limit, 0, remote.node)
        return remote

    def observe(self, remote: Stamp) -> Stamp:
        """Merge a received stamp; returns the (clamped) stamp as it will be stored."""
        clamped = self.clamp(remote)
        physical = self._wall()
        top = max(self.last.ms, clamped.ms, physical)
        if top == self.last.ms == clamped.ms:
            counter = max(self.last.counter, clamped.counter) + 1
        elif top == self.last.ms:
            counter = self.last.counter + 1
        elif top == clamped.ms:
            counter = clamped.counter + 1
        else:
            counter = 0
        self.last = self._bump(top, counter)
        return clamped

    def _bump(self, ms: int, counter: int) -> Stamp:
        # A counter overflow borrows the next millisecond rather than wrapping around.
        if counter > MAX_COUNTER:
            return Stamp(ms + 1, 0, self.node)
        return Stamp(ms, counter, self.node)
