"""Snapshot of the roster screen (frozen clock, fixed data, 120×36)."""

from models.timeutil import frozen_clock
from tests.kiosk.attendance_world import LEADER, seed_group, seed_reference
from tests.kiosk.test_roster_screen import Host


def test_roster_screen_snapshot(snap_compare, fresh_db, frozen_now):
    from kiosk.screens.roster import RosterScreen

    seed_reference(fresh_db)
    world = seed_group(fresh_db, frozen_now, participants=8, past_weeks=2, sensitive=True)
    app = Host(
        lambda: RosterScreen(
            engine=fresh_db,
            session_id=world.today_session,
            staff=LEADER,
            clock=frozen_clock(frozen_now),
        )
    )

    async def mark_some(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("m", "m", "a", "s", "f")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=mark_some)
