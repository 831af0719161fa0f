"""Snapshots at 120×36 and 80×24 of the new FIT states on F7: a group's trend (averages, a
session with one rater shown as no figure, flags) and a closed session with FIT on (the
hint and v in the footer)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.services.fit_plans import set_fit_plan
from models.feedback import FitTarget
from tests.kiosk.attendance_world import LEADER, seed_group, seed_reference
from tests.kiosk.test_fit_at_kiosk import rate
from tests.kiosk.test_fit_at_kiosk_screens import seed_questionnaires_only
from tests.kiosk.test_roster_screen import open_roster_screen

SIZES = {"120x36": (120, 36), "80x24": (80, 24)}
ROUTES = {"group_trend": ["u"], "closed_with_fit": ["m", "m", "l"]}


@pytest.fixture
def app(kiosk_app, fresh_db, frozen_now):
    seed_reference(fresh_db)
    seed_questionnaires_only(fresh_db)
    world = seed_group(fresh_db, frozen_now, participants=4, past_weeks=2, sensitive=True)
    first, second = world.past_sessions
    a, b, c, _d = world.citizens
    at = frozen_now - timedelta(hours=1)
    for i, (session_id, citizen, questionnaire, total) in enumerate([
        (first, a, "fit-outcome", 22), (first, b, "fit-outcome", 27),
        (first, a, "fit-session", 38), (first, b, "fit-session", 31),
        (second, a, "fit-outcome", 18), (second, c, "fit-outcome", 20),
        (world.today_session, b, "fit-outcome", 30),
    ]):  # fmt: skip
        rate(fresh_db, at + timedelta(seconds=i), session_id, citizen, questionnaire, total)
    set_fit_plan(fresh_db, target=FitTarget.GROUP, target_id=world.group_id, on=True,
                 staff=LEADER, now=frozen_now)  # fmt: skip
    return kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)


def steps(keys):
    async def run_before(pilot):
        await open_roster_screen(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_fit_snapshot(app, snap_compare, route, size):
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps(ROUTES[route]))
