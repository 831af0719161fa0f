"""The services a running kiosk app uses, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from kiosk.services.feedback_desk import FeedbackDesk
from kiosk.services.frontdesk import FrontDesk
from kiosk.services.groups import GroupDesk
from kiosk.services.sync import SyncService
from kiosk.services.today import TodayService
from models.config import Settings


@dataclass
class KioskServices:
    """Handed to the app; screens reach their use cases through it (``app.services``).

    Each feature adds its service as a field here and builds it in ``build``.
    """

    settings: Settings
    engine: Engine
    today: TodayService
    frontdesk: FrontDesk
    sync: SyncService
    groups: GroupDesk
    feedback: FeedbackDesk

    @classmethod
    def build(cls, settings: Settings, engine: Engine) -> KioskServices:
        frontdesk = FrontDesk(engine, settings)
        return cls(
            settings=settings,
            engine=engine,
            today=TodayService(engine),
            frontdesk=frontdesk,
            sync=SyncService(settings, engine),
            # A guest added at a roster is a citizen the check-in search must find.
            groups=GroupDesk(engine, guest_added=frontdesk.invalidate),
            feedback=FeedbackDesk(engine),
        )
