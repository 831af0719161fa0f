"""Check-in, check-out and undo: each one transaction with its outbox and audit entries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kiosk.services.audit import audit
from kiosk.services.duplicates import AlsoAt as AlsoAt
from kiosk.services.duplicates import visits_today
from kiosk.services.plan import OfferChoice, TodayItem, load_today, walk_in_offers
from kiosk.services.refusals import Refused
from kiosk.services.staff import StaffMember
from models import CheckIn, Citizen, Offer
from models.db import write_session
from models.events import CheckInAction, CheckInMethod
from models.ids import new_id
from models.timeutil import local_today
from sync.outbox import load_state, record

CARD_TOKEN = re.compile(r"^[0-9A-Z]{4,64}$")
Target = TodayItem | OfferChoice


class CheckInRefused(Refused):
    """An undo or check-out that cannot be done; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CheckInRecord:
    """A check-in that stands (not retracted) today."""

    id: str
    citizen_id: str
    display_name: str
    offer_id: str
    label: str
    at: datetime
    wants_checkout: bool = False
    checked_out: bool = False
    #: Other devices of this site that checked the same visit in ("også tjekket ind ved …").
    also: tuple[AlsoAt, ...] = ()

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0] if self.display_name.split() else ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a check-in attempt did.

    ``status``: ``checked_in``; ``choose`` (pick one of ``items`` or ``offers``);
    ``duplicate`` (``record`` is the standing check-in); ``no_plan`` (nothing today and a
    locked kiosk cannot ask); ``unknown_card``.
    """

    status: str
    citizen_id: str | None = None
    first_name: str = ""
    record: CheckInRecord | None = None
    items: tuple[TodayItem, ...] = ()
    offers: tuple[OfferChoice, ...] = field(default_factory=tuple)


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; every stored one is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def normalise_card(token: str) -> str | None:
    """A scanned card token in its stored form, or None when it cannot be one."""
    cleaned = token.strip().upper()
    return cleaned if CARD_TOKEN.match(cleaned) else None


def _key(target: Target) -> tuple[str, str]:
    if isinstance(target, TodayItem):
        return (target.kind, target.ref_id)
    return ("offer", target.offer_id)


def _event_key(event: CheckIn) -> tuple[str, str]:
    if event.session_id:
        return ("session", event.session_id)
    if event.appointment_id:
        return ("appointment", event.appointment_id)
    return ("offer", event.offer_id)


def _standing(
    session: Session, *, citizen_id: str, device_id: str, now: datetime
) -> dict[tuple[str, str], tuple[CheckIn, tuple[AlsoAt, ...]]]:
    """Today's standing visits of a citizen by what they are for: the check-in this device
    shows (its own, else the earliest) and the other devices that checked the visit in."""
    visits = visits_today(session, device_id=device_id, now=now, citizen_id=citizen_id)
    return {_event_key(shown): (shown, also) for shown, also in visits.values()}


def _record(
    event: CheckIn, citizen: Citizen, label: str, offer: Offer | None, also: tuple[AlsoAt, ...]
) -> CheckInRecord:
    return CheckInRecord(
        event.id,
        event.citizen_id,
        citizen.display_name,
        event.offer_id,
        label,
        aware(event.created_at),
        bool(offer and offer.wants_checkout),
        also=also,
    )


def check_in(
    engine: Engine,
    *,
    citizen_id: str,
    staff: StaffMember | None,
    now: datetime,
    method: str = CheckInMethod.NAME,
    target: Target | None = None,
) -> Outcome:
    """Check a citizen in to ``target``, or to the one thing they have today.

    Without a target: one open item today → checked in; several → ``choose`` (a locked
    kiosk, ``staff`` None, takes the one nearest in time); none → ``choose`` among walk-in
    offers (locked: ``no_plan``). A second check-in to the same thing → ``duplicate``.
    """
    with write_session(engine) as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None or citizen.merged_into:
            raise CheckInRefused("unknown_citizen")
        state = load_state(session)
        site_id = state.site_id
        items = load_today(session, site_id=site_id, day=local_today(now), citizen_id=citizen_id)
        mine = items.get(citizen_id, [])
        standing = _standing(session, citizen_id=citizen_id, device_id=state.device_id, now=now)
        if target is None:
            decided = _decide(session, citizen, mine, standing, staff, site_id, now)
            if isinstance(decided, Outcome):
                # Staff now see what the citizen has today (or that they are checked in).
                audit(session, action="view", staff_id=staff.id if staff else None,
                      citizen_id=citizen.id, detail=decided.status, now=now)  # fmt: skip
                return decided
            target = decided
        first = _first_name(citizen.display_name)
        if _key(target) in standing:
            event, also = standing[_key(target)]
            label = target.code if isinstance(target, TodayItem) else target.name
            offer = session.get(Offer, event.offer_id)
            found = _record(event, citizen, label, offer, also)
            return Outcome("duplicate", citizen.id, first, found)
        done = _write_check_in(session, citizen, target, staff, method, now)
        return Outcome("checked_in", citizen.id, first, done)


def _first_name(display_name: str) -> str:
    words = display_name.split()
    return words[0] if words else ""


def _decide(
    session: Session,
    citizen: Citizen,
    mine: list[TodayItem],
    standing: dict[tuple[str, str], tuple[CheckIn, tuple[AlsoAt, ...]]],
    staff: StaffMember | None,
    site_id: str,
    now: datetime,
) -> Target | Outcome:
    """What to check in to when staff did not say: the target, or an outcome to show."""
    first = _first_name(citizen.display_name)
    open_items = [i for i in mine if _key(i) not in standing]
    if len(open_items) == 1 or (open_items and staff is None):
        return min(open_items, key=lambda i: abs(aware(i.starts_at) - now))
    if open_items:
        return Outcome("choose", citizen.id, first, items=tuple(open_items))
    if mine:
        latest, also = max(standing.values(), key=lambda shown: shown[0].hlc)
        offer = session.get(Offer, latest.offer_id)
        label = next((i.code for i in mine if _key(i) == _event_key(latest)), "")
        found = _record(latest, citizen, label, offer, also)
        return Outcome("duplicate", citizen.id, first, found)
    if staff is None:
        return Outcome("no_plan", citizen.id, first)
    offers = walk_in_offers(session, site_id=site_id)
    return Outcome("choose", citizen.id, first, offers=tuple(offers))


def _write_check_in(
    session: Session,
    citizen: Citizen,
    target: Target,
    staff: StaffMember | None,
    method: str,
    now: datetime,
) -> CheckInRecord:
    event = CheckIn(
        id=new_id(),
        action=CheckInAction.CHECK_IN,
        citizen_id=citizen.id,
        offer_id=target.offer_id,
        session_id=target.session_id if isinstance(target, TodayItem) else None,
        appointment_id=target.appointment_id if isinstance(target, TodayItem) else None,
        method=method,
        staff_id=staff.id if staff else None,
    )
    record(session, [event], now=now)
    label = target.code if isinstance(target, TodayItem) else target.name
    detail = f"{method} {_key(target)[0]} {_key(target)[1]}"
    audit(session, action="check_in", staff_id=event.staff_id, citizen_id=citizen.id,
          detail=detail, now=now)  # fmt: skip
    return CheckInRecord(
        event.id, citizen.id, citizen.display_name, target.offer_id, label, now,
        target.wants_checkout,
    )  # fmt: skip


def check_in_by_card(
    engine: Engine, *, token: str, staff: StaffMember | None, now: datetime
) -> Outcome:
    """One scan, one check-in: the card's citizen to what they have today.

    On a locked kiosk (``staff`` None) nothing is asked: the item nearest in time is taken.
    An unknown or malformed token changes nothing but an audit entry.
    """
    card = normalise_card(token)
    with write_session(engine) as session:
        citizen = None
        if card is not None:
            citizen = session.exec(select(Citizen).where(Citizen.card_token == card)).first()
        if citizen is None or citizen.merged_into:
            audit(session, action="card_unknown", staff_id=staff.id if staff else None, now=now)
            return Outcome("unknown_card")
        citizen_id = citizen.id
    method = CheckInMethod.CARD if staff else CheckInMethod.CARD_LOCKED
    return check_in(engine, citizen_id=citizen_id, staff=staff, now=now, method=method)
