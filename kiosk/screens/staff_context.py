"""Who is logged in and what a feature screen works with, taken from the running kiosk app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from textual.app import App

from kiosk.services.staff import StaffMember

if TYPE_CHECKING:
    from kiosk.app import KioskApp
    from kiosk.services.handles import Engine


def logged_in(app: App[object]) -> StaffMember | None:
    """The staff member logged in at the kiosk (``app.guard.staff``), or None when locked."""
    guard = getattr(app, "guard", None)
    staff = getattr(guard, "staff", None)
    return staff if isinstance(staff, StaffMember) else None


@dataclass(frozen=True, slots=True)
class FeatureContext:
    """The engine, clock and staff member a feature screen needs (injectable in tests)."""

    engine: Engine
    clock: Callable[[], datetime]
    staff: StaffMember | None

    @classmethod
    def of(cls, app: App[object]) -> FeatureContext:
        kiosk = cast("KioskApp", app)
        return cls(kiosk.services.engine, kiosk.clock, logged_in(app))
