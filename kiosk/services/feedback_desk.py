"""The questionnaire and FIT use cases for the screens (loaded on first use, not at start-up)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from kiosk.services.staff import StaffMember

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.services.group_trends import GroupTrend
    from kiosk.services.questionnaires import Offered
    from models.feedback import FitTarget
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

    # -- FIT at the kiosk, the session-end and stand-alone moments ----------------------

    def fit_is_on(self, target_id: str) -> bool:
        from kiosk.services.fit_plans import fit_is_on

        return fit_is_on(self.engine, target_id)

    def set_fit(
        self, target: FitTarget, target_id: str, on: bool, staff: StaffMember, now: datetime
    ) -> bool:
        """Turn FIT ratings on or off for a course (its counsellor) or group (its leader)."""
        from kiosk.services.fit_plans import set_fit_plan

        return set_fit_plan(self.engine, target=target, target_id=target_id, on=on,
                            staff=staff, now=now)  # fmt: skip

    def group_trend(self, group_id: str, staff: StaffMember, now: datetime) -> GroupTrend:
        """The group's rating averages per session (its leader or an admin); audited."""
        from kiosk.services.group_trends import group_trend

        return group_trend(self.engine, group_id=group_id, staff=staff, now=now)

    def session_rating(self, session_id: str, citizen_id: str, staff: StaffMember) -> Offered:
        """The FIT session rating a participant of a closed session may give."""
        from kiosk.services.questionnaire_triggers import offered_session_rating

        return offered_session_rating(self.engine, session_id=session_id,
                                      citizen_id=citizen_id, staff=staff)  # fmt: skip

    def standalone(self) -> list[Offered]:
        """The anonymous questionnaires this site offers without a check-in."""
        from kiosk.services.questionnaire_triggers import offered_standalone

        return offered_standalone(self.engine)
