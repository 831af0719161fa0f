"""Anonymous contacts carry no identity; the walk-in queue numbers, calls and finishes."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kiosk.services.anonymous import AnonymousRefused, anonymous_choices, register_anonymous
from kiosk.services.queue import (
    QueueRefused,
    add_ticket,
    call_next,
    finish,
    public_view,
    queue_today,
)
from kiosk.services.staff import StaffMember
from models import AnonymousContact, AuditEntry, Outbox
from models.db import read_session
from tests.kiosk.frontdesk_data import seed_frontdesk

DESK = StaffMember("s-mh", "MH", "Mette Holm", frozenset({"front_desk"}))


@pytest.fixture
def kiosk(fresh_db):
    seed_frontdesk(fresh_db)
    return fresh_db


def test_anonymous_offers_exclude_identified_ones(kiosk):
    offers, topics = anonymous_choices(kiosk)
    assert [o.id for o in offers] == ["aaben-raadgivning", "aabent-samvaer", "beskaeftigelse"]
    assert [t.id for t in topics] == ["oekonomi", "bolig", "ensomhed"]


def test_anonymous_contact_stores_no_identity_and_only_the_hour(kiosk, frozen_now):
    at = frozen_now + timedelta(minutes=17, seconds=42)
    contact_id = register_anonymous(
        kiosk,
        offer_id="aaben-raadgivning",
        topic_ids=["bolig", "oekonomi"],
        age_band="30-49",
        now=at,
    )
    with read_session(kiosk) as session:
        contact = session.get(AnonymousContact, contact_id)
        audits = session.exec(select(AuditEntry)).all()
        queued = session.exec(select(Outbox)).one()
    assert contact.topics == "bolig,oekonomi" and contact.age_band == "30-49"
    assert (contact.created_at.minute, contact.created_at.second) == (0, 0)
    assert contact.hlc.startswith(
        f"{int(frozen_now.timestamp() * 1000) // 3_600_000 * 3_600_000:015d}"
    )
    assert not hasattr(contact, "staff_id") and not hasattr(contact, "citizen_id")
    assert audits == [] and "Mette" not in queued.payload and "s-mh" not in queued.payload


@pytest.mark.parametrize(
    ("offer", "topics", "band"),
    [("forloeb-82b", [], None), ("nope", [], None), ("aaben-raadgivning", ["x"], None),
     ("aaben-raadgivning", [], "teen")],
)  # fmt: skip
def test_bad_anonymous_contact_is_refused_and_nothing_stored(
    kiosk, frozen_now, offer, topics, band
):
    with pytest.raises(AnonymousRefused):
        register_anonymous(kiosk, offer_id=offer, topic_ids=topics, age_band=band, now=frozen_now)
    with read_session(kiosk) as session:
        assert session.exec(select(AnonymousContact)).all() == []


def test_queue_numbers_call_serve_and_leave(kiosk, frozen_now):
    first = add_ticket(kiosk, staff=DESK, now=frozen_now, name="  Ib   Ravn ")
    second = add_ticket(kiosk, staff=DESK, now=frozen_now + timedelta(minutes=2))
    third = add_ticket(kiosk, staff=DESK, now=frozen_now + timedelta(minutes=3))
    assert (first.number, second.number, third.number) == (1, 2, 3) and first.name == "Ib Ravn"
    called = call_next(kiosk, staff=DESK, now=frozen_now + timedelta(minutes=10))
    assert called.number == 1
    finish(
        kiosk,
        ticket_id=first.id,
        action="served",
        staff=DESK,
        now=frozen_now + timedelta(minutes=30),
    )
    finish(
        kiosk,
        ticket_id=second.id,
        action="left",
        staff=DESK,
        now=frozen_now + timedelta(minutes=31),
    )
    tickets = queue_today(kiosk, now=frozen_now + timedelta(minutes=40))
    assert [t.status for t in tickets] == ["served", "left", "waiting"]
    assert tickets[0].waited_minutes(frozen_now) == 10
    assert tickets[2].waited_minutes(frozen_now + timedelta(minutes=40)) == 37
    assert public_view(tickets).waiting == ("3",)


def test_queue_refuses_steps_that_do_not_fit(kiosk, frozen_now):
    ticket = add_ticket(kiosk, staff=DESK, now=frozen_now)
    with pytest.raises(QueueRefused):
        finish(kiosk, ticket_id=ticket.id, action="served", staff=DESK, now=frozen_now)
    finish(kiosk, ticket_id=ticket.id, action="left", staff=DESK, now=frozen_now)
    with pytest.raises(QueueRefused):
        finish(kiosk, ticket_id=ticket.id, action="left", staff=DESK, now=frozen_now)
    assert call_next(kiosk, staff=DESK, now=frozen_now) is None


def test_public_view_shows_ticket_numbers_only(kiosk, frozen_now):
    add_ticket(kiosk, staff=DESK, now=frozen_now, name="Søren Pedersen")
    add_ticket(kiosk, staff=DESK, now=frozen_now)
    call_next(kiosk, staff=DESK, now=frozen_now)
    view = public_view(queue_today(kiosk, now=frozen_now))
    assert view.called == ("1",) and view.waiting == ("2",)
    assert "Søren" not in repr(view)


def test_ticket_numbers_start_again_the_next_day(kiosk, frozen_now):
    add_ticket(kiosk, staff=DESK, now=frozen_now)
    tomorrow = add_ticket(kiosk, staff=DESK, now=frozen_now + timedelta(days=1))
    assert tomorrow.number == 1
