"""Push: apply one device batch in one central transaction (skip seen, 409 on gap, reject
permanently bad mutations and still advance, roll back on anything transient)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import Citizen, Device, Rejection
from models.db import write_session
from sync.crashpoints import crash_point, declare
from sync.hlc import HybridClock
from sync.protocol import Mutation, PushBatch, PushResult, RejectionInfo
from sync.server.auth import DeviceIdentity, RevokedError
from sync.server.mutations import (
    EVENT_MODELS,
    BatchContext,
    adjustments,
    apply_mutations,
    held_adjustments,
)


class GapError(Exception):
    """The batch starts after the next sequence number central expects (409)."""

    error: Literal["gap", "rewound", "cloned"] = "gap"

    def __init__(self, expected_seq: int, message: str = "", lineage: str = "") -> None:
        super().__init__(message or f"push must start at seq {expected_seq}")
        self.expected_seq = expected_seq
        self.lineage = lineage


class RewoundError(GapError):
    """The device reuses acknowledged sequence numbers for rows central never saw (409):
    it must re-base its outbox onto ``lineage`` from ``expected_seq``."""

    error: Literal["gap", "rewound", "cloned"] = "rewound"


class ClonedError(GapError):
    """Two machines push with one credential (409); nothing is taken until re-enrolment."""

    error: Literal["gap", "rewound", "cloned"] = "cloned"


CLONED_MESSAGE = (
    "this device's credential is used by two machines (a copied kiosk, or one restored from "
    "an image older than its last restore): nothing more is accepted from it; the "
    "administrator must revoke it and enrol each machine anew (local rows are kept)"
)


APPLIED = declare("server.push.applied", "mutations applied; device seq not yet advanced")
BEFORE_COMMIT = declare("server.push.before_commit", "everything written; not yet committed")
COMMITTED = declare("server.push.committed", "committed; the answer not yet sent")
RECEIVED = declare("server.push.received", "push transaction open; device not yet locked")
LOCKED = declare("server.push.locked", "device row locked; nothing written")
GAP = declare("server.push.gap", "a gap found; about to answer 409")


def lock_device(session: Session, device_id: str) -> Device:
    """Load the device row under a row lock (PostgreSQL); SQLite's write lock covers it."""
    device = session.exec(select(Device).where(Device.id == device_id).with_for_update()).one()
    if device.revoked_at is not None:
        raise RevokedError("this device has been revoked; enrol it again")
    return device


def apply_push(
    engine: Engine,
    identity: DeviceIdentity,
    batch: PushBatch,
    *,
    now: datetime,
    clock: HybridClock,
    max_skew: timedelta = timedelta(minutes=5),
) -> PushResult:
    """Apply ``batch`` for the calling device; everything or nothing is committed."""
    cloned = False
    with write_session(engine) as session:
        crash_point(RECEIVED)
        device = lock_device(session, identity.device_id)
        crash_point(LOCKED)
        if device.cloned_at is None and _is_clone(device, batch):
            device.cloned_at = now
            session.add(device)
            cloned = True  # committed below, then refused
        elif device.cloned_at is None:
            result = _apply_to_device(session, device, identity, batch, now, clock, max_skew)
            crash_point(BEFORE_COMMIT)
    if cloned or device.cloned_at is not None:
        raise ClonedError(device.last_seq + 1, CLONED_MESSAGE)
    crash_point(COMMITTED)
    return result


def _apply_to_device(
    session: Session,
    device: Device,
    identity: DeviceIdentity,
    batch: PushBatch,
    now: datetime,
    clock: HybridClock,
    max_skew: timedelta,
) -> PushResult:
    expected = device.last_seq + 1
    if batch.first_seq > expected:
        crash_point(GAP)
        raise GapError(expected, lineage=device.lineage)
    seen = [m for m in batch.mutations if m.seq < expected]
    rebasing = bool(device.lineage) and batch.lineage != device.lineage
    if rebasing and not (batch.rebase_of == device.lineage and batch.first_seq == expected):
        raise RewoundError(expected, REWOUND_MESSAGE, lineage=device.lineage)
    if seen and not _all_seen(session, identity.device_id, seen):
        raise RewoundError(expected, REWOUND_MESSAGE, lineage=device.lineage)
    if rebasing:
        device.superseded_lineages = _superseded(device)
    device.lineage = batch.lineage or device.lineage
    fresh: list[Mutation] = [m for m in batch.mutations if m.seq >= expected]
    context = BatchContext(
        session=session, identity=identity, now=now, clock=clock, max_skew=max_skew
    )
    apply_mutations(context, fresh)
    if seen:
        held_adjustments(context, seen)
    crash_point(APPLIED)
    device.last_seq = max(device.last_seq, batch.mutations[-1].seq)
    device.last_seen_at = device.last_push_at = now
    session.add(device)
    rejections = _rejections_in(session, identity.device_id, batch)
    return PushResult(
        acked_through=device.last_seq,
        rejections=rejections,
        adjusted=adjustments(context),
        server_hlc=clock.now().pack(),
    )


REWOUND_MESSAGE = (
    "central has already acknowledged these sequence numbers for other rows (a kiosk "
    "restored from an image): re-base the outbox and push again"
)


def _is_clone(device: Device, batch: PushBatch) -> bool:
    """A lineage that a re-base replaced is pushing again: a second machine is alive."""
    return bool(batch.lineage) and batch.lineage in device.superseded_lineages.split(",")


def _superseded(device: Device) -> str:
    """The device's superseded lineages with the current one added (newest kept)."""
    lineages = [x for x in device.superseded_lineages.split(",") if x] + [device.lineage]
    while len(",".join(lineages)) > 2000:
        lineages.pop(0)
    return ",".join(lineages)


def _all_seen(session: Session, device_id: str, mutations: list[Mutation]) -> bool:
    """True when central holds (or rejected) every row of these already-acknowledged seqs."""
    by_kind: dict[str, set[str]] = {}
    for mutation in mutations:
        by_kind.setdefault(mutation.kind, set()).add(str(mutation.row.get("id", "")))
    held: set[tuple[str, str]] = set()
    for kind, ids in by_kind.items():
        model = EVENT_MODELS.get(kind) or (Citizen if kind == "citizen" else None)
        if model is not None:
            found = session.exec(select(model.id).where(col(model.id).in_(ids)))  # type: ignore[attr-defined]
            held.update((kind, str(i)) for i in found)
    seqs = [m.seq for m in mutations]
    refused = session.exec(
        select(Rejection.seq, Rejection.row_id).where(
            Rejection.device_id == device_id,
            col(Rejection.seq) >= min(seqs),
            col(Rejection.seq) <= max(seqs),
        )
    ).all()
    refused_at = {(seq, row_id) for seq, row_id in refused}
    for mutation in mutations:
        row_id = str(mutation.row.get("id", ""))
        if (mutation.kind, row_id) in held:
            continue
        if (mutation.seq, row_id) in refused_at or (mutation.seq, "(invalid)") in refused_at:
            continue
        return False
    return True


def _rejections_in(session: Session, device_id: str, batch: PushBatch) -> list[RejectionInfo]:
    """Rejections for the batch's range, so a re-pushed batch gets the same answer."""
    last = batch.mutations[-1].seq
    rows = session.exec(
        select(Rejection)
        .where(
            Rejection.device_id == device_id,
            col(Rejection.seq) >= batch.first_seq,
            col(Rejection.seq) <= last,
        )
        .order_by(col(Rejection.seq))
    ).all()
    return [RejectionInfo(seq=r.seq, kind=r.kind, row_id=r.row_id, reason=r.reason) for r in rows]


def describe(mutation: Mutation) -> dict[str, Any]:
    """A short, non-personal description of a mutation for logs."""
    return {"seq": mutation.seq, "kind": mutation.kind}
