"""Device sync health on central: last seen, last push, last pull, last refusal, the rows
waiting in the kiosk's outbox and its last good integrity check.

One UPDATE per request at most, and per device and kind at most one every few seconds: a
busy kiosk's pulls must not queue behind the write lock its pushes need. A new refusal
reason, a changed outbox size and a reported integrity match are written at once (each
happens a few times per sync session, not per request).

The kiosk reports its outbox size in the ``X-Mestring-Outbox`` header of every sync request
(a non-negative 32-bit decimal; anything else is ignored, never refused: a garbled health
report must not stop a sync), and a matched integrity check with ``POST /v1/sync/verified``,
naming the epoch and cursor of central's summary it matched (checked against central's).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from models import Device
from models.db import read_session, write_session
from sync.protocol import VerifiedReport
from sync.server import feed
from sync.server.auth import DeviceIdentity
from sync.server.throttle import Monotonic

log = logging.getLogger("mestring.server")

#: Seconds between two writes of the same device's pull or push time.
MIN_INTERVAL_S = 5.0
#: Statuses that are a refusal worth showing in ``mestring central device list``.
REFUSALS = frozenset({400, 403, 409, 413, 422})
MAX_REASON = 200
#: The outbox size as sent: plain ASCII digits without sign, spaces or leading zeros.
_WAITING = re.compile(r"0|[1-9][0-9]{0,9}")
WAITING_MAX = 2**31 - 1


class BadOutboxHeader(ValueError):
    """The outbox header is present but not one non-negative 32-bit integer."""


def parse_waiting(values: list[str]) -> int | None:
    """The outbox size from the header's values (``None`` when absent).

    Raises ``BadOutboxHeader`` for anything but exactly one canonical decimal in int32.
    """
    if not values:
        return None
    if len(values) != 1 or not _WAITING.fullmatch(values[0]):
        raise BadOutboxHeader("not one non-negative decimal integer")
    waiting = int(values[0])
    if waiting > WAITING_MAX:
        raise BadOutboxHeader("beyond a 32-bit integer")
    return waiting


class VerifiedRefused(ValueError):
    """A reported integrity match that cannot be central's current summary (422)."""


def check_verified(engine: Engine, who: DeviceIdentity, report: VerifiedReport) -> None:
    """Accept a device's "my integrity check matched" only for central's current epoch and a
    cursor central's feed for the device's site has reached (two cheap reads, no write)."""
    with read_session(engine) as session:
        epoch = feed.meta_value(session, feed.EPOCH_KEY)
        head = feed.feed_head(session, who.site_id)
    if report.epoch != epoch:
        raise VerifiedRefused("the reported check is for another epoch of central")
    if report.cursor > head:
        raise VerifiedRefused("the reported cursor is ahead of central's feed")


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
        self._waiting: dict[str, int] = {}
        self._lock = threading.Lock()

    def record(
        self,
        device_id: str,
        *,
        kind: str,
        refusal: str,
        at: datetime,
        waiting: int | None = None,
        verified: bool = False,
    ) -> bool:
        """Note a request of ``kind`` ("push" or "pull"), refused with ``refusal`` ('' when
        it succeeded); returns whether the row was written."""
        values = self.due(
            device_id, kind=kind, refusal=refusal, at=at, waiting=waiting, verified=verified
        )
        return values is not None and self.write(device_id, kind, values)

    def due(
        self,
        device_id: str,
        *,
        kind: str,
        refusal: str,
        at: datetime,
        waiting: int | None = None,
        verified: bool = False,
    ) -> Any:
        """The columns to write now, or ``None`` when this device's row was written for
        ``kind`` moments ago and nothing worth an immediate write changed (no database
        access: cheap enough for the event loop).

        ``waiting`` is the outbox size the request reported (``None``: not reported);
        ``verified`` says the request reported a matched integrity check.
        """
        return self._values(
            device_id, kind=kind, refusal=refusal, at=at, waiting=waiting, verified=verified
        )

    def write(self, device_id: str, kind: str, values: dict[str, Any]) -> bool:
        """One UPDATE of the device row (blocking); a failure is logged, never raised."""
        try:
            # Through write_session: queued with the process's other writers (a bare
            # transaction would poll SQLite's busy handler, starve behind them and hold a
            # pooled connection meanwhile).
            with write_session(self.engine) as session:
                session.execute(update(Device).where(col(Device.id) == device_id).values(**values))
        except SQLAlchemyError as err:  # health bookkeeping never fails a request
            log.warning("device activity not recorded (%s)", type(err).__name__)
            with self._lock:
                self._written.pop((device_id, kind), None)
                self._waiting.pop(device_id, None)
            return False
        return True

    def _values(
        self,
        device_id: str,
        *,
        kind: str,
        refusal: str,
        at: datetime,
        waiting: int | None,
        verified: bool,
    ) -> Any:
        now = self.clock()
        with self._lock:
            new_error = bool(refusal) and self._errors.get(device_id) != refusal
            new_waiting = waiting is not None and self._waiting.get(device_id) != waiting
            last = self._written.get((device_id, kind))
            urgent = new_error or new_waiting or verified
            if not urgent and last is not None and now - last < self.min_interval_s:
                return None
            self._written[(device_id, kind)] = now
            values: dict[str, Any] = {"last_seen_at": at}
            if waiting is not None:
                self._waiting[device_id] = waiting
                values["outbox_waiting"] = waiting
            if verified:
                values["last_verified_at"] = at
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
