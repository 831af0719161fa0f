"""Questionnaires at the kiosk: what a check-in offers the citizen, and storing the answers.

Anonymous answers carry no identity (offer, site, day, answers; id, time and HLC cut to
the hour) and no audit entry, like anonymous contacts. FIT ratings are identified health
data of a course or a group session: audited, visible only to those with a need to know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kiosk.services.audit import audit
from kiosk.services.refusals import Refused
from kiosk.services.staff import StaffMember
from models import (
    Appointment,
    CheckIn,
    FitPlan,
    FitRating,
    GroupSession,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireQuestion,
    QuestionnaireUse,
)
from models.db import read_session, write_session
from models.feedback import (
    Moment,
    Purpose,
    QuestionKind,
    answer_problem,
    format_answers,
    options,
)
from models.ids import new_id, new_id_at_hour
from models.timeutil import local_day_bounds, local_today
from sync.hlc import Stamp
from sync.outbox import load_state, record

HOUR_MS = 3_600_000


class QuestionnaireRefused(Refused, ValueError):
    """The answers do not fit the questionnaire (nothing is stored)."""


@dataclass(frozen=True, slots=True)
class QuestionView:
    """One question as the citizen sees it; ``values`` are the numbers that answer it."""

    id: str
    kind: str
    text_da: str
    text_en: str
    values: tuple[int, ...]
    ends_da: tuple[str, str] = ("", "")
    ends_en: tuple[str, str] = ("", "")
    options_da: tuple[str, ...] = ()
    options_en: tuple[str, ...] = ()

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_da

    def ends(self, language: str) -> tuple[str, str]:
        return self.ends_en if language == "en" else self.ends_da

    def choices(self, language: str) -> tuple[str, ...]:
        """A choice's options, numbered from 1 (yes/no have theirs in the screen's words)."""
        return self.options_en if language == "en" else self.options_da


@dataclass(frozen=True, slots=True)
class Offered:
    """A questionnaire a check-in offers: anonymous (``citizen_id`` empty) or a FIT rating
    of the citizen's course or group session. ``automatic``: it opens by itself."""

    questionnaire_id: str
    title_da: str
    title_en: str
    purpose: str
    questions: tuple[QuestionView, ...]
    offer_id: str
    automatic: bool = False
    citizen_id: str = ""
    course_id: str | None = None
    session_id: str | None = None

    @property
    def identified(self) -> bool:
        return Purpose(self.purpose).identified

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_da


def _view(question: QuestionnaireQuestion) -> QuestionView:
    return QuestionView(
        id=question.id,
        kind=question.kind,
        text_da=question.text_da,
        text_en=question.text_en,
        values=tuple(question.values()),
        ends_da=(question.low_da, question.high_da),
        ends_en=(question.low_en, question.high_en),
        options_da=tuple(options(question.options_da)),
        options_en=tuple(options(question.options_en)),
    )


def _questions(session: Session, questionnaire_id: str) -> list[QuestionnaireQuestion]:
    query = (
        select(QuestionnaireQuestion)
        .where(QuestionnaireQuestion.questionnaire_id == questionnaire_id)
        .order_by(col(QuestionnaireQuestion.position))
    )
    return list(session.exec(query).all())


def _offered(session: Session, questionnaire: Questionnaire, **fields: object) -> Offered | None:
    questions = tuple(_view(q) for q in _questions(session, questionnaire.id))
    if not questions or not questionnaire.active:
        return None
    return Offered(questionnaire.id, questionnaire.title_da, questionnaire.title_en,
                   questionnaire.purpose, questions, **fields)  # type: ignore[arg-type]  # fmt: skip


def offered_after_check_in(engine: Engine, *, check_in_id: str, now: datetime) -> Offered | None:
    """What the citizen may answer after check-in ``check_in_id``: a FIT rating where the
    course or group has them turned on (the outcome rating first, the session rating once
    the outcome is given today), else the anonymous questionnaire the site uses for the
    offer, else nothing."""
    with read_session(engine) as session:
        event = session.get(CheckIn, check_in_id)
        if event is None:
            return None
        rating = _fit_offered(session, event, now)
        if rating is not None:
            return rating
        site_id = load_state(session).site_id
        query = (
            select(Questionnaire, QuestionnaireUse)
            .where(QuestionnaireUse.questionnaire_id == Questionnaire.id)
            .where(QuestionnaireUse.site_id == site_id, QuestionnaireUse.offer_id == event.offer_id)
            .where(QuestionnaireUse.moment == Moment.AFTER_CHECK_IN)
            .where(Questionnaire.purpose == Purpose.ANONYMOUS, col(Questionnaire.active))
            .order_by(col(Questionnaire.sort_order))
        )
        for questionnaire, use in session.exec(query).all():
            found = _offered(session, questionnaire, offer_id=event.offer_id,
                             automatic=use.automatic)  # fmt: skip
            if found is not None:
                return found
    return None


def _fit_offered(session: Session, event: CheckIn, now: datetime) -> Offered | None:
    course_id: str | None = None
    session_id = event.session_id
    target = ""
    if event.appointment_id:
        appointment = session.get(Appointment, event.appointment_id)
        course_id = appointment.course_id if appointment else None
        target = course_id or ""
    elif session_id:
        group_session = session.get(GroupSession, session_id)
        target = group_session.group_id if group_session else ""
    if not target or session.get(FitPlan, target) is None:
        return None
    purpose = Purpose.FIT_OUTCOME
    if _rated_today(session, event.citizen_id, Purpose.FIT_OUTCOME, now):
        purpose = Purpose.FIT_SESSION
    query = select(Questionnaire).where(Questionnaire.purpose == purpose, col(Questionnaire.active))
    questionnaire = session.exec(query.order_by(col(Questionnaire.sort_order))).first()
    if questionnaire is None:
        return None
    return _offered(session, questionnaire, offer_id=event.offer_id, automatic=True,
                    citizen_id=event.citizen_id, course_id=course_id,
                    session_id=session_id)  # fmt: skip


def _rated_today(session: Session, citizen_id: str, purpose: Purpose, now: datetime) -> bool:
    start, end = local_day_bounds(local_today(now))
    query = (
        select(FitRating.id)
        .join(Questionnaire, col(Questionnaire.id) == col(FitRating.questionnaire_id))
        .where(FitRating.citizen_id == citizen_id, Questionnaire.purpose == purpose)
        .where(col(FitRating.created_at) >= start, col(FitRating.created_at) < end)
    )
    return session.exec(query).first() is not None


def _checked(session: Session, questionnaire_id: str, answers: dict[str, int]) -> str:
    text = format_answers(answers)
    problem = answer_problem(text, _questions(session, questionnaire_id))
    if problem:
        raise QuestionnaireRefused(problem)
    return text


def record_answers(engine: Engine, offered: Offered, answers: dict[str, int], *,
                   now: datetime, staff: StaffMember | None = None) -> str | None:  # fmt: skip
    """Store the citizen's answers (``None`` when every question was skipped: nothing is
    stored). Anonymous answers get no identity; a FIT rating is audited."""
    if not answers:
        return None
    if offered.identified:
        return _record_rating(engine, offered, answers, now=now, staff=staff)
    hour_ms = int(now.timestamp() * 1000) // HOUR_MS * HOUR_MS
    hour = datetime.fromtimestamp(hour_ms / 1000, UTC)
    with write_session(engine) as session:
        text = _checked(session, offered.questionnaire_id, answers)
        state = load_state(session)
        row = QuestionnaireAnswer(
            id=new_id_at_hour(hour_ms),
            questionnaire_id=offered.questionnaire_id,
            offer_id=offered.offer_id,
            answer_date=local_today(now),
            answers=text,
            created_at=hour,
            hlc=Stamp(hour_ms, 0, state.device_id or "kiosk").pack(),
        )
        # The outbox entry is stamped with the hour too: not even the kiosk keeps the minute.
        record(session, [row], now=hour)
    return row.id


def _record_rating(engine: Engine, offered: Offered, answers: dict[str, int], *,
                   now: datetime, staff: StaffMember | None) -> str:  # fmt: skip
    with write_session(engine) as session:
        text = _checked(session, offered.questionnaire_id, answers)
        row = FitRating(
            id=new_id(),
            questionnaire_id=offered.questionnaire_id,
            citizen_id=offered.citizen_id,
            course_id=offered.course_id,
            session_id=offered.session_id,
            answers=text,
            staff_id=staff.id if staff else None,
        )
        record(session, [row], now=now)
        audit(session, action="fit_rating", staff_id=row.staff_id, citizen_id=row.citizen_id,
              detail=f"{offered.purpose} {offered.course_id or offered.session_id}",
              now=now)  # fmt: skip
    return row.id


def yes_no(question: QuestionView) -> bool:
    return question.kind == QuestionKind.YES_NO
