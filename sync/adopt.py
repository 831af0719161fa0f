"""Unsynced rows survive a re-enrolment: when a kiosk is enrolled anew (after its credential
was revoked, or refused as cloned), the rows still in its outbox are re-stamped as the new
device's, in one transaction, and pushed under the new credential."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from models import EVENT_TABLES, Outbox, SyncState
from sync.hlc import Stamp

_MODELS: dict[str, Any] = {m.__tablename__: m for m in EVENT_TABLES}  # type: ignore[attr-defined]


class AdoptionRefused(Exception):
    """The waiting rows cannot move to the new identity (another site)."""


def adopt_outbox(session: Session, *, device_id: str, site_id: str) -> int:
    """Re-stamp every waiting own event as ``device_id``'s and renumber the outbox from 1.

    Call inside the enrolment's write transaction, before the new identity is stored.
    Returns how many entries were kept. Rows of another site are refused: they would
    belong to a site the new credential cannot write.
    """
    state = session.get(SyncState, 1)
    if state is None:
        return 0  # a kiosk enrolled for the first time
    old_device = state.device_id
    entries = list(session.exec(select(Outbox).order_by(col(Outbox.seq))).all())
    if entries and state.site_id and state.site_id != site_id:
        raise AdoptionRefused(
            f"this kiosk has {len(entries)} unsynced items of site {state.site_id}; "
            f"enrol it for that site, or sync them first"
        )
    for entry in entries:
        session.delete(entry)
    session.flush()
    for seq, entry in enumerate(entries, start=1):
        row = json.loads(entry.payload)
        model = _MODELS.get(entry.kind)
        if model is not None and row.get("device_id") == old_device:
            row["device_id"] = device_id
            if row.get("hlc"):
                stamp = Stamp.parse(row["hlc"])
                row["hlc"] = Stamp(stamp.ms, stamp.counter, device_id).pack()
            held = session.get(model, entry.row_id)
            if held is not None:
                held.device_id, held.hlc = row["device_id"], row["hlc"]
                session.add(held)
        session.add(
            Outbox(
                seq=seq,
                kind=entry.kind,
                row_id=entry.row_id,
                payload=json.dumps(row, ensure_ascii=False, sort_keys=True),
                created_at=entry.created_at,
            )
        )
    state.next_seq = len(entries) + 1
    state.lineage, state.rebase_of, state.own_verified = "", "", ""
    session.add(state)
    return len(entries)
