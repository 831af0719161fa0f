"""`mestring central device list`: each kiosk's identity and sync health, one line each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from models import Device
from models.timeutil import LOCAL_TZ

HEADER = (
    "device",
    "site",
    "name",
    "created",
    "last push",
    "last pull",
    "waiting",
    "last verified",
    "state",
    "last error",
)


def _when(value: datetime | None) -> str:
    if value is None:
        return "-"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def device_state(device: Device) -> str:
    """active, revoked, cloned or both (a cloned credential is usually revoked next)."""
    marks = [m for m, at in (("revoked", device.revoked_at), ("cloned", device.cloned_at)) if at]
    return "+".join(marks) or "active"


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def device_rows(devices: Iterable[Device]) -> list[tuple[str, ...]]:
    """The listing's cells; times in Danish local time, the rows waiting in the kiosk's
    outbox as it last reported them, the last error as recorded."""
    return [
        (
            d.id,
            d.site_id,
            d.name or "-",
            _when(d.created_at),
            _when(d.last_push_at),
            _when(d.last_pull_at),
            _count(d.outbox_waiting),
            _when(d.last_verified_at),
            device_state(d),
            d.last_error or "-",
        )
        for d in devices
    ]


def device_table(devices: Iterable[Device]) -> list[str]:
    """Aligned lines: a header, then one per device (the last error is left unpadded)."""
    rows = [HEADER, *device_rows(devices)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    padded = [[c.ljust(w) for c, w in zip(row, widths, strict=False)] for row in rows]
    return ["  ".join([*cells, row[-1]]) for cells, row in zip(padded, rows, strict=True)]
