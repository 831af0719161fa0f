"""Snapshots of each front-desk screen (frozen clock, fixed data, 120×36)."""

import pytest
from textual.widgets import Input

from tests.kiosk.frontdesk_app import MovableClock, log_in, make_app, settle
from tests.kiosk.frontdesk_data import seed_frontdesk

SIZE = (120, 36)


@pytest.fixture
def app(fresh_db, tmp_path, frozen_now):
    seed_frontdesk(fresh_db)
    return make_app(fresh_db, tmp_path, MovableClock(frozen_now))


def steps(*keys_then_settle):
    async def run_before(pilot):
        for keys in keys_then_settle:
            if keys == "LOGIN":
                await log_in(pilot.app, pilot)
            else:
                await pilot.press(*keys)
            await settle(pilot.app, pilot)
        pilot.app.clear_notifications()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the snapshot flaky
        await pilot.pause()

    return run_before


def test_login_dialog(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(["f2"], ["M", "H"]))


def test_check_in_screen_with_results(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(["f2"], "LOGIN", [*"jens"]))


def test_check_in_screen_suggests_a_spelling(app, snap_compare):
    run = steps(["f2"], "LOGIN", [*"nielesn"])
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["120x36", "80x24"])
def test_offer_picker(app, snap_compare, size):
    run = steps(["f2"], "LOGIN", [*"mette kri", "enter"])
    assert snap_compare(app, terminal_size=size, run_before=run)


def test_lock_screen_after_a_scan(app, snap_compare):
    run = steps(["f2"], "LOGIN", ["f9"], [*"SP1234AB", "enter"])
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_anonymous_contact_screen(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(["f3"], "LOGIN", ["1", "2"]))


def test_queue_screen(app, snap_compare):
    run = steps(["f4"], "LOGIN", ["ctrl+n", *"Ib", "enter"], ["ctrl+n", "enter"], ["ctrl+k"])
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_queue_public_view(app, snap_compare):
    run = steps(["f4"], "LOGIN", ["ctrl+n", "enter"], ["ctrl+n", "enter"], ["ctrl+k"], ["ctrl+t"])
    assert snap_compare(app, terminal_size=SIZE, run_before=run)
