"""FIT trends: first, latest and change of a course's outcome ratings, flags, need-to-know."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from kiosk.services.attendance import AttendanceRefused
from kiosk.services.fit_trends import my_course_trends
from kiosk.services.staff import StaffMember
from models import AuditEntry, Course, FitRating, Staff, StaffSiteRole
from models.db import read_session, write_session
from models.feedback import Purpose
from models.figures.fit import SESSION_CUTOFF, FitFlag, RatingFact, trend
from models.ids import new_id
from sync.outbox import record
from tests.kiosk.frontdesk_data import seed_frontdesk
from tests.kiosk.questionnaire_data import seed_questionnaires

COUNSELLOR = StaffMember("s-co", "CO", "Carl Olsen", frozenset({"counsellor"}))
OTHER = StaffMember("s-jk", "JK", "Jens Kjær", frozenset({"counsellor"}))
DESK = StaffMember("s-mh", "MH", "Mette Holm", frozenset({"front_desk"}))


def fact(purpose: Purpose, hlc: str, total: int) -> RatingFact:
    return RatingFact("k1", None, "c1", purpose, hlc, total)


def test_a_trend_compares_the_first_and_latest_outcome_rating():
    ratings = [fact(Purpose.FIT_OUTCOME, "3", 25), fact(Purpose.FIT_OUTCOME, "1", 12),
               fact(Purpose.FIT_SESSION, "2", 38), fact(Purpose.FIT_OUTCOME, "2", 19)]  # fmt: skip
    found = trend(ratings)
    assert (found.first, found.latest, found.change, found.outcomes) == (12, 25, 13, 3)
    assert (found.latest_session, found.low_sessions, found.flag) == (38, 0, FitFlag.NONE)


def test_a_falling_outcome_and_a_low_session_rating_are_flagged():
    falling = trend([fact(Purpose.FIT_OUTCOME, "1", 30), fact(Purpose.FIT_OUTCOME, "2", 22)])
    assert (falling.change, falling.flag) == (-8, FitFlag.FALLING)
    low = trend([fact(Purpose.FIT_OUTCOME, "1", 20),
                 fact(Purpose.FIT_SESSION, "2", SESSION_CUTOFF - 1)])  # fmt: skip
    assert (low.change, low.flag, low.low_sessions) == (None, FitFlag.LOW_SESSION, 1)


@pytest.fixture
def kiosk(fresh_db, frozen_now):
    seed_frontdesk(fresh_db)
    seed_questionnaires(fresh_db)
    with write_session(fresh_db) as session:
        session.add(Staff(id="s-co", initials="CO", display_name="Carl Olsen", pin_hash="x"))
        session.flush()
        session.add(StaffSiteRole(staff_id="s-co", site_id="hornslet", role="counsellor"))
        session.add(Course(id="k-mette", citizen_id="c-mette-k", site_id="hornslet",
                           offer_id="forloeb-82b", counsellor_staff_id="s-co",
                           starts_on=date(2026, 10, 1)))  # fmt: skip
    # Three weeks: outcome 10, then a session rated 36, then outcome 20.
    for weeks_ago, (questionnaire, scores) in zip(
        (3, 2, 1),
        [("fit-outcome", (3, 3, 2, 2)), ("fit-session", (9, 9, 9, 9)),
         ("fit-outcome", (6, 5, 5, 4))],
        strict=True,
    ):  # fmt: skip
        answers = ",".join(f"{questionnaire}.{n}:{v}" for n, v in enumerate(scores, 1))
        with write_session(fresh_db) as session:
            rating = FitRating(id=new_id(), questionnaire_id=questionnaire,
                               citizen_id="c-mette-k", course_id="k-mette",
                               answers=answers)  # fmt: skip
            record(session, [rating], now=frozen_now - timedelta(weeks=weeks_ago))
    return fresh_db


def test_the_counsellor_sees_their_courses_trend_and_each_read_is_audited(kiosk, frozen_now):
    trends = my_course_trends(kiosk, staff=COUNSELLOR, course_ids=["k-mette"], now=frozen_now)
    found = trends["k-mette"]
    assert (found.first, found.latest, found.change, found.latest_session) == (10, 20, 10, 36)
    assert found.flag is FitFlag.NONE
    with read_session(kiosk) as session:
        views = session.exec(select(AuditEntry).where(AuditEntry.action == "fit_view")).all()
    assert [(v.staff_id, v.citizen_id) for v in views] == [("s-co", "c-mette-k")]


def test_another_counsellor_sees_no_trend_and_the_front_desk_is_refused(kiosk, frozen_now):
    assert my_course_trends(kiosk, staff=OTHER, course_ids=["k-mette"], now=frozen_now) == {}
    with pytest.raises(AttendanceRefused):
        my_course_trends(kiosk, staff=DESK, course_ids=["k-mette"], now=frozen_now)
