"""When the kiosk syncs in the background: soon after a local write and every half minute
while central answers (a desk's check-in reaches the group room within ~30 s), and only
every ``sync_interval_seconds`` while it does not (offline is the normal state)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SyncPace:
    """Decides from a monotonic clock (seconds) and the outbox's write marker.

    ``after_write_s``: a local write is synced at most this long after it is first noticed
    (debounced: writes in between go in the same session). ``poll_s``: while the last
    session reached central, the longest gap between sessions. ``offline_s``: the gap while
    central is unreachable; a write then waits for at least ``poll_s`` after the last try.
    """

    after_write_s: float = 3.0
    poll_s: float = 30.0
    offline_s: float = 300.0
    online: bool = False
    marker: int | None = None
    write_at: float | None = None
    last_run_at: float = 0.0

    def noticed(self, now: float, marker: int) -> None:
        """Record the outbox's marker (its next sequence number); a change is a local write."""
        if self.marker is not None and marker != self.marker and self.write_at is None:
            self.write_at = now
        self.marker = marker

    def due(self, now: float) -> bool:
        since_run = now - self.last_run_at
        if self.write_at is not None and now - self.write_at >= self.after_write_s:
            return self.online or since_run >= self.poll_s
        return since_run >= (self.poll_s if self.online else self.offline_s)

    def started(self, now: float, marker: int) -> None:
        """A session starts: every write noticed so far goes with it."""
        self.last_run_at, self.marker, self.write_at = now, marker, None

    def finished(self, *, reached_central: bool) -> None:
        self.online = reached_central
