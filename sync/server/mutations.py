"""Apply pushed mutations inside the push transaction: validate, de-duplicate, insert events,
decide requests, refresh scopes; a permanently bad mutation becomes a ``Rejection``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from models import (
    EVENT_TABLES,
    AttendanceMark,
    CheckIn,
    Citizen,
    GroupSession,
    Offer,
    Rejection,
    SessionStateChange,
    SiteScope,
)
from models.events import CheckInAction, CheckInMethod, Mark, QueueAction, SessionRequest
from sync.changes import refresh_scope
from sync.crashpoints import crash_point, declare
from sync.hlc import HybridClock, Stamp
from sync.protocol import Mutation
from sync.rows import table_name
from sync.server.auth import DeviceIdentity
from sync.server.decisions import RequestRefused, accept_provisional_citizen, decide_session_state
from sync.server.merges import audit_late_events, follow_merges

EVENT_MODELS: dict[str, type[SQLModel]] = {table_name(m): m for m in EVENT_TABLES}
ENUM_FIELDS: dict[str, dict[str, type[StrEnum]]] = {
    "check_in": {"action": CheckInAction, "method": CheckInMethod},
    "attendance_mark": {"mark": Mark},
    "session_state_change": {"state": SessionRequest},
    "queue_ticket_event": {"action": QueueAction},
}
IGNORED_IN_COMPARISON = {"received_at", "hlc"}
REJECTION_ADDED = declare("server.push.rejection_added", "a rejection recorded; not committed")
EVENTS_INSERTED = declare("server.push.events_inserted", "new events inserted; not committed")
DECIDED = declare("server.push.decided", "session requests decided; not committed")
SCOPES_REFRESHED = declare("server.push.scopes_refreshed", "visitors scoped; not committed")


class Rejected(Exception):
    """A mutation central refuses permanently."""


@dataclass
class BatchContext:
    session: Session
    identity: DeviceIdentity
    now: datetime
    clock: HybridClock
    accepted: list[tuple[Mutation, dict[str, Any]]] = field(default_factory=list)
    #: (kind, event id) → the merged citizen id the device sent (stored under the survivor).
    moved: dict[tuple[str, str], str] = field(default_factory=dict)


def reject(context: BatchContext, mutation: Mutation, reason: str) -> None:
    row_id = str(mutation.row.get("id", ""))[:36]
    context.session.add(
        Rejection(
            device_id=context.identity.device_id,
            site_id=context.identity.site_id,
            seq=mutation.seq,
            kind=mutation.kind[:40],
            row_id=row_id,
            payload=json.dumps(mutation.row, ensure_ascii=False, default=str),
            reason=reason[:400],
            rejected_at=context.now,
        )
    )
    crash_point(REJECTION_ADDED)


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "row"
    return f"invalid row: {where}: {first.get('msg', 'invalid')}"


def validate_event(context: BatchContext, mutation: Mutation) -> dict[str, Any]:
    """The insert parameters for an event mutation, or ``Rejected``."""
    model = EVENT_MODELS[mutation.kind]
    unknown = set(mutation.row) - set(model.model_fields)
    if unknown:
        raise Rejected(f"invalid row: unknown fields {sorted(unknown)}")
    try:
        event = model.model_validate(mutation.row)
    except ValidationError as err:
        raise Rejected(_first_error(err)) from err
    params = event.model_dump()
    if params["site_id"] != context.identity.site_id:
        raise Rejected("the row belongs to another site")
    if params["device_id"] != context.identity.device_id:
        raise Rejected("the row was made by another device")
    if params["created_at"].utcoffset() is None:
        raise Rejected("invalid row: created_at has no time zone")
    for name, enum in ENUM_FIELDS.get(mutation.kind, {}).items():
        if params.get(name) not in {e.value for e in enum}:
            raise Rejected(f"invalid row: {name} {params.get(name)!r} is not allowed")
    try:
        stamp = Stamp.parse(params["hlc"])
    except ValueError as err:
        raise Rejected("invalid row: hlc is not a clock stamp") from err
    # A clock far ahead is clamped; the raw device time stays in created_at.
    params["hlc"] = context.clock.observe(stamp).pack()
    params["received_at"] = context.now
    return params


def apply_mutations(context: BatchContext, mutations: list[Mutation]) -> None:
    """Apply ``mutations`` (already past the device's last seq) in sequence order."""
    for mutation in mutations:
        try:
            if mutation.kind in EVENT_MODELS:
                context.accepted.append((mutation, validate_event(context, mutation)))
            elif mutation.kind == "citizen":
                _apply_citizen(context, mutation)
            else:
                raise Rejected(f"unknown kind {mutation.kind!r}")
        except Rejected as refused:
            reject(context, mutation, str(refused))
    # Before the duplicate check, so a replay compares equal to the re-pointed stored row.
    context.moved = follow_merges(context.session, ((m.kind, p) for m, p in context.accepted))
    fresh = _drop_duplicates(context)
    fresh = _check_references(context, fresh)
    _insert_events(context, fresh)
    crash_point(EVENTS_INSERTED)
    stored = [(m.kind, p) for m, p in fresh if not p.get("_rejected")]
    audit_late_events(
        context.session,
        stored,
        context.moved,
        device_id=context.identity.device_id,
        clock=context.clock,
        now=context.now,
    )
    _decide_session_requests(context, fresh)
    crash_point(DECIDED)
    _refresh_visit_scopes(context, fresh)
    crash_point(SCOPES_REFRESHED)


def _apply_citizen(context: BatchContext, mutation: Mutation) -> None:
    try:
        proposed = Citizen.model_validate(mutation.row)
    except ValidationError as err:
        raise Rejected(_first_error(err)) from err
    try:
        with context.session.begin_nested():
            accept_provisional_citizen(
                context.session, proposed, site_id=context.identity.site_id, now=context.now
            )
    except RequestRefused as refused:
        raise Rejected(str(refused)) from refused
    except IntegrityError as err:
        raise Rejected("the card token or reference is already in use") from err


def _drop_duplicates(context: BatchContext) -> list[tuple[Mutation, dict[str, Any]]]:
    """Events whose id central already holds: identical → skipped, different → rejected."""
    by_kind: dict[str, set[str]] = {}
    for mutation, params in context.accepted:
        by_kind.setdefault(mutation.kind, set()).add(params["id"])
    existing: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, ids in by_kind.items():
        model = EVENT_MODELS[kind]
        for row in context.session.exec(select(model).where(col(model.id).in_(ids))).all():  # type: ignore[attr-defined]
            existing[(kind, row.id)] = row.model_dump()  # type: ignore[attr-defined]
    fresh: list[tuple[Mutation, dict[str, Any]]] = []
    for mutation, params in context.accepted:
        key = (mutation.kind, params["id"])
        held = existing.get(key)
        if held is None:
            existing[key] = params
            fresh.append((mutation, params))
        elif _same(held, params):
            continue
        else:
            reject(context, mutation, "an event with this id but other content already exists")
    return fresh


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = (set(a) | set(b)) - IGNORED_IN_COMPARISON
    return all(a.get(k) == b.get(k) for k in keys)


def _check_references(
    context: BatchContext, fresh: list[tuple[Mutation, dict[str, Any]]]
) -> list[tuple[Mutation, dict[str, Any]]]:
    session = context.session
    citizen_ids = {p["citizen_id"] for _m, p in fresh if p.get("citizen_id")}
    session_ids = {p["session_id"] for _m, p in fresh if p.get("session_id")}
    known_citizens = set(session.exec(select(Citizen.id).where(col(Citizen.id).in_(citizen_ids))))
    session_sites = dict(
        session.exec(
            select(GroupSession.id, GroupSession.site_id).where(
                col(GroupSession.id).in_(session_ids)
            )
        ).all()
    )
    offers = set(session.exec(select(Offer.id)).all())
    kept: list[tuple[Mutation, dict[str, Any]]] = []
    for mutation, params in fresh:
        reason = _reference_problem(context, params, known_citizens, session_sites, offers)
        if reason:
            reject(context, mutation, reason)
        else:
            kept.append((mutation, params))
    return kept


def _reference_problem(
    context: BatchContext,
    params: dict[str, Any],
    citizens: set[str],
    session_sites: dict[str, str],
    offers: set[str],
) -> str:
    citizen_id = params.get("citizen_id")
    if citizen_id and citizen_id not in citizens:
        return "the citizen is unknown to central"
    offer_id = params.get("offer_id")
    if offer_id and offer_id not in offers:
        return f"unknown offer {offer_id!r}"
    session_id = params.get("session_id")
    if session_id:
        site = session_sites.get(session_id)
        if site is None:
            return "the group session is unknown to central"
        if site != context.identity.site_id:
            return "the group session belongs to another site"
    return ""


def _insert_events(context: BatchContext, fresh: list[tuple[Mutation, dict[str, Any]]]) -> None:
    by_kind: dict[str, list[tuple[Mutation, dict[str, Any]]]] = {}
    for mutation, params in fresh:
        by_kind.setdefault(mutation.kind, []).append((mutation, params))
    for kind, items in by_kind.items():
        table = EVENT_MODELS[kind].__table__  # type: ignore[attr-defined]
        try:
            with context.session.begin_nested():
                context.session.execute(insert(table), [p for _m, p in items])
        except IntegrityError:
            _insert_one_by_one(context, table, items)


def _insert_one_by_one(
    context: BatchContext, table: Any, items: list[tuple[Mutation, dict[str, Any]]]
) -> None:
    for mutation, params in items:
        try:
            with context.session.begin_nested():
                context.session.execute(insert(table), [params])
        except IntegrityError:
            reject(context, mutation, "the event conflicts with a row central already holds")
            params["_rejected"] = True  # keeps it out of the decisions and scopes below


def _decide_session_requests(
    context: BatchContext, fresh: list[tuple[Mutation, dict[str, Any]]]
) -> None:
    for mutation, params in fresh:
        if mutation.kind != str(SessionStateChange.__tablename__) or params.get("_rejected"):
            continue
        decide_session_state(
            context.session,
            params["session_id"],
            params["state"],
            hlc=params["hlc"],
            reason=params.get("reason", ""),
            now=context.now,
        )


def _refresh_visit_scopes(
    context: BatchContext, fresh: list[tuple[Mutation, dict[str, Any]]]
) -> None:
    """A visit (check-in or attendance mark) puts the citizen into the site's scope."""
    kinds = {str(CheckIn.__tablename__), str(AttendanceMark.__tablename__)}
    visitors = {p["citizen_id"] for m, p in fresh if m.kind in kinds and not p.get("_rejected")}
    if not visitors:
        return
    site = context.identity.site_id
    in_scope = set(
        context.session.exec(
            select(SiteScope.citizen_id).where(
                SiteScope.site_id == site, col(SiteScope.citizen_id).in_(visitors)
            )
        ).all()
    )
    context.session.flush()
    for citizen_id in sorted(visitors - in_scope):
        refresh_scope(context.session, citizen_id, now=context.now)
