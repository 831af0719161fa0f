"""Questionnaire answers and FIT ratings on the wire: anonymous answers reach central once
and carry no identity or time finer than the hour; ratings only from the course's site."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from kiosk.services.questionnaires import offered_after_check_in, record_answers
from models import Course, Enrolment, FitRating, Group, QuestionnaireAnswer
from models.db import read_session, write_session
from models.ids import new_id
from sync.changes import publish
from sync.hlc import Stamp
from sync.server.references import REASONS
from tests.conftest import FROZEN_NOW
from tests.sync.trust_world import base_row, feed_text, push_one
from tests.sync.world import World, check_in, sync

NOW = FROZEN_NOW
#: 09:47:13 Danish time, the minute the citizen answered.
AT = datetime(2026, 11, 24, 8, 47, 13, tzinfo=UTC)
HOUR = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def central_rows(world: World, model):
    with read_session(world.central) as session:
        return list(session.exec(select(model)))


async def test_anonymous_answers_reach_central_once_without_identity_or_minute(world):
    citizen, _sessions = world.add_group_with_citizen("hornslet")
    kiosk, sibling = world.kiosk("hornslet"), world.kiosk("hornslet")
    await sync(kiosk, NOW)  # the questionnaires arrive with the catalogue
    visit = check_in(kiosk, citizen, AT, offer_id="aaben-raadgivning", staff_id=None)
    offered = offered_after_check_in(kiosk.engine, check_in_id=visit, now=AT)
    assert offered is not None and offered.questionnaire_id == "besoeg"
    record_answers(kiosk.engine, offered, {"besoeg.1": 5, "besoeg.2": 4}, now=AT)
    await sync(kiosk, AT)
    await sync(kiosk, AT + timedelta(minutes=1))  # a second session sends nothing again
    [answer] = central_rows(world, QuestionnaireAnswer)
    assert answer.answers == "besoeg.1:5,besoeg.2:4" and answer.site_id == "hornslet"
    stored = answer.model_dump()
    assert citizen not in repr(stored)
    for moment in (answer.created_at, answer.received_at):
        assert moment is not None and moment.replace(tzinfo=UTC) == HOUR
    assert Stamp.parse(answer.hlc).ms == int(HOUR.timestamp() * 1000)
    # Anonymous answers stay central: the site's other desk never receives them.
    assert answer.id not in feed_text(world, sibling)
    await sync(sibling, AT)
    with read_session(sibling.engine) as session:
        assert session.exec(select(QuestionnaireAnswer)).all() == []


async def test_central_cuts_an_anonymous_answer_to_the_hour_whatever_the_kiosk_sent(world):
    kiosk = world.kiosk("hornslet")
    row = base_row(kiosk, AT, questionnaire_id="besoeg", offer_id="aaben-raadgivning",
                   answer_date=AT.date().isoformat(), answers="besoeg.3:1")  # fmt: skip
    assert await push_one(world, kiosk, "questionnaire_answer", row) == ""
    [answer] = central_rows(world, QuestionnaireAnswer)
    assert answer.created_at.replace(tzinfo=UTC) == HOUR
    assert Stamp.parse(answer.hlc).counter == 0
    assert Stamp.parse(answer.hlc).ms == int(HOUR.timestamp() * 1000)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"answers": "besoeg.1:9"}, "outside its question's scale"),
        ({"answers": "fit-outcome.1:4"}, "does not have"),
        ({"answers": "besoeg.1:4\n"}, "question:number"),
        ({"answers": "Søren Pedersen"}, "question:number"),
        ({"questionnaire_id": "fit-outcome", "answers": "fit-outcome.1:4"},
         REASONS["anonymous_questionnaire"]),
        ({"citizen_id": new_id()}, "unknown fields"),
        ({"staff_id": None}, "unknown fields"),
    ],
)  # fmt: skip
async def test_answers_that_do_not_fit_the_questionnaire_are_refused(world, fields, reason):
    kiosk = world.kiosk("hornslet")
    row = base_row(kiosk, AT, questionnaire_id="besoeg", offer_id="aaben-raadgivning",
                   answer_date=AT.date().isoformat(), answers="besoeg.1:4")  # fmt: skip
    assert reason in await push_one(world, kiosk, "questionnaire_answer", {**row, **fields})
    assert central_rows(world, QuestionnaireAnswer) == []


def _course_in_two_scopes(world: World) -> tuple[str, str]:
    """A Hornslet course of a citizen who is also in a group at Ebeltoft (so both sites
    know the citizen); returns (citizen id, course id)."""
    citizen, _sessions = world.add_group_with_citizen("hornslet")
    course_id, group_id = new_id(), new_id()
    with write_session(world.central) as session:
        course = Course(id=course_id, citizen_id=citizen, site_id="hornslet",
                        offer_id="forloeb-82b", starts_on=date(2026, 11, 1))  # fmt: skip
        group = Group(id=group_id, site_id="ebeltoft", offer_id="gruppeforloeb", title="Ro",
                      code="G-E1", starts_on=date(2026, 9, 1))  # fmt: skip
        publish(session, [course, group], now=NOW)
        enrolment = Enrolment(id=new_id(), group_id=group_id, citizen_id=citizen,
                              site_id="ebeltoft", starts_on=date(2026, 9, 1))  # fmt: skip
        publish(session, [enrolment], now=NOW)
    return citizen, course_id


def _rating(kiosk, citizen: str, course: str, **fields):
    scores = ",".join(f"fit-outcome.{n}:{n + 5}" for n in range(1, 5))
    defaults = {"questionnaire_id": "fit-outcome", "citizen_id": citizen, "course_id": course,
                "session_id": None, "answers": scores, "staff_id": None}  # fmt: skip
    return base_row(kiosk, NOW, **{**defaults, **fields})


async def test_a_rating_from_a_site_outside_the_courses_scope_is_refused(world):
    citizen, course_id = _course_in_two_scopes(world)
    hornslet, ebeltoft = world.kiosk("hornslet"), world.kiosk("ebeltoft")
    refused = await push_one(world, ebeltoft, "fit_rating", _rating(ebeltoft, citizen, course_id))
    assert refused == REASONS["site_course"]
    assert central_rows(world, FitRating) == []
    # The honest version: the course's own site.
    assert (
        await push_one(world, hornslet, "fit_rating", _rating(hornslet, citizen, course_id)) == ""
    )
    [rating] = central_rows(world, FitRating)
    assert (rating.citizen_id, rating.course_id) == (citizen, course_id)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"course_id": None}, "neither a course nor a group session"),
        ({"questionnaire_id": "besoeg"}, REASONS["fit_questionnaire"]),
        ({"answers": "fit-outcome.1:11"}, "outside its question's scale"),
        ({"citizen_id": "other"}, "citizen"),
    ],
)
async def test_a_rating_that_does_not_hold_together_is_refused(world, fields, reason):
    citizen, course_id = _course_in_two_scopes(world)
    hornslet = world.kiosk("hornslet")
    row = _rating(hornslet, citizen, course_id, **fields)
    if fields.get("citizen_id") == "other":  # another citizen of the site: not the course's
        other, _ = world.add_group_with_citizen("hornslet", citizen_name="Bo Berg")
        row["citizen_id"] = other
        reason = REASONS["site_course"]
    assert reason in await push_one(world, hornslet, "fit_rating", row)
    assert central_rows(world, FitRating) == []


async def test_fit_turned_on_at_central_reaches_the_courses_site_only_and_off_again(world):
    from models import FitPlan
    from models.feedback import FitTarget
    from sync.admin.fit_plans import set_fit

    citizen, course_id = _course_in_two_scopes(world)
    hornslet, ebeltoft = world.kiosk("hornslet"), world.kiosk("ebeltoft")
    assert set_fit(world.central, target=FitTarget.COURSE, key=course_id, on=True, now=NOW)
    assert not set_fit(world.central, target=FitTarget.COURSE, key=course_id, on=True, now=NOW)
    for kiosk in (hornslet, ebeltoft):
        await sync(kiosk, NOW)

    def plans(kiosk):
        with read_session(kiosk.engine) as session:
            return [p.id for p in session.exec(select(FitPlan))]

    assert (plans(hornslet), plans(ebeltoft)) == ([course_id], [])
    assert set_fit(world.central, target=FitTarget.COURSE, key=course_id, on=False, now=NOW)
    await sync(hornslet, NOW + timedelta(minutes=1))
    assert plans(hornslet) == [] and citizen


async def test_a_questionnaire_loaded_at_central_reaches_the_kiosk_and_opens_there(world):
    """`mestring central questionnaire load` is reference data: after a pull the site's desk
    offers it after a check-in (by itself where the use says so); made inactive, it is gone."""
    from sync.admin.questionnaires import load

    text = (
        'id = "ventetid"\ntitle_da = "Hvordan var ventetiden?"\ntitle_en = "How was the wait?"\n'
        "sort_order = 1\n"
        + "".join(
            f'\n[[question]]\nkind = "yes_no"\ntext_da = "Spørgsmål {n}?"\ntext_en = "Q {n}?"\n'
            for n in (1, 2, 3)
        )
        + '\n[[use]]\nsite = "hornslet"\noffer = "aaben-raadgivning"\nautomatic = true\n'
    )
    citizen, _sessions = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    load(world.central, text, now=NOW)
    await sync(kiosk, NOW)
    visit = check_in(kiosk, citizen, AT, offer_id="aaben-raadgivning", staff_id=None)
    offered = offered_after_check_in(kiosk.engine, check_in_id=visit, now=AT)
    assert offered is not None and offered.questionnaire_id == "ventetid" and offered.automatic
    assert [q.text_da for q in offered.questions] == [f"Spørgsmål {n}?" for n in (1, 2, 3)]
    load(world.central, text.replace("sort_order = 1", "sort_order = 1\nactive = false"), now=NOW)
    await sync(kiosk, AT)
    offered = offered_after_check_in(kiosk.engine, check_in_id=visit, now=AT)
    assert offered is not None and offered.questionnaire_id == "besoeg"


@pytest.mark.parametrize(
    "fields",
    [
        {"answers": "fit-outcome.1:-1"},
        {"answers": "fit-outcome.1:NaN"},
        {"answers": "fit-outcome.1:99999999999999999999"},
        {"answers": "fit-outcome.1:5\x00"},
        {"answers": float("nan")},
        {"answers": 5},
        {"answers": ["fit-outcome.1:5"]},
        {"answers": ""},
        {"answers": "fit-outcome.1:5,fit-outcome.1:6"},
        {"course_id": 10**30},
        {"course_id": "x" * 5000},
        {"course_id": "\x00"},
        {"citizen_id": None},
        {"questionnaire_id": "fit-session\x00"},
        {"session_id": "a-session-nobody-has"},
    ],
    ids=lambda f: repr(f)[:40],
)
async def test_a_hostile_rating_from_the_courses_own_site_is_refused_without_a_row(world, fields):
    """Probed with the site's own valid credential: every hostile value is a refusal (never
    a server error), and nothing is stored."""
    citizen, course_id = _course_in_two_scopes(world)
    hornslet = world.kiosk("hornslet")
    row = _rating(hornslet, citizen, course_id, **fields)
    assert await push_one(world, hornslet, "fit_rating", row) != ""
    assert central_rows(world, FitRating) == []
