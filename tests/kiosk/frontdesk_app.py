"""Helpers for the front-desk Pilot tests: an app over the seeded Hornslet database."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.app import KioskApp
from kiosk.services.container import KioskServices
from models.config import Settings


class MovableClock:
    """A clock tests move forward by hand (idle auto-lock, undo window)."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.seconds = 0.0

    def __call__(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)
        self.seconds += seconds


def make_app(engine, home, clock: MovableClock, **settings: object) -> KioskApp:
    values = {"idle_lock_seconds": 120, "clear_after_checkin_seconds": 600.0, **settings}
    services = KioskServices.build(Settings(home=home, **values), engine)
    app = KioskApp(services, clock=clock)
    app.guard.monotonic = clock.monotonic
    return app


async def settle(app, pilot) -> None:
    """Let workers finish and their results reach the screen."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def log_in(app, pilot, initials: str = "MH", pin: str = "2001") -> None:
    await pilot.press(*initials, "enter", *pin, "enter")
    await settle(app, pilot)
