"""Pilot: anonymous contact in three keys; the queue from ticket to served; public view."""

import pytest
from sqlmodel import select

from kiosk.screens.anonymous import AnonymousScreen
from kiosk.screens.queue import QueueScreen
from models import AnonymousContact, QueueTicket
from models.db import read_session
from tests.kiosk.frontdesk_app import MovableClock, log_in, make_app, settle
from tests.kiosk.frontdesk_data import seed_frontdesk


@pytest.fixture
def kiosk(fresh_db):
    seed_frontdesk(fresh_db)
    return fresh_db


@pytest.fixture
def clock(frozen_now):
    return MovableClock(frozen_now)


def contacts(engine):
    with read_session(engine) as session:
        return list(session.exec(select(AnonymousContact)))


async def test_anonymous_contact_in_three_keystrokes(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        await log_in(app, pilot)
        assert isinstance(app.screen, AnonymousScreen)
        await pilot.press("1", "2", "c")  # open counselling, housing, age 30-49
        await settle(app, pilot)
        [contact] = contacts(kiosk)
        assert (contact.offer_id, contact.topics, contact.age_band) == (
            "aaben-raadgivning", "bolig", "30-49"
        )  # fmt: skip
        assert "gemt" in str(app.screen.query_one("#status").render())
        await pilot.press("2", "1", "3", "enter")  # drop-in, two topics, no age band
        await settle(app, pilot)
        assert sorted(c.topics for c in contacts(kiosk)) == ["bolig", "ensomhed,oekonomi"]


async def test_anonymous_contact_needs_an_offer_and_a_topic(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        await log_in(app, pilot)
        await pilot.press("enter")
        await pilot.press("1", "enter")
        await settle(app, pilot)
        assert contacts(kiosk) == []
        assert "emne" in str(app.screen.query_one("#status").render())


async def test_a_scan_on_the_anonymous_screen_is_not_a_contact(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        await log_in(app, pilot)
        await pilot.press(*"12345XYZ", "enter")  # digits of an unknown card
        await settle(app, pilot)
        assert contacts(kiosk) == [] and app.screen.offer is None


async def test_queue_ticket_call_served_left_and_public_view(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await log_in(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("ctrl+n", *"Ib Ravn", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+n", "enter")
        await settle(app, pilot)
        clock.advance(600)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert "Kalder nr. 1" in str(app.screen.query_one("#status").render())
        table = app.screen.query_one("#tickets")
        assert [table.get_row_at(i)[2] for i in range(2)] == ["kaldt", "venter"]
        assert table.get_row_at(0)[3] == "10 min"
        await pilot.press("ctrl+e")  # the highlighted (first) ticket was served
        await settle(app, pilot)
        await pilot.press("down", "ctrl+x")  # the second left without being served
        await settle(app, pilot)
        assert [table.get_row_at(i)[2] for i in range(2)] == ["betjent", "gået"]
        await pilot.press("ctrl+t")
        assert not app.screen.query_one("#tickets").display
        shown = [str(w.render()) for w in app.screen.query("#public-view Static")]
        shown += [w.value for w in app.screen.query("#public-view Digits")]
        assert "Ib" not in " ".join(shown) and shown[2:] == ["-", "-"]
        with read_session(kiosk) as session:
            assert [t.name for t in session.exec(select(QueueTicket))] == ["Ib Ravn", None]
