"""Row ids: UUIDv7 made on the device; never used for ordering (the HLC is)."""

import time

import uuid6


def new_id() -> str:
    """A fresh UUIDv7 as its canonical 36-character string."""
    return str(uuid6.uuid7())


def new_id_at_hour(epoch_ms: int) -> str:
    """A UUIDv7 whose embedded time is truncated to the hour.

    Anonymous contacts use it so that their id does not reveal the exact minute of a visit.
    """
    hour_ms = epoch_ms - epoch_ms % 3_600_000
    raw = uuid6.uuid7().int
    # Replace the 48-bit unix-ms timestamp in the top bits; keep version, variant and randomness.
    raw = (raw & ((1 << 80) - 1)) | (hour_ms << 80)
    import uuid

    return str(uuid.UUID(int=raw))


def now_ms() -> int:
    """Wall-clock time in unix milliseconds."""
    return time.time_ns() // 1_000_000
