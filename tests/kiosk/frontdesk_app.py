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


def build_kiosk_app(
    engine, home, *, clock: MovableClock, language: str = "da", staff=None, **settings: object
) -> KioskApp:
    """The one way tests build the kiosk app: ``engine``, a settings home, the wall clock and
    the monotonic clock (idle lock, card scans) from ``clock``, the language, and optionally
    a staff member already logged in. ``settings`` override the test defaults."""
    values = {"idle_lock_seconds": 120, "clear_after_checkin_seconds": 600.0,
              "sync_interval_seconds": 0, **settings}  # fmt: skip
    services = KioskServices.build(Settings(home=home, **values), engine)
    app = KioskApp(services, clock=clock, language=language, monotonic=clock.monotonic)
    if staff is not None:
        app.guard.logged_in(staff)  # as the login dialog does
    return app


def make_app(engine, home, clock: MovableClock, **settings: object) -> KioskApp:
    return build_kiosk_app(engine, home, clock=clock, **settings)


async def settle(app, pilot) -> None:
    """Let workers finish and their results reach the screen."""
    # Workers post their results as messages; on a loaded machine those can take several
    # frames to be handled, so give them a few short rounds rather than one frame.
    for _ in range(6):
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)


async def log_in(app, pilot, initials: str = "MH", pin: str = "2001") -> None:
    await pilot.press(*initials, "enter", *pin, "enter")
    await settle(app, pilot)
