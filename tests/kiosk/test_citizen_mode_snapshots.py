"""Snapshots of the citizen mode at 120×36 and 80×24: a scale question with one digit typed
part-way (a FIT rating, 0–10), the visit questionnaire's yes/no question, and in English."""

import pytest

from tests.kiosk.frontdesk_app import MovableClock, log_in, make_app, settle
from tests.kiosk.frontdesk_data import seed_frontdesk
from tests.kiosk.questionnaire_data import seed_questionnaires, turn_on_fit

SIZES = {"120x36": (120, 36), "80x24": (80, 24)}
#: Check Aase in to open counselling and hand the screen to her (F5).
VISIT = (["f2"], "LOGIN", [*"aase"], ["enter"], ["1"], ["f5"])
ROUTES = {
    "visit_first_question": VISIT,
    "visit_yes_no": (*VISIT, ["4", "5"]),
    "visit_in_english": (*VISIT, ["f12"]),
    "fit_two_digits": (["f2"], "LOGIN", [*"søren"], ["enter"], ["1"]),
}


@pytest.fixture
def app(fresh_db, tmp_path, frozen_now):
    seed_frontdesk(fresh_db)
    seed_questionnaires(fresh_db)
    turn_on_fit(fresh_db)
    return make_app(fresh_db, tmp_path, MovableClock(frozen_now))


def steps(route):
    async def run_before(pilot):
        for keys in route:
            if keys == "LOGIN":
                await log_in(pilot.app, pilot)
            else:
                await pilot.press(*keys)
            await settle(pilot.app, pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_citizen_mode_snapshot(app, snap_compare, route, size):
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps(ROUTES[route]))
