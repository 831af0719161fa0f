"""Kiosk fixtures: a Hornslet kiosk database seeded with the demo data for the frozen day."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from kiosk.app import KioskApp
from kiosk.i18n import set_language
from kiosk.services.container import KioskServices
from models.config import Settings
from models.db import make_engine
from models.demo import DemoData, build_demo
from models.migrate import upgrade
from models.timeutil import frozen_clock, local_today
from sync.demo_seed import seed_kiosk
from tests.conftest import FROZEN_NOW, KIOSK_DEVICE


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
def make_app(
    tmp_path: Path, demo_db: Engine, frozen_now: datetime
) -> Iterator[Callable[..., KioskApp]]:
    """Build the app on the demo database with the frozen clock, in Danish."""
    settings = Settings(home=tmp_path)

    def build(language: str = "da") -> KioskApp:
        services = KioskServices.build(settings, demo_db)
        return KioskApp(services, clock=frozen_clock(frozen_now), language=language)

    yield build
    set_language("da")
