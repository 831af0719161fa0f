"""Visits at this site in a period: check-ins and unique citizens per offer, anonymous
contacts per offer and per topic (what the committee asks of every satellite, SPEC §1)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models import AnonymousContact, CheckIn, Offer, Topic
from models.events import CheckInAction
from models.text import danish_sort_key
from models.timeutil import local_day_bounds


@dataclass(frozen=True, slots=True)
class OfferVisits:
    offer_id: str
    name_da: str
    name_en: str
    check_ins: int  # retracted check-ins do not count
    citizens: int  # distinct citizens checked in
    anonymous: int  # anonymous contacts


@dataclass(frozen=True, slots=True)
class TopicContacts:
    topic_id: str
    name_da: str
    name_en: str
    contacts: int  # anonymous contacts that named this topic (a contact may name several)


@dataclass(frozen=True, slots=True)
class Visits:
    offers: tuple[OfferVisits, ...]  # in the catalogue's order; offers with no visits left out
    topics: tuple[TopicContacts, ...]
    check_ins: int
    citizens: int  # distinct citizens over all offers
    anonymous: int


def site_visits(session: Session, site_id: str, start: date, last: date) -> Visits:
    """Visits at ``site_id`` over the Danish days ``start``..``last``."""
    lo, _ = local_day_bounds(start)
    _, hi = local_day_bounds(last)
    rows = session.exec(
        select(CheckIn.id, CheckIn.action, CheckIn.citizen_id, CheckIn.offer_id, CheckIn.ref_id)
        .where(CheckIn.site_id == site_id)
        .where(col(CheckIn.created_at) >= lo, col(CheckIn.created_at) < hi)
    ).all()
    retracted = {ref for _, action, _, _, ref in rows if action == CheckInAction.RETRACTION}
    live = [
        (citizen, offer)
        for id_, action, citizen, offer, _ in rows
        if action == CheckInAction.CHECK_IN and id_ not in retracted
    ]
    contacts = session.exec(
        select(AnonymousContact.offer_id, AnonymousContact.topics)
        .where(AnonymousContact.site_id == site_id)
        .where(col(AnonymousContact.contact_date) >= start)
        .where(col(AnonymousContact.contact_date) <= last)
    ).all()
    check_ins = Counter(offer for _, offer in live)
    citizens = {offer: {c for c, o in live if o == offer} for offer in check_ins}
    anonymous = Counter(offer for offer, _ in contacts)
    topic_counts = Counter(t for _, topics in contacts for t in topics.split(",") if t)
    return Visits(
        offers=_offers(session, check_ins, citizens, anonymous),
        topics=_topics(session, topic_counts),
        check_ins=len(live),
        citizens=len({c for c, _ in live}),
        anonymous=len(contacts),
    )


def _offers(
    session: Session,
    check_ins: Counter[str],
    citizens: dict[str, set[str]],
    anonymous: Counter[str],
) -> tuple[OfferVisits, ...]:
    wanted = set(check_ins) | set(anonymous)
    offers = session.exec(select(Offer).where(col(Offer.id).in_(wanted))).all()
    known = {o.id: o for o in offers}
    order = sorted(
        wanted,
        key=lambda o: (
            (known[o].sort_order, danish_sort_key(known[o].name_da)) if o in known else (10**6, o)
        ),
    )
    return tuple(
        OfferVisits(
            offer_id=o,
            name_da=known[o].name_da if o in known else o,
            name_en=known[o].name_en if o in known else o,
            check_ins=check_ins[o],
            citizens=len(citizens.get(o, ())),
            anonymous=anonymous[o],
        )
        for o in order
    )


def _topics(session: Session, counts: Counter[str]) -> tuple[TopicContacts, ...]:
    topics = {t.id: t for t in session.exec(select(Topic)).all()}
    order = sorted(
        counts,
        key=lambda t: (topics[t].sort_order, t) if t in topics else (10**6, t),
    )
    return tuple(
        TopicContacts(
            topic_id=t,
            name_da=topics[t].name_da if t in topics else t,
            name_en=topics[t].name_en if t in topics else t,
            contacts=counts[t],
        )
        for t in order
    )
