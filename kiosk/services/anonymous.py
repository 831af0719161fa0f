"""Anonymous contacts: offer, topics and an optional age band; no identity, none inferable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from kiosk.services.refusals import Refused
from models import AnonymousContact, Offer, SiteOffer, Topic
from models.catalogue import IdentityRule
from models.db import read_session, write_session
from models.ids import new_id_at_hour
from models.timeutil import local_today
from sync.hlc import Stamp
from sync.outbox import load_state, record

#: Optional age bands (years); coarse on purpose.
AGE_BANDS: tuple[str, ...] = ("u18", "18-29", "30-49", "50-66", "67+")
HOUR_MS = 3_600_000


class AnonymousRefused(Refused, ValueError):
    """The offer, a topic or the age band is not one this site can record."""


@dataclass(frozen=True, slots=True)
class Choice:
    """An offer or topic to pick, in display order."""

    id: str
    name_da: str
    name_en: str


def anonymous_choices(engine: Engine) -> tuple[list[Choice], list[Choice]]:
    """Offers at this site that allow anonymity, and the active topics."""
    with read_session(engine) as session:
        site_id = load_state(session).site_id
        offers = session.exec(
            select(Offer)
            .where(SiteOffer.site_id == site_id, SiteOffer.offer_id == Offer.id)
            .where(col(Offer.active), Offer.identity != IdentityRule.IDENTIFIED)
            .order_by(col(Offer.sort_order))
        ).all()
        topics = session.exec(
            select(Topic).where(col(Topic.active)).order_by(col(Topic.sort_order))
        ).all()
    return (
        [Choice(o.id, o.name_da, o.name_en) for o in offers],
        [Choice(t.id, t.name_da, t.name_en) for t in topics],
    )


def register_anonymous(
    engine: Engine,
    *,
    offer_id: str,
    topic_ids: list[str],
    age_band: str | None,
    now: datetime,
) -> str:
    """Record one anonymous contact and return its id.

    The id, ``created_at`` and HLC are truncated to the hour, and neither staff nor a
    precise time is kept. No audit entry either: it would tie a staff member and an exact
    minute to the contact, which is what the record must not reveal.
    """
    if age_band is not None and age_band not in AGE_BANDS:
        raise AnonymousRefused(f"unknown age band {age_band!r}")
    offers, topics = anonymous_choices(engine)
    if offer_id not in {o.id for o in offers}:
        raise AnonymousRefused(f"offer {offer_id!r} is not anonymous here")
    known = {t.id for t in topics}
    chosen = sorted(set(topic_ids))
    if not set(chosen) <= known:
        raise AnonymousRefused(f"unknown topic in {chosen!r}")
    hour_ms = int(now.timestamp() * 1000) // HOUR_MS * HOUR_MS
    with write_session(engine) as session:
        state = load_state(session)
        contact = AnonymousContact(
            id=new_id_at_hour(hour_ms),
            offer_id=offer_id,
            topics=",".join(chosen),
            age_band=age_band,
            contact_date=local_today(now),
            created_at=datetime.fromtimestamp(hour_ms / 1000, UTC),
            hlc=Stamp(hour_ms, 0, state.device_id or "kiosk").pack(),
        )
        record(session, [contact], now=now)
    return contact.id
