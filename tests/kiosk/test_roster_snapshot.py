"""Snapshot of the roster screen (frozen clock, fixed data, 120×36)."""

from tests.kiosk.attendance_world import LEADER, seed_group, seed_reference
from tests.kiosk.test_roster_screen import open_roster_screen


def test_roster_screen_snapshot(kiosk_app, snap_compare, fresh_db, frozen_now, tmp_path):
    seed_reference(fresh_db)
    seed_group(fresh_db, frozen_now, participants=8, past_weeks=2, sensitive=True)
    app = kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)

    async def mark_some(pilot):
        await open_roster_screen(pilot)
        await pilot.press("m", "m", "a", "s", "f")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=mark_some)
