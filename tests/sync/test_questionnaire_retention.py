"""Retention of answers and ratings: anonymous answers go as anonymous contacts do; a FIT
rating stays while its course or group runs, and goes with the course's marks after."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import delete, select

from models import Course, FitRating, Outbox, QuestionnaireAnswer, SyncState
from models.config import Settings
from models.db import read_session, write_session
from models.ids import new_id
from sync.outbox import record
from sync.retention import purge_kiosk
from tests.kiosk.frontdesk_data import seed_frontdesk

SETTINGS = Settings(event_retention_days=30, audit_retention_days=183,
                    attendance_retention_days=183)  # fmt: skip


def _acknowledged(engine, rows, when) -> None:
    with write_session(engine) as session:
        record(session, rows, now=when)
        session.flush()
        session.exec(delete(Outbox).where(Outbox.row_id.in_([r.id for r in rows])))
        state = session.get(SyncState, 1)
        state.last_sync_ok_at = when
        session.add(state)


def _answer(day: date) -> QuestionnaireAnswer:
    return QuestionnaireAnswer(id=new_id(), questionnaire_id="besoeg",
                               offer_id="aaben-raadgivning", answer_date=day,
                               answers="besoeg.1:4")  # fmt: skip


def _rating(course_id: str) -> FitRating:
    return FitRating(id=new_id(), questionnaire_id="fit-outcome", citizen_id="c1",
                     course_id=course_id, answers="fit-outcome.1:5")  # fmt: skip


def _left(engine, model) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(model)).all())


def test_anonymous_answers_are_purged_after_the_event_window(fresh_db, frozen_now):
    old, recent = frozen_now - timedelta(days=40), frozen_now - timedelta(days=3)
    _acknowledged(fresh_db, [_answer(old.date())], old)
    _acknowledged(fresh_db, [_answer(recent.date())], recent)
    result = purge_kiosk(fresh_db, SETTINGS, frozen_now)
    assert result.deleted["questionnaire_answer"] == 1
    assert _left(fresh_db, QuestionnaireAnswer) == 1


def test_a_rating_stays_while_its_course_runs_and_goes_after_it_ended(fresh_db, frozen_now):
    seed_frontdesk(fresh_db)
    with write_session(fresh_db) as session:
        for course_id, ends in (("running", None), ("ended", date(2026, 3, 1))):
            session.add(Course(id=course_id, citizen_id="c-jens", site_id="hornslet",
                               offer_id="forloeb-82b", starts_on=date(2026, 1, 5),
                               ends_on=ends))  # fmt: skip
    long_ago = frozen_now - timedelta(days=200)  # older than attendance_retention_days
    _acknowledged(fresh_db, [_rating("running"), _rating("ended")], long_ago)
    result = purge_kiosk(fresh_db, SETTINGS, frozen_now)
    assert result.deleted["fit_rating"] == 1
    with read_session(fresh_db) as session:
        assert [r.course_id for r in session.exec(select(FitRating))] == ["running"]


def test_central_keeps_a_rating_while_its_course_runs_and_counts_the_rest(central_db, frozen_now):
    """Central's event policy: anonymous answers go with the anonymous contacts, a rating
    of a running course stays (it is the trend's first), an ended course's goes; the dry run
    (console's retention page) counts exactly what the purge deletes."""
    from sync.retention import purge_central

    seed_frontdesk(central_db)
    with write_session(central_db) as session:
        for course_id, ends in (("running", None), ("ended", date(2026, 3, 1))):
            session.add(Course(id=course_id, citizen_id="c-jens", site_id="hornslet",
                               offer_id="forloeb-82b", starts_on=date(2026, 1, 5),
                               ends_on=ends))  # fmt: skip
        long_ago = frozen_now - timedelta(days=200)
        for row in (_rating("running"), _rating("ended"), _answer(long_ago.date()),
                    _answer(frozen_now.date())):  # fmt: skip
            row.site_id, row.device_id, row.hlc = "hornslet", "d", "x"
            row.created_at = long_ago  # the fresh answer is moved to today below
            session.add(row)
    with write_session(central_db) as session:
        newest = session.exec(select(QuestionnaireAnswer)).all()
        fresh = max(newest, key=lambda a: a.answer_date)
        fresh.created_at = frozen_now
        session.add(fresh)
    policy = Settings(central_event_retention_days=90, audit_retention_days=183)
    dry = purge_central(central_db, policy, frozen_now, dry_run=True)
    assert dry.deleted["fit_rating"] == 1 and dry.deleted["questionnaire_answer"] == 1
    assert purge_central(central_db, policy, frozen_now).deleted == dry.deleted
    with read_session(central_db) as session:
        assert [r.course_id for r in session.exec(select(FitRating))] == ["running"]
        assert len(session.exec(select(QuestionnaireAnswer)).all()) == 1
