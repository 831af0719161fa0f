"""The questionnaire and FIT use cases for the screens (loaded on first use, not at start-up)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from kiosk.services.staff import StaffMember

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.services.questionnaires import Offered
    from models.figures.fit import FitTrend


class FeedbackDesk:
    """What a check-in offers the citizen to answer, and storing the answers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def offered_after_check_in(self, check_in_id: str, now: datetime) -> Offered | None:
        from kiosk.services.questionnaires import offered_after_check_in

        return offered_after_check_in(self.engine, check_in_id=check_in_id, now=now)

    def record(self, offered: Offered, answers: dict[str, int], now: datetime,
               staff: StaffMember | None) -> str | None:  # fmt: skip
        from kiosk.services.questionnaires import record_answers

        return record_answers(self.engine, offered, answers, now=now, staff=staff)

    def course_trends(
        self, staff: StaffMember, course_ids: Sequence[str], now: datetime
    ) -> dict[str, FitTrend]:
        """The FIT trends of the member's courses (F8); audited per citizen shown."""
        from kiosk.services.fit_trends import my_course_trends

        return my_course_trends(self.engine, staff=staff, course_ids=course_ids, now=now)
