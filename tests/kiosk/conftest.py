"""Kiosk fixtures: a Hornslet kiosk database seeded with the demo data for the frozen day."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from kiosk.app import KioskApp
from kiosk.i18n import set_language
from models.db import make_engine
from models.demo import DemoData, build_demo
from models.migrate import upgrade
from models.timeutil import local_today
from sync.demo_seed import seed_kiosk
from tests.conftest import FROZEN_NOW, KIOSK_DEVICE
from tests.kiosk.frontdesk_app import MovableClock, build_kiosk_app


@pytest.fixture(scope="session")
def demo_data() -> DemoData:
    return build_demo(local_today(FROZEN_NOW))


@pytest.fixture
def demo_db(tmp_path: Path, demo_data: DemoData) -> Iterator[Engine]:
    """A migrated kiosk database holding Hornslet's share of the demo data."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kiosk.db'}")
    upgrade(engine, "kiosk")
    seed_kiosk(engine, demo_data, "hornslet", now=FROZEN_NOW, device_id=KIOSK_DEVICE)
    yield engine
    engine.dispose()


@pytest.fixture
def kiosk_app(tmp_path: Path, frozen_now: datetime) -> Iterator[Callable[..., KioskApp]]:
    """``kiosk_app(engine, clock=…, language=…, staff=…, home=…, **settings)``: the kiosk
    app on ``engine`` with a movable frozen clock (wall and monotonic), in Danish by
    default; the language is set back to Danish afterwards."""

    def build(
        engine: Engine, *, clock: MovableClock | None = None, home: Path | None = None,
        **options: object,
    ) -> KioskApp:  # fmt: skip
        return build_kiosk_app(
            engine, home or tmp_path, clock=clock or MovableClock(frozen_now), **options
        )

    yield build
    set_language("da")


@pytest.fixture
def make_app(kiosk_app: Callable[..., KioskApp], demo_db: Engine) -> Callable[..., KioskApp]:
    """Build the app on the demo database with the frozen clock (Danish unless told)."""
    return lambda language="da": kiosk_app(demo_db, language=language)
