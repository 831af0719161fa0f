"""Questionnaires after a check-in: anonymous answers without identity, FIT ratings audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from kiosk.services.checkin import check_in
from kiosk.services.plan import OfferChoice
from kiosk.services.questionnaires import (
    QuestionnaireRefused,
    offered_after_check_in,
    record_answers,
)
from kiosk.services.staff import StaffMember
from models import AuditEntry, FitRating, Outbox, QuestionnaireAnswer
from models.db import read_session
from sync.hlc import Stamp
from tests.kiosk.frontdesk_data import seed_frontdesk
from tests.kiosk.questionnaire_data import seed_questionnaires, turn_on_fit

DESK = StaffMember("s-mh", "MH", "Mette Holm", frozenset({"front_desk"}))
COUNSELLING = OfferChoice("aaben-raadgivning", "Åben rådgivning", False)
#: 09:47 Danish time: the stored answer must say 09:00 at the most.
AT = datetime(2026, 11, 24, 8, 47, 13, tzinfo=UTC)


@pytest.fixture
def kiosk(fresh_db):
    seed_frontdesk(fresh_db)
    seed_questionnaires(fresh_db)
    return fresh_db


def rows(engine, model):
    with read_session(engine) as session:
        return list(session.exec(select(model)))


def checked_in(engine, citizen="c-jens", target=COUNSELLING, now=AT):
    outcome = check_in(engine, citizen_id=citizen, staff=DESK, now=now, target=target)
    assert outcome.status == "checked_in" and outcome.record is not None
    return outcome.record.id


def test_a_walk_in_check_in_offers_the_visit_questionnaire_on_the_desks_key(kiosk):
    offered = offered_after_check_in(kiosk, check_in_id=checked_in(kiosk), now=AT)
    assert offered is not None
    assert (offered.questionnaire_id, offered.automatic, offered.identified) == (
        "besoeg", False, False
    )  # fmt: skip
    assert [q.id for q in offered.questions] == ["besoeg.1", "besoeg.2", "besoeg.3"]
    assert offered.questions[0].values == (1, 2, 3, 4, 5)
    assert offered.questions[2].values == (1, 2)  # yes / no
    assert offered.citizen_id == "" and offered.course_id is None


def test_an_offer_without_a_questionnaire_offers_nothing(kiosk):
    employment = OfferChoice("beskaeftigelse", "Beskæftigelse", False)
    check_in_id = checked_in(kiosk, target=employment)
    assert offered_after_check_in(kiosk, check_in_id=check_in_id, now=AT) is None


def test_anonymous_answers_carry_no_identity_and_no_time_finer_than_the_hour(kiosk):
    offered = offered_after_check_in(kiosk, check_in_id=checked_in(kiosk), now=AT)
    audits_before = len(rows(kiosk, AuditEntry))
    answer_id = record_answers(kiosk, offered, {"besoeg.1": 4, "besoeg.3": 1}, now=AT,
                               staff=DESK)  # fmt: skip
    [answer] = rows(kiosk, QuestionnaireAnswer)
    assert answer.id == answer_id
    assert (answer.offer_id, answer.answers, answer.answer_date.isoformat()) == (
        "aaben-raadgivning", "besoeg.1:4,besoeg.3:1", "2026-11-24"
    )  # fmt: skip
    hour = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert answer.created_at.replace(tzinfo=UTC) == hour
    stamp = Stamp.parse(answer.hlc)
    assert (stamp.ms, stamp.counter) == (int(hour.timestamp() * 1000), 0)
    assert int(answer.id.replace("-", "")[:12], 16) == int(hour.timestamp() * 1000)
    assert not {"citizen_id", "staff_id"} & set(QuestionnaireAnswer.model_fields)
    [entry] = [o for o in rows(kiosk, Outbox) if o.kind == "questionnaire_answer"]
    assert entry.created_at.replace(tzinfo=UTC) == hour
    assert "c-jens" not in entry.payload and "s-mh" not in entry.payload
    assert len(rows(kiosk, AuditEntry)) == audits_before  # an audit would tie staff and minute


def test_a_questionnaire_with_every_question_skipped_stores_nothing(kiosk):
    offered = offered_after_check_in(kiosk, check_in_id=checked_in(kiosk), now=AT)
    assert record_answers(kiosk, offered, {}, now=AT) is None
    assert rows(kiosk, QuestionnaireAnswer) == []


@pytest.mark.parametrize(
    "answers", [{"besoeg.1": 6}, {"besoeg.1": 0}, {"besoeg.3": 3}, {"fit-outcome.1": 4}]
)
def test_an_answer_off_its_scale_is_refused_and_nothing_is_stored(kiosk, answers):
    offered = offered_after_check_in(kiosk, check_in_id=checked_in(kiosk), now=AT)
    with pytest.raises(QuestionnaireRefused):
        record_answers(kiosk, offered, answers, now=AT)
    assert rows(kiosk, QuestionnaireAnswer) == []


def test_a_group_with_fit_turned_on_asks_for_the_outcome_then_the_session_rating(kiosk):
    turn_on_fit(kiosk)
    check_in_id = checked_in(kiosk, citizen="c-soeren", target=None)  # today's session
    offered = offered_after_check_in(kiosk, check_in_id=check_in_id, now=AT)
    assert offered is not None and offered.identified and offered.automatic
    assert (offered.questionnaire_id, offered.citizen_id, offered.session_id) == (
        "fit-outcome", "c-soeren", "gs-today"
    )  # fmt: skip
    assert all(q.values == tuple(range(11)) for q in offered.questions)
    scores = {f"fit-outcome.{n}": n + 3 for n in range(1, 5)}
    record_answers(kiosk, offered, scores, now=AT, staff=DESK)
    [rating] = rows(kiosk, FitRating)
    assert (rating.citizen_id, rating.session_id, rating.staff_id) == (
        "c-soeren", "gs-today", "s-mh"
    )  # fmt: skip
    assert rating.answers == "fit-outcome.1:4,fit-outcome.2:5,fit-outcome.3:6,fit-outcome.4:7"
    assert [e.citizen_id for e in rows(kiosk, AuditEntry) if e.action == "fit_rating"] == [
        "c-soeren"
    ]
    later = offered_after_check_in(kiosk, check_in_id=check_in_id, now=AT + timedelta(hours=2))
    assert later is not None and later.questionnaire_id == "fit-session"


def test_without_fit_turned_on_a_group_session_offers_no_rating(kiosk):
    check_in_id = checked_in(kiosk, citizen="c-soeren", target=None)
    assert offered_after_check_in(kiosk, check_in_id=check_in_id, now=AT) is None
