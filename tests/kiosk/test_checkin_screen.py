"""Pilot: login, check-in by name and by scan, duplicate, undo, lock, auto-lock."""

import pytest
from sqlmodel import select

from kiosk.screens.checkin import CheckInScreen
from kiosk.screens.lock import LockScreen
from kiosk.screens.login import LoginScreen
from models import AuditEntry, CheckIn
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


def events(engine, model=CheckIn):
    with read_session(engine) as session:
        return list(session.exec(select(model).order_by(model.hlc)))


def screen_text(app) -> str:
    lines = [str(w.render()) for w in app.screen.query("Static")]
    lines += [" ".join(row) for w in app.screen.query("ResultList") for row in w.rows]
    return "\n".join(lines)


async def test_check_in_by_name_after_logging_in(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        assert isinstance(app.screen, LoginScreen)
        await log_in(app, pilot)
        assert isinstance(app.screen, CheckInScreen) and app.guard.staff.initials == "MH"
        await settle(app, pilot)
        await pilot.press(*"soren ped")
        results = app.screen.query_one("#results")
        assert results.row_count >= 1
        assert results.rows[0][:2] == ("Søren Pedersen", "1960") and "G-H1" in results.rows[0][2]
        await pilot.press("enter")
        await settle(app, pilot)
        [event] = events(kiosk)
        assert (event.citizen_id, event.session_id) == ("c-soeren", "gs-today")
        assert "Søren Pedersen er tjekket ind" in str(app.screen.query_one("#status").render())
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert [e.action for e in events(kiosk)] == ["check_in", "retraction"]
        actions = [e.action for e in events(kiosk, AuditEntry)]
        assert set(actions) == {"check_in", "login", "search", "undo_check_in"}


async def test_second_check_in_is_refused_on_screen(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        for _ in range(2):
            await pilot.press(*"pedersen", "enter")
            await settle(app, pilot)
            app.screen.query_one("#search").value = ""
        assert len(events(kiosk)) == 1
        assert "allerede tjekket ind" in str(app.screen.query_one("#status").render())


async def test_citizen_with_two_things_today_gets_the_picker(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press(*"mette kri", "enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "PickerScreen"
        await pilot.press("2")
        await settle(app, pilot)
        [event] = events(kiosk)
        assert event.appointment_id == "a-mette"


async def test_empty_search_checks_nobody_in(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert events(kiosk) == []


async def test_scan_on_the_check_in_screen_checks_in(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press(*"ZZ9999ZZ", "enter")  # an unknown card
        await settle(app, pilot)
        assert "Kortet kendes ikke" in str(app.screen.query_one("#status").render())
        assert app.screen.query_one("#search").value == ""
        assert events(kiosk) == []


async def test_wrong_pin_five_times_locks_the_login(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        for _ in range(5):
            app.screen.query_one("#initials").value = ""
            app.screen.query_one("#initials").focus()
            await log_in(app, pilot, pin="9999")
        assert isinstance(app.screen, LoginScreen)
        message = str(app.screen.query_one("#login-message").render())
        assert "For mange forkerte forsøg" in message
        app.screen.query_one("#initials").value = ""
        app.screen.query_one("#initials").focus()
        await log_in(app, pilot)
        assert isinstance(app.screen, LoginScreen) and app.guard.staff is None


async def test_lock_hides_everything_personal_and_still_takes_scans(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press(*"mette")
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen) and app.guard.staff is None
        assert len(app.screen_stack) == 3  # default, home, lock: the check-in screen is gone
        text = screen_text(app)
        assert "Mette" not in text and "Søren" not in text and "ADHD" not in text
        await pilot.press(*"ZZ9999ZZ", "enter")  # unknown card while locked
        await settle(app, pilot)
        assert "Kortet kendes ikke" in str(app.screen.query_one("#scan-answer").render())
        await pilot.press(*"SP1234AB", "enter")  # Søren's card while locked
        await settle(app, pilot)
        assert str(app.screen.query_one("#scan-answer").render()) == "Tak, du er tjekket ind"
        assert "Søren" not in screen_text(app) and "Pedersen" not in screen_text(app)
        [event] = events(kiosk)
        assert (event.citizen_id, event.method, event.staff_id) == ("c-soeren", "card_locked", None)
        await pilot.press("f2")  # features stay closed under the lock
        assert isinstance(app.screen, LockScreen)


async def test_scan_on_home_while_logged_out_checks_in(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"MK7777CD", "enter")
        await settle(app, pilot)
        [event] = events(kiosk)
        assert (event.citizen_id, event.session_id) == ("c-mette-k", "gs-today")
        await pilot.press(*"MK7777CD", "enter")  # later: her 13:00 appointment
        await settle(app, pilot)
        assert [e.appointment_id for e in events(kiosk)] == [None, "a-mette"]
        await pilot.press(*"MK7777CD", "enter")  # nothing left today: refused, nothing written
        await settle(app, pilot)
        assert len(events(kiosk)) == 2


async def test_auto_lock_after_idle_seconds(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock, idle_lock_seconds=60)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        clock.advance(59)
        app.guard.check_idle()
        assert isinstance(app.screen, CheckInScreen)
        clock.advance(2)
        app.guard.check_idle()
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert [e.detail for e in events(kiosk, AuditEntry) if e.action == "lock"] == ["idle"]


async def test_screen_forgets_the_citizen_a_moment_after_a_check_in(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock, clear_after_checkin_seconds=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press(*"soren ped", "enter")
        await settle(app, pilot)
        await pilot.pause(0.3)
        assert app.screen.query_one("#search").value == ""
        assert "Søren" not in screen_text(app)
        assert app.screen.last is not None  # Ctrl+Z still undoes it


async def test_an_enter_that_reaches_the_initials_after_a_fast_pin_still_logs_in(
    kiosk, tmp_path, clock
):
    """Typed in one burst, the Enter after the PIN can land on the initials field before
    the focus has moved; it must log in, not just move to the PIN field."""
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await pilot.press("M", "H")
        app.screen.query_one("#pin").value = "2001"  # the burst's PIN, focus still on initials
        assert app.focused is app.screen.query_one("#initials")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckInScreen) and app.guard.staff.initials == "MH"


async def test_enter_on_the_initials_with_no_pin_yet_moves_to_the_pin(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2", "M", "H", "enter")
        assert isinstance(app.screen, LoginScreen)
        assert app.focused is app.screen.query_one("#pin")
