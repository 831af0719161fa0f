"""Apply pushed mutations inside the push transaction: validate, de-duplicate, insert events,
decide requests, refresh scopes; a permanently bad mutation becomes a ``Rejection``."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from models import (
    EVENT_TABLES,
    AttendanceMark,
    CheckIn,
    Citizen,
    Rejection,
    SessionStateChange,
    SiteScope,
)
from models.sensitive import cpr_like, unsafe_char
from sync.changes import refresh_scope
from sync.crashpoints import crash_point, declare
from sync.hlc import HybridClock, Stamp
from sync.protocol import AdjustedRow, Mutation
from sync.rows import table_name
from sync.server.auth import DeviceIdentity
from sync.server.decisions import RequestRefused, accept_provisional_citizen, decide_session_state
from sync.server.fit_changes import decide_fit_plans
from sync.server.merges import audit_late_events, follow_merges
from sync.server.references import problem, resolve
from sync.server.rules import (
    HOUR_ONLY,
    RULES,
    SLUG,
    UUID,
    Caller,
    Rejected,
    check_event,
    check_guest,
)
from sync.server.site_events import feed_site_events

EVENT_MODELS: dict[str, type[SQLModel]] = {table_name(m): m for m in EVENT_TABLES}
IGNORED_IN_COMPARISON = {"received_at", "hlc"}
REJECTION_ADDED = declare("server.push.rejection_added", "a rejection recorded; not committed")
EVENTS_INSERTED = declare("server.push.events_inserted", "new events inserted; not committed")
DECIDED = declare("server.push.decided", "session requests decided; not committed")
SCOPES_REFRESHED = declare("server.push.scopes_refreshed", "visitors scoped; not committed")
#: Citizen fields only central sets (a kiosk's guest arrives without them).
CENTRAL_FIELDS = ("reference", "card_token", "merged_into")
#: What a stored rejection keeps instead of a refused value that looked like a CPR number.
SCRUBBED = "[fjernet: CPR-lignende værdi]"


@dataclass
class BatchContext:
    session: Session
    identity: DeviceIdentity
    now: datetime
    clock: HybridClock
    max_skew: timedelta = timedelta(minutes=5)
    accepted: list[tuple[Mutation, dict[str, Any]]] = field(default_factory=list)
    #: ids of events whose created_at was clamped (a replay then compares without it).
    clamped: set[str] = field(default_factory=set)
    rejected_ids: set[str] = field(default_factory=set)
    #: (kind, event id) → the merged citizen id the device sent (stored under the survivor).
    moved: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (kind, event id) → the clock values central holds where they differ from the sent ones.
    adjusted: dict[tuple[str, str], tuple[str, datetime]] = field(default_factory=dict)


def reject(context: BatchContext, mutation: Mutation, reason: str) -> None:
    row_id = str(mutation.row.get("id", ""))
    context.session.add(
        Rejection(
            device_id=context.identity.device_id,
            site_id=context.identity.site_id,
            seq=mutation.seq,
            kind=mutation.kind[:40] if SLUG.match(mutation.kind) else "(invalid)",
            row_id=row_id if UUID.match(row_id) else "(invalid)",
            payload=json.dumps(scrub(mutation.row), ensure_ascii=False, default=str),
            reason=reason[:400],
            rejected_at=context.now,
        )
    )
    context.rejected_ids.add(row_id)
    crash_point(REJECTION_ADDED)


def scrub(value: Any) -> Any:
    """``value`` as a rejection may keep it: no CPR-like text, no control characters."""
    if isinstance(value, dict):
        return {str(scrub(k)): scrub(v) for k, v in list(value.items())[:40]}
    if isinstance(value, list):
        return [scrub(v) for v in value[:40]]
    if isinstance(value, str):
        if cpr_like(value):
            return SCRUBBED
        cleaned = "".join("\ufffd" if unsafe_char(c) else c for c in value[:400])
        return cleaned
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int) and not -(2**53) <= value <= 2**53:
        return str(value)[:40]
    return value


def caller_of(context: BatchContext) -> Caller:
    return Caller(
        device_id=context.identity.device_id,
        site_id=context.identity.site_id,
        now=context.now,
        max_skew=context.max_skew,
    )


def validate_event(context: BatchContext, mutation: Mutation) -> dict[str, Any]:
    """The insert parameters for an event mutation, or ``Rejected`` (see ``rules``)."""
    checked = check_event(mutation.kind, mutation.row, caller_of(context))
    params = checked.params
    if checked.clamped:
        context.clamped.add(str(params["id"]))
    # A clock far ahead is clamped (``observe`` caps the drift); the HLC keeps its node.
    params["hlc"] = context.clock.observe(Stamp.parse(params["hlc"])).pack()
    params["received_at"] = context.now
    if mutation.kind in HOUR_ONLY:
        _cut_to_the_hour(params)
    sent = (mutation.row.get("hlc"), mutation.row.get("created_at"))
    if checked.clamped or _differs(sent, params):
        context.adjusted[(mutation.kind, str(params["id"]))] = (params["hlc"], params["created_at"])
    return params


def _cut_to_the_hour(params: dict[str, Any]) -> None:
    """No time finer than the hour for an anonymous row, not even when it arrived."""
    for name in ("created_at", "received_at"):
        params[name] = params[name].replace(minute=0, second=0, microsecond=0)
    stamp = Stamp.parse(params["hlc"])
    params["hlc"] = Stamp(stamp.ms - stamp.ms % 3_600_000, 0, stamp.node).pack()


def held_adjustments(context: BatchContext, mutations: list[Mutation]) -> None:
    """Note the stored clock values of re-sent, already acknowledged events that differ from
    what the device sent (its earlier answer, with the adjustments, was lost)."""
    by_kind: dict[str, dict[str, Mutation]] = {}
    for mutation in mutations:
        if mutation.kind in EVENT_MODELS:
            by_kind.setdefault(mutation.kind, {})[str(mutation.row.get("id", ""))] = mutation
    for kind, sent in by_kind.items():
        table = EVENT_MODELS[kind].__table__  # type: ignore[attr-defined]
        query = select(table.c.id, table.c.hlc, table.c.created_at).where(
            table.c.id.in_(list(sent))
        )
        for row_id, hlc, created_at in context.session.execute(query):
            row = sent[row_id].row
            held = {"hlc": hlc, "created_at": created_at}
            if _differs((row.get("hlc"), row.get("created_at")), held):
                context.adjusted[(kind, row_id)] = (hlc, created_at)


def adjustments(context: BatchContext) -> list[AdjustedRow]:
    """The stored clock values of the batch's accepted events that differ from the sent."""
    return [
        AdjustedRow(kind=kind, row_id=row_id, hlc=hlc, created_at=created_at.isoformat())
        for (kind, row_id), (hlc, created_at) in context.adjusted.items()
        if row_id not in context.rejected_ids
    ]


def apply_mutations(context: BatchContext, mutations: list[Mutation]) -> None:
    """Apply ``mutations`` (already past the device's last seq) in sequence order."""
    for mutation in mutations:
        try:
            if mutation.kind in RULES:
                context.accepted.append((mutation, validate_event(context, mutation)))
            elif mutation.kind == "citizen":
                _apply_citizen(context, mutation)
            else:
                raise Rejected("unknown kind of row (see docs/authorisation.md)")
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
    decide_fit_plans(context.session, [p for kind, p in stored if kind == "fit_plan_change"],
                     now=context.now)  # fmt: skip
    crash_point(DECIDED)
    _refresh_visit_scopes(context, fresh)
    crash_point(SCOPES_REFRESHED)
    # After the scopes: a site that newly holds a citizen receives them before their events.
    feed_site_events(context.session, context.identity.site_id, stored, now=context.now)


def _apply_citizen(context: BatchContext, mutation: Mutation) -> None:
    row = dict(mutation.row)
    held = (
        context.session.get(Citizen, str(row.get("id", "")))
        if UUID.match(str(row.get("id", "")))
        else None
    )
    for name in CENTRAL_FIELDS:
        # A kiosk re-pushing a guest as central published it (merged, given a card) is no
        # change; only setting these itself is refused.
        if held is not None and row.get(name) == getattr(held, name):
            row[name] = None
    if held is not None and held.merged_into is not None:
        return  # the merge stands; the kiosk learns it from the feed
    proposed = check_guest(row, caller_of(context))
    try:
        with context.session.begin_nested():
            accept_provisional_citizen(
                context.session, proposed, site_id=context.identity.site_id, now=context.now
            )
    except RequestRefused as refused:
        raise Rejected(str(refused)) from refused
    except IntegrityError as err:
        raise Rejected("the guest could not be added") from err


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
        elif _same(held, params, clamped=params["id"] in context.clamped):
            # A replay (its answer was lost): the device may still hold unclamped values.
            context.adjusted.pop(key, None)
            sent = (mutation.row.get("hlc"), mutation.row.get("created_at"))
            if held is not params and _differs(sent, held):
                context.adjusted[key] = (str(held["hlc"]), held["created_at"])
            continue
        else:
            reject(context, mutation, "an event with this id but other content already exists")
    return fresh


def _differs(sent: tuple[Any, Any], held: dict[str, Any]) -> bool:
    hlc, created_at = sent
    try:
        moment = datetime.fromisoformat(str(created_at))
    except ValueError:
        return True
    return bool(hlc != held["hlc"] or moment != held["created_at"])


def _same(a: dict[str, Any], b: dict[str, Any], *, clamped: bool = False) -> bool:
    keys = (set(a) | set(b)) - IGNORED_IN_COMPARISON - ({"created_at"} if clamped else set())
    return all(a.get(k) == b.get(k) for k in keys)


def _check_references(
    context: BatchContext, fresh: list[tuple[Mutation, dict[str, Any]]]
) -> list[tuple[Mutation, dict[str, Any]]]:
    """Keep the events whose every reference belongs to the site or its scope."""
    items = [(m.kind, p) for m, p in fresh]
    known = resolve(
        context.session,
        context.identity.site_id,
        items,
        sent_citizens=set(context.moved.values()),
    )
    kept: list[tuple[Mutation, dict[str, Any]]] = []
    for mutation, params in fresh:
        sent = context.moved.get((mutation.kind, str(params["id"])), "")
        reason = problem(mutation.kind, params, known, sent_citizen=sent)
        if reason:
            reject(context, mutation, reason)
        else:
            kept.append((mutation, params))
    return kept


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
    retracted = {
        p["citizen_id"]
        for m, p in fresh
        if m.kind == "check_in" and p["action"] == "retraction" and not p.get("_rejected")
    }
    context.session.flush()
    for citizen_id in sorted(retracted):
        refresh_scope(context.session, citizen_id, now=context.now)  # a visit undone may evict
    visitors -= retracted
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
