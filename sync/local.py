"""Kiosk-side store functions the sync client uses: outbox batches, acknowledgements,
status, and the local integrity summary. Each function is one kiosk transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from models import LocalRejection, Outbox, SyncState
from models.db import read_session, write_session
from models.ids import new_id
from sync.crashpoints import crash_point, declare
from sync.outbox import load_state
from sync.protocol import AdjustedRow, Mutation, PushBatch, RejectionInfo, TableSummary
from sync.rows import EVENTS, REFERENCE, encode, table_digest

ACK_BEFORE_COMMIT = declare("kiosk.ack.before_commit", "outbox trimmed; not committed")
OUTCOME_BEFORE_COMMIT = declare("kiosk.outcome.before_commit", "outcome written; not committed")


@dataclass(frozen=True)
class LocalStatus:
    """What the sync status screen and the home badge show."""

    device_id: str
    site_id: str
    server_url: str
    waiting: int
    last_sync_ok_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str
    rejected: int
    cursor: int


def next_batch(engine: Engine, limit: int) -> PushBatch | None:
    """The oldest ``limit`` outbox entries as a push batch, or None when the outbox is empty."""
    with read_session(engine) as session:
        query = select(Outbox).order_by(col(Outbox.seq)).limit(limit)
        entries = list(session.execute(query).scalars())
        state = session.get(SyncState, 1) or SyncState(id=1)
    if not entries:
        return None
    mutations = [Mutation(seq=e.seq, kind=e.kind, row=json.loads(e.payload)) for e in entries]
    # Stop at a hole (never expected: seqs are handed out gap-free).
    consecutive = [m for i, m in enumerate(mutations) if m.seq == mutations[0].seq + i]
    return PushBatch(
        first_seq=consecutive[0].seq,
        mutations=consecutive,
        lineage=state.lineage,
        rebase_of=state.rebase_of,
    )


def ensure_lineage(engine: Engine) -> str:
    """The kiosk's push lineage, made (and committed) the first time it is needed."""
    with read_session(engine) as session:
        lineage = load_state(session).lineage
    if lineage:
        return lineage
    with write_session(engine) as session:
        state = load_state(session)
        state.lineage = state.lineage or new_id()
        session.add(state)
        return state.lineage


def acknowledge(
    engine: Engine,
    acked_through: int,
    rejections: list[RejectionInfo],
    *,
    now: datetime,
    adjusted: Sequence[AdjustedRow] = (),
) -> int:
    """Delete acknowledged outbox entries, keep the rejections and take central's clock
    values for own events it clamped, in one transaction."""
    with write_session(engine) as session:
        for change in adjusted:
            table = EVENTS.get(change.kind)
            if table is None:
                continue
            session.execute(
                update(table)
                .where(table.c.id == change.row_id)
                .values(hlc=change.hlc, created_at=datetime.fromisoformat(change.created_at))
            )
        known = set(session.execute(select(col(LocalRejection.seq))).scalars())
        for rejection in rejections:
            if rejection.seq in known:
                continue
            session.add(
                LocalRejection(
                    seq=rejection.seq,
                    kind=rejection.kind,
                    row_id=rejection.row_id,
                    reason=rejection.reason[:400],
                    rejected_at=now,
                )
            )
        result = session.execute(delete(Outbox).where(col(Outbox.seq) <= acked_through))
        state = load_state(session)
        if state.rebase_of:
            state.rebase_of = ""  # central has adopted the new lineage
            session.add(state)
        crash_point(ACK_BEFORE_COMMIT)
        return int(result.rowcount)  # type: ignore[attr-defined]


def acked_own_seq(engine: Engine) -> int:
    """The last own sequence number this disk holds as acknowledged by central: before the
    oldest waiting outbox entry, or the last one handed out when nothing waits."""
    with read_session(engine) as session:
        oldest = session.execute(select(func.min(col(Outbox.seq)))).scalar()
        if oldest is not None:
            return int(oldest) - 1
        return max(0, load_state(session).next_seq - 1)


def record_outcome(engine: Engine, *, ok: bool, error: str, now: datetime) -> None:
    with write_session(engine) as session:
        state = load_state(session)
        state.last_attempt_at = now
        state.last_error = error[:400]
        if ok:
            state.last_sync_ok_at = now
        session.add(state)
        crash_point(OUTCOME_BEFORE_COMMIT)


def local_status(engine: Engine) -> LocalStatus:
    with read_session(engine) as session:
        state = session.get(SyncState, 1) or SyncState(id=1)
        waiting = session.execute(select(func.count()).select_from(Outbox)).scalar_one()
        rejected = session.execute(select(func.count()).select_from(LocalRejection)).scalar_one()
    return LocalStatus(
        device_id=state.device_id,
        site_id=state.site_id,
        server_url=state.server_url,
        waiting=int(waiting),
        last_sync_ok_at=state.last_sync_ok_at,
        last_attempt_at=state.last_attempt_at,
        last_error=state.last_error,
        rejected=int(rejected),
        cursor=state.cursor,
    )


def local_rejections(engine: Engine, limit: int = 200) -> list[LocalRejection]:
    with read_session(engine) as session:
        query = select(LocalRejection).order_by(col(LocalRejection.seq).desc()).limit(limit)
        return list(session.execute(query).scalars())


def local_summary(engine: Engine) -> dict[str, TableSummary]:
    """Count + hash per reference table of what this kiosk holds."""
    summary: dict[str, TableSummary] = {}
    with read_session(engine) as session:
        for name, table in REFERENCE.items():
            rows = session.execute(select(table)).mappings()
            count, digest = table_digest(encode(table, r) for r in rows)
            summary[name] = TableSummary(count=count, hash=digest)
    return summary
