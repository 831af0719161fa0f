"""Device sync health on central: last seen, last push, last pull and last refusal.

One UPDATE per request at most, and per device and kind at most one every few seconds
(a new refusal reason is always written): a busy kiosk's pulls must not queue behind the
write lock its pushes need.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from models import Device
from sync.server.throttle import Monotonic

log = logging.getLogger("mestring.server")

#: Seconds between two writes of the same device's pull or push time.
MIN_INTERVAL_S = 5.0
#: Statuses that are a refusal worth showing in ``mestring central device list``.
REFUSALS = frozenset({400, 403, 409, 413, 422})
MAX_REASON = 200


class DeviceActivity:
    """Writes what a known device's request did to its ``Device`` row (throttled)."""

    def __init__(
        self,
        engine: Engine,
        *,
        min_interval_s: float = MIN_INTERVAL_S,
        clock: Monotonic = time.monotonic,
    ) -> None:
        self.engine, self.min_interval_s, self.clock = engine, min_interval_s, clock
        self._written: dict[tuple[str, str], float] = {}
        self._errors: dict[str, str] = {}
        self._lock = threading.Lock()

    def record(self, device_id: str, *, kind: str, refusal: str, at: datetime) -> bool:
        """Note a request of ``kind`` ("push" or "pull"), refused with ``refusal`` ('' when
        it succeeded); returns whether the row was written."""
        values = self.due(device_id, kind=kind, refusal=refusal, at=at)
        return values is not None and self.write(device_id, kind, values)

    def due(self, device_id: str, *, kind: str, refusal: str, at: datetime) -> Any:
        """The columns to write now, or ``None`` when this device's row was written for
        ``kind`` moments ago (no database access: cheap enough for the event loop)."""
        return self._values(device_id, kind=kind, refusal=refusal, at=at)

    def write(self, device_id: str, kind: str, values: dict[str, Any]) -> bool:
        """One UPDATE of the device row (blocking); a failure is logged, never raised."""
        try:
            with self.engine.begin() as conn:
                conn.execute(update(Device).where(col(Device.id) == device_id).values(**values))
        except SQLAlchemyError as err:  # health bookkeeping never fails a request
            log.warning("device activity not recorded (%s)", type(err).__name__)
            with self._lock:
                self._written.pop((device_id, kind), None)
            return False
        return True

    def _values(self, device_id: str, *, kind: str, refusal: str, at: datetime) -> Any:
        now = self.clock()
        with self._lock:
            new_error = bool(refusal) and self._errors.get(device_id) != refusal
            last = self._written.get((device_id, kind))
            if not new_error and last is not None and now - last < self.min_interval_s:
                return None
            self._written[(device_id, kind)] = now
            values: dict[str, Any] = {"last_seen_at": at}
            if refusal:
                self._errors[device_id] = refusal
                stamp = at.strftime("%Y-%m-%d %H:%M:%SZ")
                values["last_error"] = f"{stamp} {refusal}"[:MAX_REASON]
            elif kind == "push":
                values["last_push_at"] = at
            else:
                values["last_pull_at"] = at
            return values


def request_kind(method: str, path: str) -> str:
    """Which health field a request moves: pushes, or everything else a device reads."""
    return "push" if method == "POST" and path.endswith("/sync/push") else "pull"
