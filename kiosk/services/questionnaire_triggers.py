"""The two questionnaire moments besides "after a check-in": the end of a group session (the
leader hands the kiosk to each participant for the FIT session rating once the session is
closed) and stand-alone (an anonymous questionnaire the desk starts without a check-in)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from kiosk.services.attendance import (
    ATTENDANCE_ROLES,
    AttendanceRefused,
    checked_in_citizens,
    load_marks,
    require_role,
    site_of_kiosk,
)
from kiosk.services.questionnaires import Offered, _offered
from kiosk.services.staff import StaffMember
from models import FitPlan, FitRating, Group, GroupSession, Questionnaire, QuestionnaireUse
from models.db import read_session
from models.events import ATTENDED_MARKS
from models.feedback import Moment, Purpose


def offered_session_rating(
    engine: Engine, *, session_id: str, citizen_id: str, staff: StaffMember
) -> Offered:
    """The FIT session rating one participant of a closed session may give; refused when
    FIT is off for the group, the session is still open, the participant did not attend,
    or they have rated this session already."""
    require_role(staff, ATTENDANCE_ROLES)
    with read_session(engine) as session:
        gs = session.get(GroupSession, session_id)
        group = session.get(Group, gs.group_id) if gs is not None else None
        if gs is None or group is None:
            raise AttendanceRefused("session_unknown")
        if session.get(FitPlan, group.id) is None:
            raise AttendanceRefused("fit_off")
        if not gs.closed:
            raise AttendanceRefused("fit_close_first")
        mark = load_marks(session, [session_id]).get((session_id, citizen_id))
        attended = mark.mark in ATTENDED_MARKS if mark is not None else (
            citizen_id in checked_in_citizens(session, session_id)
        )  # fmt: skip
        if not attended:
            raise AttendanceRefused("fit_not_attended")
        rated = (
            select(FitRating.id)
            .join(Questionnaire, col(Questionnaire.id) == col(FitRating.questionnaire_id))
            .where(FitRating.session_id == session_id, FitRating.citizen_id == citizen_id)
            .where(Questionnaire.purpose == Purpose.FIT_SESSION)
        )
        if session.exec(rated).first() is not None:
            raise AttendanceRefused("fit_already_rated")
        query = select(Questionnaire).where(
            Questionnaire.purpose == Purpose.FIT_SESSION, col(Questionnaire.active)
        )
        for questionnaire in session.exec(query.order_by(col(Questionnaire.sort_order))).all():
            found = _offered(session, questionnaire, offer_id=group.offer_id,
                             citizen_id=citizen_id, session_id=session_id)  # fmt: skip
            if found is not None:
                return found
    raise AttendanceRefused("fit_no_scale")


def offered_standalone(engine: Engine) -> list[Offered]:
    """The anonymous questionnaires this site uses stand-alone (no check-in), in order."""
    with read_session(engine) as session:
        site_id = site_of_kiosk(session)
        query = (
            select(Questionnaire, QuestionnaireUse)
            .where(QuestionnaireUse.questionnaire_id == Questionnaire.id)
            .where(QuestionnaireUse.site_id == site_id)
            .where(QuestionnaireUse.moment == Moment.STANDALONE)
            .where(Questionnaire.purpose == Purpose.ANONYMOUS, col(Questionnaire.active))
            .order_by(col(Questionnaire.sort_order), col(QuestionnaireUse.offer_id))
        )
        found: list[Offered] = []
        for questionnaire, use in session.exec(query).all():
            offered = _offered(session, questionnaire, offer_id=use.offer_id)
            if offered is not None:
                found.append(offered)
    return found
