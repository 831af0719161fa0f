"""FIT at the kiosk, service level: the course's counsellor or the group's leader turns it on
and off (an event for central, the kiosk's own plan at once, audited); the group's trend per
session (hand-computed averages, too few raters shown as no figure, leaders and admins only)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from kiosk.services.attendance import AttendanceRefused
from kiosk.services.fit_plans import fit_is_on, set_fit_plan
from kiosk.services.group_trends import group_trend
from kiosk.services.staff import StaffMember
from models import AuditEntry, FitPlan, FitRating, Outbox
from models.db import read_session, write_session
from models.demo_questionnaires import questionnaires, questions
from models.feedback import FitTarget
from models.figures.fit import FitFlag
from models.ids import new_id
from sync.outbox import record
from tests.kiosk.attendance_world import (
    ADMIN,
    COUNSELLOR,
    DESK,
    LEADER,
    seed_course,
    seed_group,
    seed_reference,
)

OTHER_LEADER = StaffMember("staff-other", "OL", "Ole Leder", frozenset({"group_leader"}))
OTHER_COUNSELLOR = StaffMember("staff-oc", "OC", "Olga Coach", frozenset({"counsellor"}))


@pytest.fixture
def world(fresh_db, frozen_now):
    seed_reference(fresh_db)
    with write_session(fresh_db) as session:
        for row in (*questionnaires(), *questions()):
            session.add(row)
            session.flush()
    return seed_group(fresh_db, frozen_now, participants=4, past_weeks=2)


def outbox_kinds(engine) -> list[str]:
    with read_session(engine) as session:
        return [o.kind for o in session.exec(select(Outbox).order_by(Outbox.seq))]


def audits(engine, action: str) -> list[AuditEntry]:
    with read_session(engine) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_counsellor_turns_fit_on_for_their_course_and_off_again(fresh_db, world, frozen_now):
    course_id, citizen_id = seed_course(fresh_db, starts_on=frozen_now.date())
    on = set_fit_plan(fresh_db, target=FitTarget.COURSE, target_id=course_id, on=True,
                      staff=COUNSELLOR, now=frozen_now)  # fmt: skip
    assert on and fit_is_on(fresh_db, course_id)
    assert outbox_kinds(fresh_db) == ["fit_plan_change", "audit_entry"]
    with read_session(fresh_db) as session:
        [entry] = session.exec(select(Outbox)).all()[:1]
        sent = json.loads(entry.payload)
    assert (sent["target"], sent["target_id"], sent["state"]) == ("course", course_id, "on")
    assert sent["staff_id"] == COUNSELLOR.id
    assert [a.citizen_id for a in audits(fresh_db, "fit_on")] == [citizen_id]
    # Pressing it again while on changes nothing; off removes the kiosk's plan at once.
    set_fit_plan(fresh_db, target=FitTarget.COURSE, target_id=course_id, on=True,
                 staff=COUNSELLOR, now=frozen_now)  # fmt: skip
    assert outbox_kinds(fresh_db).count("fit_plan_change") == 1
    off = set_fit_plan(fresh_db, target=FitTarget.COURSE, target_id=course_id, on=False,
                       staff=COUNSELLOR, now=frozen_now)  # fmt: skip
    assert not off and not fit_is_on(fresh_db, course_id)
    assert outbox_kinds(fresh_db).count("fit_plan_change") == 2
    assert len(audits(fresh_db, "fit_off")) == 1


@pytest.mark.parametrize(
    ("member", "reason"),
    [(OTHER_COUNSELLOR, "fit_not_yours"), (DESK, "role_required"), (LEADER, "role_required")],
)
def test_only_the_courses_counsellor_or_an_admin_turns_its_fit_on(
    fresh_db, world, frozen_now, member, reason
):
    course_id, _citizen = seed_course(fresh_db, starts_on=frozen_now.date())
    with pytest.raises(AttendanceRefused) as refused:
        set_fit_plan(fresh_db, target=FitTarget.COURSE, target_id=course_id, on=True,
                     staff=member, now=frozen_now)  # fmt: skip
    assert refused.value.reason == reason
    assert not fit_is_on(fresh_db, course_id) and outbox_kinds(fresh_db) == []
    set_fit_plan(fresh_db, target=FitTarget.COURSE, target_id=course_id, on=True,
                 staff=ADMIN, now=frozen_now)  # fmt: skip
    assert fit_is_on(fresh_db, course_id)


def test_the_groups_leader_turns_fit_on_for_the_group_and_no_other_leader(
    fresh_db, world, frozen_now
):
    with pytest.raises(AttendanceRefused) as refused:
        set_fit_plan(fresh_db, target=FitTarget.GROUP, target_id=world.group_id, on=True,
                     staff=OTHER_LEADER, now=frozen_now)  # fmt: skip
    assert refused.value.reason == "fit_not_yours"
    set_fit_plan(fresh_db, target=FitTarget.GROUP, target_id=world.group_id, on=True,
                 staff=LEADER, now=frozen_now)  # fmt: skip
    with read_session(fresh_db) as session:
        plan = session.get(FitPlan, world.group_id)
    assert plan is not None and (plan.target, plan.site_id) == ("group", "hornslet")


def rate(engine, now, session_id: str, citizen_id: str, questionnaire: str, total: int) -> None:
    """A rating whose four scales add up to ``total``."""
    scores = [total // 4 + (1 if n < total % 4 else 0) for n in range(4)]
    answers = ",".join(f"{questionnaire}.{n + 1}:{s}" for n, s in enumerate(scores))
    with write_session(engine) as session:
        record(session, [FitRating(id=new_id(), questionnaire_id=questionnaire,
                                   citizen_id=citizen_id, session_id=session_id,
                                   answers=answers)], now=now)  # fmt: skip


@pytest.fixture
def rated(fresh_db, world, frozen_now):
    """Week 1: outcomes 20, 24, 28 (average 24), sessions 38 and 30 (34: low).
    Week 2: outcomes 18 and 20 (19: falling); one participant first said 10, then 20.
    Today: one outcome rating only (no figure: one citizen's)."""
    first, second = world.past_sessions
    a, b, c, _d = world.citizens
    at = frozen_now - timedelta(hours=1)
    for i, (session_id, citizen, questionnaire, total) in enumerate([
        (first, a, "fit-outcome", 20), (first, b, "fit-outcome", 24),
        (first, c, "fit-outcome", 28), (first, a, "fit-session", 38),
        (first, b, "fit-session", 30), (second, a, "fit-outcome", 18),
        (second, b, "fit-outcome", 10), (second, b, "fit-outcome", 20),
        (world.today_session, c, "fit-outcome", 33),
    ]):  # fmt: skip
        rate(fresh_db, at + timedelta(seconds=i), session_id, citizen, questionnaire, total)
    return world


def test_the_group_trend_averages_each_session_and_flags_falling_and_low(
    fresh_db, rated, frozen_now
):
    found = group_trend(fresh_db, group_id=rated.group_id, staff=LEADER, now=frozen_now)
    rows = [(s.outcome_average, s.outcome_raters, s.session_average, s.session_raters, s.flag)
            for s in found.sessions]  # fmt: skip
    assert rows == [
        (24.0, 3, 34.0, 2, FitFlag.LOW_SESSION),
        (19.0, 2, None, 0, FitFlag.FALLING),
        (None, 1, None, 0, FitFlag.NONE),  # one rater: no figure that is one citizen's
    ]
    assert found.flag is FitFlag.FALLING
    for name in rated.names.values():
        assert name not in repr(found)  # a group-wide view names nobody


def test_reading_the_group_trend_is_audited_per_citizen_whose_ratings_count(
    fresh_db, rated, frozen_now
):
    group_trend(fresh_db, group_id=rated.group_id, staff=ADMIN, now=frozen_now)
    views = audits(fresh_db, "fit_view")
    assert sorted(v.citizen_id for v in views) == sorted(rated.citizens[:3])
    assert {(v.staff_id, v.detail) for v in views} == {(ADMIN.id, f"group={rated.group_id}")}


@pytest.mark.parametrize(
    ("member", "reason"),
    [(OTHER_LEADER, "fit_group_only"), (COUNSELLOR, "role_required"), (DESK, "role_required")],
)
def test_only_the_groups_leader_and_admins_see_its_trend(
    fresh_db, rated, frozen_now, member, reason
):
    with pytest.raises(AttendanceRefused) as refused:
        group_trend(fresh_db, group_id=rated.group_id, staff=member, now=frozen_now)
    assert refused.value.reason == reason
    assert audits(fresh_db, "fit_view") == []
