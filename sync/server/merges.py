"""Late events of merged citizens: stored under the citizen they were merged into, audited."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from models import AuditEntry, Citizen
from models.ids import new_id
from sync.admin.audit import CENTRAL_DEVICE, CENTRAL_SITE
from sync.hlc import HybridClock

#: Audit action for events re-pointed on arrival (ids only: nothing personal in the detail).
LATE_REPOINT_ACTION = "merged_citizen_late_events"
#: Longest merge chain followed (A→B→C…); a longer one, or a cycle, stops where it is.
MAX_CHAIN = 16


def surviving_citizens(
    session: Session, citizen_ids: Iterable[str], *, lock: bool = False
) -> dict[str, str]:
    """For every merged citizen among ``citizen_ids``: the citizen that survives the merge
    chain (A→B, B→C gives A→C and B→C). Citizens not merged are left out.

    With ``lock`` the named citizens' rows are share-locked (PostgreSQL) until commit: a
    merge running at the same time (it locks the guest's row first) either waits for this
    transaction, and then re-points what it stored, or is seen here as merged.
    """
    wanted = set(citizen_ids)
    step: dict[str, str] = {}
    frontier = set(wanted)
    if lock and wanted:
        locked = select(Citizen.id, Citizen.merged_into).where(col(Citizen.id).in_(sorted(wanted)))
        rows = session.exec(locked.with_for_update(read=True)).all()
        step.update({cid: str(target) for cid, target in rows if target})
        frontier = set(step.values())
    for _ in range(MAX_CHAIN):
        frontier -= step.keys()
        if not frontier:
            break
        query = select(Citizen.id, Citizen.merged_into).where(
            col(Citizen.id).in_(sorted(frontier)), col(Citizen.merged_into).is_not(None)
        )
        found = {cid: str(target) for cid, target in session.exec(query).all()}
        step.update(found)
        frontier = set(found.values())
    return {cid: follow(step, cid) for cid in wanted if cid in step}


def follow(step: dict[str, str], citizen_id: str) -> str:
    """Where ``citizen_id`` ends in a map of single merge steps (cycles stop, never loop)."""
    seen = {citizen_id}
    while citizen_id in step and step[citizen_id] not in seen:
        citizen_id = step[citizen_id]
        seen.add(citizen_id)
    return citizen_id


def follow_merges(
    session: Session, accepted: Iterable[tuple[str, dict[str, Any]]]
) -> dict[tuple[str, str], str]:
    """Point every accepted event ``(kind, params)`` that names a merged citizen at the
    surviving citizen; returns ``(kind, event id) → the id the device sent``."""
    accepted = list(accepted)
    named = {str(p["citizen_id"]) for _k, p in accepted if p.get("citizen_id")}
    if not named:
        return {}
    survivors = surviving_citizens(session, named, lock=True)
    moved: dict[tuple[str, str], str] = {}
    for kind, params in accepted:
        sent = params.get("citizen_id")
        survivor = survivors.get(str(sent)) if sent else None
        if survivor and survivor != sent:
            moved[(kind, str(params["id"]))] = str(sent)
            params["citizen_id"] = survivor
    return moved


def audit_late_events(
    session: Session,
    stored: Iterable[tuple[str, dict[str, Any]]],
    moved: dict[tuple[str, str], str],
    *,
    device_id: str,
    clock: HybridClock,
    now: datetime,
) -> int:
    """One audit entry per (merged, surviving) pair for the re-pointed events actually
    stored; a replayed push stores nothing and so audits nothing. Returns the entries added."""
    pairs: Counter[tuple[str, str]] = Counter()
    for kind, params in stored:
        sent = moved.get((kind, str(params["id"])))
        if sent is not None:
            pairs[(sent, str(params["citizen_id"]))] += 1
    for (merged, survivor), count in sorted(pairs.items()):
        session.add(
            AuditEntry(
                id=new_id(),
                site_id=CENTRAL_SITE,
                device_id=CENTRAL_DEVICE,
                hlc=clock.now().pack(),
                created_at=now,
                received_at=now,
                citizen_id=survivor,
                action=LATE_REPOINT_ACTION,
                detail=f"{count} event(s) from device {device_id} named merged citizen "
                f"{merged}; stored under {survivor}",
            )
        )
    return len(pairs)
