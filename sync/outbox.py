"""Kiosk side of the transactional outbox: every local write is stamped and queued in the
same SQLite transaction as the row itself, so a row never exists without its outbox entry
and an outbox entry never exists without its row."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, SQLModel

from models.events import EventBase
from models.kiosk_state import Outbox, SyncState
from sync.crashpoints import crash_point, declare
from sync.hlc import HybridClock, Stamp

RECORDED = declare("kiosk.write.recorded", "a local write and its outbox entries; uncommitted")


class NotInitialised(RuntimeError):
    """The kiosk database has no sync state yet (not seeded or enrolled)."""


def load_state(session: Session) -> SyncState:
    state = session.get(SyncState, 1)
    if state is None:
        raise NotInitialised("this kiosk has no device identity yet; enrol it or run the demo")
    return state


def init_state(
    session: Session, *, device_id: str, site_id: str, server_url: str = ""
) -> SyncState:
    """Create or update the kiosk's single sync-state row."""
    state = session.get(SyncState, 1) or SyncState(id=1)
    state.device_id = device_id
    state.site_id = site_id
    if server_url:
        state.server_url = server_url
    session.add(state)
    return state


def clock_for(state: SyncState, now: datetime) -> HybridClock:
    """The device's clock, resumed from its persisted last stamp, reading wall time ``now``."""
    wall = int(now.timestamp() * 1000)
    last = Stamp.parse(state.hlc) if state.hlc else None
    return HybridClock(state.device_id or "kiosk", wall=lambda: wall, last=last)


def row_payload(row: SQLModel) -> str:
    return json.dumps(row.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def record(
    session: Session, rows: Iterable[SQLModel], *, now: datetime, kind: str | None = None
) -> list[int]:
    """Add ``rows`` with their outbox entries to ``session``'s transaction.

    Events get the device, site, ``created_at`` and a fresh HLC stamp unless already set.
    Call inside ``models.db.write_session`` so sequence numbers are taken under the write
    lock. Returns the device sequence numbers used.
    """
    state = load_state(session)
    clock = clock_for(state, now)
    seqs: list[int] = []
    for row in rows:
        if isinstance(row, EventBase):
            row.device_id = row.device_id or state.device_id
            row.site_id = row.site_id or state.site_id
            row.hlc = row.hlc or clock.now().pack()
            if getattr(row, "created_at", None) is None:
                row.created_at = now
        session.add(row)
        seq = state.next_seq
        state.next_seq += 1
        session.add(
            Outbox(
                seq=seq,
                kind=kind or str(row.__tablename__),
                row_id=str(row.id),  # type: ignore[attr-defined]
                payload=row_payload(row),
                created_at=now,
            )
        )
        seqs.append(seq)
    if state.hlc == "" or clock.last.pack() > state.hlc:
        state.hlc = clock.last.pack()
    session.add(state)
    crash_point(RECORDED)
    return seqs
