"""Push: apply one device batch in one central transaction (skip seen, 409 on gap, reject
permanently bad mutations and still advance, roll back on anything transient)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import Device, Rejection
from models.db import write_session
from sync.crashpoints import crash_point, declare
from sync.hlc import HybridClock
from sync.protocol import Mutation, PushBatch, PushResult, RejectionInfo
from sync.server.auth import DeviceIdentity, RevokedError
from sync.server.mutations import BatchContext, apply_mutations


class GapError(Exception):
    """The batch starts after the next sequence number central expects (409)."""

    def __init__(self, expected_seq: int) -> None:
        super().__init__(f"push must start at seq {expected_seq}")
        self.expected_seq = expected_seq


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
) -> PushResult:
    """Apply ``batch`` for the calling device; everything or nothing is committed."""
    with write_session(engine) as session:
        crash_point(RECEIVED)
        device = lock_device(session, identity.device_id)
        crash_point(LOCKED)
        expected = device.last_seq + 1
        if batch.first_seq > expected:
            crash_point(GAP)
            raise GapError(expected)
        fresh: list[Mutation] = [m for m in batch.mutations if m.seq >= expected]
        context = BatchContext(session=session, identity=identity, now=now, clock=clock)
        apply_mutations(context, fresh)
        crash_point(APPLIED)
        device.last_seq = max(device.last_seq, batch.mutations[-1].seq)
        device.last_seen_at = now
        session.add(device)
        acked = device.last_seq
        rejections = _rejections_in(session, identity.device_id, batch)
        crash_point(BEFORE_COMMIT)
    crash_point(COMMITTED)
    return PushResult(acked_through=acked, rejections=rejections, server_hlc=clock.now().pack())


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
