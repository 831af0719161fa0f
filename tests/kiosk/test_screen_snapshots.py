"""Snapshots of every screen and dialog at 120×36 and 80×24 (demo data, frozen clock).

The offer picker's snapshots are in ``test_frontdesk_snapshots`` (its data has a citizen
with two things today). Regenerate with ``--snapshot-update`` and look at the SVGs before
committing them."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.kiosk.frontdesk_app import log_in, settle

SIZES = {"120x36": (120, 36), "80x24": (80, 24)}
LOGIN = ("LOGIN",)
#: How to reach each screen or dialog from a fresh kiosk (the demo's admin logs in).
ROUTES: dict[str, tuple[tuple[str, ...], ...]] = {
    "home": (),
    "login": (("f2",), ("A", "B")),
    "checkin": (("f2",), LOGIN, tuple("hansen")),
    "anonymous": (("f3",), LOGIN, ("1", "2")),
    "queue": (("f4",), LOGIN, ("ctrl+n",), ("enter",), ("ctrl+n",), ("enter",), ("ctrl+k",)),
    "queue_name_prompt": (("f4",), LOGIN, ("ctrl+n",), tuple("Ib")),
    "queue_public": (("f4",), LOGIN, ("ctrl+n",), ("enter",), ("ctrl+t",)),
    "reports": (("f6",), LOGIN),
    "sessions": (("f7",), LOGIN),
    "roster": (("f7",), LOGIN, ("enter",), ("m",)),
    "guest_dialog": (("f7",), LOGIN, ("enter",), ("g",), tuple("Ib Aa")),
    "reason_dialog": (("f7",), LOGIN, ("enter",), ("x",)),
    "courses": (("f8",), LOGIN),
    "sync": (("f10",),),
    "lock": (("f9",),),
}


def steps(route: tuple[tuple[str, ...], ...]):
    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        for keys in route:
            if keys == LOGIN:
                await log_in(pilot.app, pilot, "AB", "100101")
            else:
                await pilot.press(*keys)
            await settle(pilot.app, pilot)
        pilot.app.clear_notifications()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the snapshot flaky
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("screen", sorted(ROUTES))
def test_screen_snapshot(make_app, snap_compare, screen, size):
    app = make_app()
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps(ROUTES[screen]))
