"""Start-up draws home before the services (SQLAlchemy, the database) are open: early input
waits for them in order, nothing is read from the store before they are, and a kiosk whose
database cannot be opened quits with the reason (``kiosk.launch`` raises it)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from cli.errors import UserError
from kiosk.app import KioskApp
from kiosk.launch import has_identity
from kiosk.screens.home import HomeScreen
from kiosk.services.container import KioskServices
from models.config import Settings
from tests.kiosk.frontdesk_app import MovableClock

SIZE = (120, 36)


class Gate:
    """``open_services`` that waits until the test lets it finish (or fail)."""

    def __init__(self, build: Callable[[], KioskServices]) -> None:
        self.build, self.release, self.failure = build, threading.Event(), None
        self.called = threading.Event()

    def __call__(self) -> KioskServices:
        self.called.set()
        assert self.release.wait(30)
        if self.failure is not None:
            raise self.failure
        return self.build()


@pytest.fixture
def gated(demo_db: Engine, tmp_path: Path, frozen_now: datetime) -> Iterator[tuple[KioskApp, Gate]]:
    settings = Settings(home=tmp_path, sync_interval_seconds=0, idle_lock_seconds=120)
    gate = Gate(lambda: KioskServices.build(settings, demo_db))
    clock = MovableClock(frozen_now)
    yield KioskApp(None, open_services=gate, clock=clock, monotonic=clock.monotonic), gate
    gate.release.set()


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(6):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.02)


async def _wait(pilot: Pilot[Any], done: Callable[[], bool]) -> None:
    del pilot  # the app may quit meanwhile: plain sleeps, not the pilot's frames
    for _ in range(1500):
        if done():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


async def test_home_is_drawn_before_the_services_are_open(gated: tuple[KioskApp, Gate]) -> None:
    app, gate = gated
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "uge" in str(app.screen.query_one("#date", Static).render())
        assert not app.services_ready
        assert gate.called.wait(10)  # opened right after the first frame
        assert app.screen.view is None  # nothing read from the store yet
        gate.release.set()
        await _wait(pilot, lambda: app.services_ready)
        await _settle(pilot)
        assert app.screen.view is not None
        assert app.screen.query_one("#sessions", DataTable).row_count > 0


async def test_a_key_typed_before_the_services_are_open_is_handled_after(
    gated: tuple[KioskApp, Gate],
) -> None:
    app, gate = gated
    seen_before: list[str] = []

    def release_later() -> None:
        assert gate.called.wait(10)
        threading.Event().wait(0.3)  # the key has arrived by now and waits
        seen_before.append(type(app.screen).__name__)
        gate.release.set()

    async with app.run_test(size=SIZE) as pilot:
        threading.Thread(target=release_later).start()
        await pilot.press("m")  # at once: a letter on home starts a check-in, login first
        await _wait(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        await _settle(pilot)
        assert app.focused is not None and app.focused.id == "initials"
    assert seen_before == ["HomeScreen"]  # it waited for the services, and was not lost


async def test_the_language_key_works_before_the_services_are_open(
    gated: tuple[KioskApp, Gate],
) -> None:
    app, gate = gated
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f12")
        await _wait(pilot, lambda: "week" in str(app.screen.query_one("#date", Static).render()))
        assert not app.services_ready
        gate.release.set()


async def test_services_that_cannot_be_opened_quit_the_app_with_the_reason(
    gated: tuple[KioskApp, Gate],
) -> None:
    app, gate = gated
    gate.failure = UserError("no identity")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        gate.release.set()
        await _wait(pilot, lambda: app.return_code == 2)
    assert isinstance(app.services_error, UserError)
    assert app.services_opened() is None


def test_has_identity_only_for_a_kiosk_database_with_a_sync_state(
    tmp_path: Path, demo_db: Engine
) -> None:
    assert has_identity(Settings(home=tmp_path))  # demo_db is tmp_path / kiosk.db
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not has_identity(Settings(home=empty))  # no database: opened the usual way
    sqlite3.connect(empty / "kiosk.db").close()
    assert not has_identity(Settings(home=empty))  # no schema
    assert not has_identity(Settings(home=tmp_path, kiosk_db_url="postgresql://x/y"))
