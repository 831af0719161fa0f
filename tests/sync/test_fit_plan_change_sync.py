"""FIT turned on or off at a kiosk: the request reaches central, which applies it to the
plan of the site's own course or group (latest HLC wins) and publishes it to the site's
other kiosks; a request for another site's course or group is refused."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from kiosk.services.fit_plans import set_fit_plan
from kiosk.services.staff import StaffMember
from models import Course, FitPlan, FitPlanChange, GroupSession, Staff, StaffSiteRole
from models.db import read_session, write_session
from models.feedback import FitTarget
from models.ids import new_id
from sync.changes import publish
from sync.server.fit_changes import REASONS
from tests.conftest import FROZEN_NOW
from tests.sync.trust_world import add_staff, base_row, push_one, push_rows
from tests.sync.world import World, sync

NOW = FROZEN_NOW


def _group_of(world: World, session_id: str) -> str:
    with read_session(world.central) as session:
        return session.get(GroupSession, session_id).group_id  # type: ignore[union-attr]


def _request(kiosk, staff_id: str, target_id: str, state: str, *, at=NOW, target="group"):
    return base_row(kiosk, at, target=target, target_id=target_id, state=state,
                    staff_id=staff_id)  # fmt: skip


def plans(engine) -> list[str]:
    with read_session(engine) as session:
        return sorted(p.id for p in session.exec(select(FitPlan)))


async def test_fit_turned_on_at_a_kiosk_reaches_the_sites_other_kiosk_and_off_again(world):
    _citizen, [session_id] = world.add_group_with_citizen("hornslet")
    group_id = _group_of(world, session_id)
    desk, sibling = world.kiosk("hornslet"), world.kiosk("hornslet")
    staff = add_staff(world, "hornslet")
    on = _request(desk, staff, group_id, "on")
    assert await push_one(world, desk, "fit_plan_change", on) == ""
    assert plans(world.central) == [group_id]
    await sync(sibling, NOW)
    assert plans(sibling.engine) == [group_id]
    later = NOW + timedelta(minutes=5)
    off = _request(desk, staff, group_id, "off", at=later)
    assert await push_one(world, desk, "fit_plan_change", off) == ""
    assert plans(world.central) == []
    await sync(sibling, later)
    assert plans(sibling.engine) == []


async def test_a_request_older_than_the_one_central_holds_changes_nothing(world):
    _citizen, [session_id] = world.add_group_with_citizen("hornslet")
    group_id = _group_of(world, session_id)
    desk, other_desk = world.kiosk("hornslet"), world.kiosk("hornslet")
    staff = add_staff(world, "hornslet")
    newer = _request(desk, staff, group_id, "on", at=NOW + timedelta(minutes=2))
    older = _request(other_desk, staff, group_id, "off", at=NOW)  # an offline desk, late
    assert await push_one(world, desk, "fit_plan_change", newer) == ""
    assert await push_one(world, other_desk, "fit_plan_change", older) == ""
    assert plans(world.central) == [group_id]  # the later request stands
    with read_session(world.central) as session:
        assert len(session.exec(select(FitPlanChange)).all()) == 2  # both kept as events


async def test_a_site_may_not_set_fit_for_another_sites_course_or_group(world):
    citizen, [session_id] = world.add_group_with_citizen("hornslet")
    group_id = _group_of(world, session_id)
    course_id = new_id()
    with write_session(world.central) as session:
        publish(session, [Course(id=course_id, citizen_id=citizen, site_id="hornslet",
                                 offer_id="forloeb-82b", starts_on=date(2026, 11, 1))],
                now=NOW)  # fmt: skip
    ebeltoft, hornslet = world.kiosk("ebeltoft"), world.kiosk("hornslet")
    outsider = add_staff(world, "ebeltoft", "EB")
    for target, target_id in (("group", group_id), ("course", course_id)):
        row = _request(ebeltoft, outsider, target_id, "on", target=target)
        assert await push_one(world, ebeltoft, "fit_plan_change", row) == REASONS["site_fit_target"]
    # Hornslet's own, but the wrong kind (a course named as a group), and without staff.
    staff = add_staff(world, "hornslet")
    wrong_kind = _request(hornslet, staff, course_id, "on", target="group")
    assert (
        await push_one(world, hornslet, "fit_plan_change", wrong_kind) == REASONS["site_fit_target"]
    )
    no_staff = _request(hornslet, staff, group_id, "on") | {"staff_id": None}
    assert "staff_id is required" in await push_one(world, hornslet, "fit_plan_change", no_staff)
    assert plans(world.central) == []


async def test_the_counsellors_switch_at_the_kiosk_syncs_and_the_pull_keeps_it(world):
    """End to end: the service writes the request and the kiosk's own plan; a pull before the
    push does not undo it; after the sync central holds the plan too."""
    citizen, _sessions = world.add_group_with_citizen("hornslet")
    counsellor = add_staff(world, "hornslet", "CO")
    course_id = new_id()
    with write_session(world.central) as session:
        session.add(StaffSiteRole(staff_id=counsellor, site_id="hornslet", role="counsellor"))
        publish(session, [Course(id=course_id, citizen_id=citizen, site_id="hornslet",
                                 offer_id="forloeb-82b", counsellor_staff_id=counsellor,
                                 starts_on=date(2026, 11, 1))], now=NOW)  # fmt: skip
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, NOW)
    with read_session(kiosk.engine) as session:
        assert session.get(Staff, counsellor) is not None
    member = StaffMember(counsellor, "CO", "Test", frozenset({"counsellor"}))
    set_fit_plan(kiosk.engine, target=FitTarget.COURSE, target_id=course_id, on=True,
                 staff=member, now=NOW)  # fmt: skip
    assert plans(kiosk.engine) == [course_id] and plans(world.central) == []
    report = await sync(kiosk, NOW + timedelta(minutes=1))
    assert report.rejected == 0 and "fit_plan" not in report.resynced_tables
    assert plans(world.central) == [course_id] and plans(kiosk.engine) == [course_id]


async def test_requests_of_one_batch_apply_in_order(world):
    _citizen, [session_id] = world.add_group_with_citizen("hornslet")
    group_id = _group_of(world, session_id)
    desk = world.kiosk("hornslet")
    staff = add_staff(world, "hornslet")
    rows = [
        ("fit_plan_change", _request(desk, staff, group_id, state, at=NOW + timedelta(seconds=i)))
        for i, state in enumerate(("on", "off", "on"))
    ]
    result = await push_rows(world, desk, *rows)
    assert result.rejections == []
    assert plans(world.central) == [group_id]


async def test_a_session_rating_from_a_site_outside_the_groups_scope_is_refused(world):
    """The session-end rating names a group session: only the session's own site may send
    it, even for a citizen both sites know."""
    from models import Enrolment, FitRating, Group
    from sync.server.references import REASONS as REFERENCE_REASONS

    citizen, [session_id] = world.add_group_with_citizen("hornslet")
    with write_session(world.central) as session:
        group = Group(id=new_id(), site_id="ebeltoft", offer_id="gruppeforloeb", title="Ro",
                      code="G-E2", starts_on=date(2026, 9, 1))  # fmt: skip
        publish(session, [group], now=NOW)
        publish(session, [Enrolment(id=new_id(), group_id=group.id, citizen_id=citizen,
                                    site_id="ebeltoft", starts_on=date(2026, 9, 1))],
                now=NOW)  # fmt: skip
    scores = ",".join(f"fit-session.{n}:9" for n in range(1, 5))
    for site, expected in (("ebeltoft", REFERENCE_REASONS["site_session"]), ("hornslet", "")):
        kiosk = world.kiosk(site)
        row = base_row(kiosk, NOW, questionnaire_id="fit-session", citizen_id=citizen,
                       course_id=None, session_id=session_id, answers=scores,
                       staff_id=None)  # fmt: skip
        assert await push_one(world, kiosk, "fit_rating", row) == expected
    with read_session(world.central) as session:
        assert [r.site_id for r in session.exec(select(FitRating))] == ["hornslet"]
