"""Turning FIT ratings on and off for one §82b course or group (``mestring central fit``).

The plan is reference data: published to the course's or group's site, so its kiosks offer
the ratings after a check-in. Turning it on or off is audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, or_, select

from models import Course, FitPlan, Group
from models.db import write_session
from models.feedback import FitTarget
from models.timeutil import local_today
from sync.admin.audit import central_audit
from sync.changes import DELETE, publish


class FitPlanRefused(ValueError):
    """No such course or group (by id or case-system reference)."""


def _target(session: Session, target: FitTarget, key: str) -> tuple[str, str, str | None]:
    """(id, site, citizen) of the course or group named by id or reference."""
    if target is FitTarget.COURSE:
        query = select(Course).where(or_(Course.id == key, Course.reference == key))
        course = session.exec(query).first()
        if course is None:
            raise FitPlanRefused(f"no course '{key}'")
        return course.id, course.site_id, course.citizen_id
    group = session.exec(select(Group).where(or_(Group.id == key, Group.reference == key))).first()
    if group is None:
        raise FitPlanRefused(f"no group '{key}'")
    return group.id, group.site_id, None


def set_fit(engine: Engine, *, target: FitTarget, key: str, on: bool, now: datetime) -> bool:
    """Turn FIT ratings on (or off) for a course or group; False when nothing changed."""
    with write_session(engine) as session:
        target_id, site_id, citizen_id = _target(session, target, key)
        plan = session.get(FitPlan, target_id)
        if (plan is not None) == on:
            return False
        if on:
            plan = FitPlan(id=target_id, target=target, site_id=site_id, since=local_today(now))
            session.add(plan)
            session.flush()
            publish(session, [plan], now=now)
        else:
            assert plan is not None
            publish(session, [plan], now=now, op=DELETE, sites={site_id})
            session.delete(plan)
        central_audit(session, action="fit_on" if on else "fit_off", now=now,
                      citizen_id=citizen_id, detail=f"{target.value}={target_id}")  # fmt: skip
    return True
