"""The kiosk's sync: "sync now" against a real central server, and the status screen."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from textual.widgets import DataTable, Static

from models import CheckIn, LocalRejection
from models.config import Settings
from models.db import read_session, write_session
from models.timeutil import utcnow
from sync.credential import Credential
from sync.server import create_app
from tests.kiosk.frontdesk_app import MovableClock, build_kiosk_app
from tests.sync.server_thread import serve
from tests.sync.world import World, check_in, migrated_central

SIZE = (120, 36)


async def test_sync_now_sends_a_check_in_and_the_status_screen_shows_it(tmp_path: Path):
    now = utcnow()
    central = migrated_central(f"sqlite:///{tmp_path / 'central.db'}", now)
    world = World(central, tmp_path, now)
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet", "kiosk")
    event_id = check_in(kiosk, citizen_id, now)
    with write_session(kiosk.engine) as session:
        session.add(
            LocalRejection(
                seq=99, kind="check_in", row_id="x", reason="unknown citizen", rejected_at=now
            )
        )
    home = tmp_path / "home"
    settings = Settings(home=home, sync_interval_seconds=0)
    with serve(create_app(Settings(home=tmp_path), engine=central)) as url:
        Credential(url, kiosk.device_id, "hornslet", kiosk.token).save(settings.credential_path)
        app = build_kiosk_app(kiosk.engine, home, clock=MovableClock(now))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+s")
            await pilot.app.workers.wait_for_complete()
            await pilot.press("f10")
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            waiting = str(app.screen.query_one("#sync-waiting", Static).render())
            last_ok = str(app.screen.query_one("#sync-last-ok", Static).render())
            table = app.screen.query_one("#sync-rejected", DataTable)
            rejected = [str(c) for c in table.get_row_at(0)]
    with read_session(central) as session:
        assert session.exec(select(CheckIn).where(CheckIn.id == event_id)).one()
    assert waiting == "Venter på at blive sendt: 0"
    assert "aldrig" not in last_ok
    assert rejected[:3] == ["99", "check_in", "unknown citizen"]
    kiosk.engine.dispose()
    central.dispose()


async def test_the_status_screen_says_when_a_kiosk_is_not_enrolled(tmp_path, demo_db):
    app = build_kiosk_app(demo_db, tmp_path, clock=MovableClock(utcnow()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "ikke tilmeldt" in str(app.screen.query_one("#sync-server", Static).render())
        assert "aldrig" in str(app.screen.query_one("#sync-last-ok", Static).render())


def test_sync_screen_snapshot(snap_compare, make_app) -> None:
    async def open_sync(pilot) -> None:
        await pilot.pause()
        await pilot.press("f10")
        # The status is read in a worker and drawn when its message arrives: wait for it,
        # however slow the machine, rather than for a fixed number of frames.
        for _ in range(200):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.02)
            waiting = pilot.app.screen.query("#sync-waiting")
            if waiting and str(waiting.first().render()).strip():
                break
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_sync)
