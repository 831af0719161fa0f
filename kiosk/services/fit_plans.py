"""FIT ratings turned on or off at the kiosk, by the course's counsellor or the group's leader.

Each change is a ``FitPlanChange`` event (a request central applies to its ``FitPlan`` and
publishes to the site's kiosks). The kiosk applies it to its own plan at once, in the same
transaction as the event, its outbox entry and its audit entry, so the next check-in offers
the ratings while offline; until central has acknowledged it, a pull leaves the plan alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from kiosk.services.attendance import AttendanceRefused, require_role, site_of_kiosk
from kiosk.services.audit import audit_entry
from kiosk.services.staff import StaffMember
from models import Course, FitPlan, FitPlanChange, Group
from models.db import read_session, write_session
from models.feedback import FitSwitch, FitTarget
from models.ids import new_id
from models.people import Role
from models.timeutil import local_today
from sync.outbox import record


def fit_is_on(engine: Engine, target_id: str) -> bool:
    """True while FIT ratings are on for the course or group ``target_id``."""
    with read_session(engine) as session:
        return session.get(FitPlan, target_id) is not None


def _allowed(
    session: Session, target: FitTarget, target_id: str, staff: StaffMember
) -> tuple[str, str | None]:
    """(site, citizen) of the course or group, if ``staff`` may set its FIT plan."""
    admin = Role.ADMIN.value in staff.roles
    if target is FitTarget.COURSE:
        require_role(staff, [Role.COUNSELLOR])
        course = session.get(Course, target_id)
        if course is None:
            raise AttendanceRefused("fit_unknown")
        if not admin and course.counsellor_staff_id != staff.id:
            raise AttendanceRefused("fit_not_yours")
        return course.site_id, course.citizen_id
    require_role(staff, [Role.GROUP_LEADER])
    group = session.get(Group, target_id)
    if group is None:
        raise AttendanceRefused("fit_unknown")
    # The group's leader; any group leader of the site while the group has none assigned.
    if not admin and group.leader_staff_id not in (None, staff.id):
        raise AttendanceRefused("fit_not_yours")
    return group.site_id, None


def set_fit_plan(
    engine: Engine, *, target: FitTarget, target_id: str, on: bool, staff: StaffMember,
    now: datetime,
) -> bool:  # fmt: skip
    """Turn FIT ratings on (or off) for a course or group; returns whether they are on now.

    Refused (nothing changed) for someone who is not the course's counsellor or the group's
    leader (admins may), and for a course or group of another site."""
    with write_session(engine) as session:
        site_id, citizen_id = _allowed(session, target, target_id, staff)
        if site_id != site_of_kiosk(session):
            raise AttendanceRefused("fit_unknown")
        plan = session.get(FitPlan, target_id)
        if (plan is not None) == on:
            return on
        change = FitPlanChange(id=new_id(), target=target.value, target_id=target_id,
                               state=(FitSwitch.ON if on else FitSwitch.OFF).value,
                               staff_id=staff.id)  # fmt: skip
        entry = audit_entry(action="fit_on" if on else "fit_off", staff_id=staff.id,
                            citizen_id=citizen_id,
                            detail=f"{target.value}={target_id}")  # fmt: skip
        record(session, [change, entry], now=now)
        if on:
            session.add(FitPlan(id=target_id, target=target.value, site_id=site_id,
                                since=local_today(now)))  # fmt: skip
        else:
            session.delete(plan)
    return on
