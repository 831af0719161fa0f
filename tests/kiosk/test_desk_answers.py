"""Issue 13: every front-desk action answers where it can be read, whatever was opened before."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable

from kiosk.screens.anonymous import AnonymousScreen
from kiosk.screens.checkin import CheckInScreen
from kiosk.screens.home import HomeScreen
from kiosk.screens.lock import LockScreen
from kiosk.screens.queue import QueueScreen
from kiosk.widgets.keybar import KeyBar
from models import AnonymousContact, Citizen
from models.db import read_session, write_session
from tests.kiosk.frontdesk_app import MovableClock, log_in, settle
from tests.kiosk.frontdesk_data import seed_frontdesk


@pytest.fixture
def kiosk(fresh_db):
    seed_frontdesk(fresh_db)
    return fresh_db


@pytest.fixture
def clock(frozen_now):
    return MovableClock(frozen_now)


@pytest.fixture
def app(kiosk, kiosk_app, clock):
    return kiosk_app(kiosk, clock=clock)


def shown_status(app) -> str:
    """The screen's status line, asserted to be on screen: displayed, inside the screen and
    not under the footer."""
    screen = app.screen
    status = screen.query_one("#status")
    region = status.region
    assert status.display and region.height >= 1 and region.width > 0
    assert screen.region.contains_region(region)
    assert not region.overlaps(screen.query_one(KeyBar).region)
    return str(status.render())


def contacts(engine):
    with read_session(engine) as session:
        return list(session.exec(select(AnonymousContact)))


async def test_feedback_shows_after_anonymous_and_queue_were_opened_first(app, kiosk):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        for key in ("escape", "f3", "escape", "f4", "escape", "f2"):
            await pilot.press(key)
            await settle(app, pilot)
        await pilot.press(*"søren")
        await settle(app, pilot)
        assert "fundet" in shown_status(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "tjekket ind" in shown_status(app)
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("1", "2", "enter")
        await settle(app, pilot)
        assert "gemt" in shown_status(app).lower()


async def test_a_card_scan_on_the_anonymous_screen_leaves_nothing_chosen(app, kiosk):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        await log_in(app, pilot)
        await pilot.press(*"SP1234AB", "enter")  # Søren's card: digits 1–4 are keys here
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AnonymousScreen)
        assert screen.offer is None and screen.chosen == []
        await pilot.press("enter")
        await settle(app, pilot)
        assert contacts(kiosk) == []
        assert "tilbud" in shown_status(app).lower()


async def add_tickets(app, pilot, count: int) -> None:
    for _ in range(count):
        await pilot.press("ctrl+n", "enter")
        await settle(app, pilot)


def ticket_states(app) -> list[str]:
    table = app.screen.query_one("#tickets", DataTable)
    return [str(table.get_row_at(i)[2]) for i in range(table.row_count)]


async def test_the_queue_acts_on_the_ticket_just_called_and_says_so(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await log_in(app, pilot)
        await add_tickets(app, pilot, 3)
        for key in ("ctrl+k", "ctrl+e", "ctrl+k"):
            await pilot.press(key)
            await settle(app, pilot)
        assert ticket_states(app) == ["betjent", "kaldt", "venter"]
        await pilot.press("ctrl+x")  # the ticket just called (2) left
        await settle(app, pilot)
        assert ticket_states(app) == ["betjent", "gået", "venter"]
        assert "2" in shown_status(app)
        await pilot.press("ctrl+e")  # 2 has left: refused, and said
        await settle(app, pilot)
        said = shown_status(app)
        assert "2" in said and "gået" in said
        assert app.screen.query_one("#status").has_class("-warning")


async def test_the_public_view_hides_staff_keys_and_outlives_the_idle_lock(app, clock):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await log_in(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert not app.screen.query_one(KeyBar).display
        clock.advance(130)
        app.guard.check_idle()
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen) and app.guard.staff is None
        await pilot.press("ctrl+t")  # staff come back: the lock screen, not the names
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)


async def test_function_keys_switch_screens_and_escape_goes_home(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        for key in ("f3", "f2", "f4", "f2", "f3", "f4"):
            await pilot.press(key)
            await settle(app, pilot)
        assert len(app.screen_stack) == 3 and isinstance(app.screen, QueueScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_letters_typed_on_home_start_a_check_in_search(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press(*"mette")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one("#search").value == "mette"
        assert "2 fundet" in shown_status(app)


async def test_letters_on_home_ask_for_a_login_first_and_keep_the_letter(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        await log_in(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one("#search").value == "j"


async def test_the_count_is_every_match_not_the_rows_shown(app, kiosk):
    with write_session(kiosk) as session:
        for n in range(25):
            session.add(Citizen(id=f"c-k{n}", display_name=f"Test{n} Kristensen", birth_year=1980))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press(*"kristensen")
        await settle(app, pilot)
        said = shown_status(app)
        assert "27 fundet" in said and "20" in said  # 25 + Mette K. + Mette C.; 20 shown


async def test_enter_on_an_empty_search_asks_for_a_name(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        said = shown_status(app)
        assert "»«" not in said and "navn" in said


async def test_the_today_column_shows_who_is_checked_in(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press(*"søren ped", "enter")
        await settle(app, pilot)
        rows = app.screen.query_one("#results").rows
        assert rows and "✓" in rows[0][2]


async def test_home_counts_an_arrival_after_a_card_scan_without_f5(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#sessions", DataTable)
        assert str(table.get_row_at(0)[4]) == "0"
        await pilot.press(*"SP1234AB", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert str(app.screen.query_one("#sessions", DataTable).get_row_at(0)[4]) == "1"


async def test_a_lower_case_scan_on_the_lock_screen_leaves_no_initials(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press(*"sp1234ab", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LockScreen)
        assert screen.query_one("#initials").value == ""
        assert "Tak, du er tjekket ind" in str(screen.query_one("#scan-answer").render())


async def test_the_lock_screen_offers_no_quit_in_the_palette(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert app.check_action("quit", ()) is False
        assert app.check_action("open", ("checkin",)) is False


async def test_home_at_80_columns_keeps_site_and_date_apart(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        site = screen.query_one("#site").content_region
        date = screen.query_one("#date").content_region
        assert date.x - site.right >= 2 and date.right <= screen.region.right  # a gap between
        table = screen.query_one("#sessions", DataTable)
        assert table.region.height >= table.row_count + 1  # header + every session
