"""FIT turned on or off at a kiosk (``fit_plan_change``): which courses and groups a site may
name, whether a request holds together, and central's decision on ``FitPlan``.

A site may set FIT only for its own §82b courses and groups (``docs/authorisation.md``).
Requests for one course or group are last-writer-wins on the HLC: a request older than one
central already holds for it is kept as an event and changes nothing. The plan is published
to the course's or group's site, so every kiosk there offers (or stops offering) the ratings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from models import Course, FitPlan, FitPlanChange, Group
from models.feedback import FitSwitch, FitTarget
from models.timeutil import local_today
from sync.changes import DELETE, publish

KIND = "fit_plan_change"
#: reference class → the refusal a device sees (never naming the value).
REASONS = {"site_fit_target": "the course or group is not known at this site"}


def known_targets(session: Session, site_id: str, named: set[str]) -> dict[str, str]:
    """target id → ``course`` or ``group``, for the named ids that are the site's own."""
    if not named:
        return {}
    found: dict[str, str] = {}
    for model, target in ((Course, FitTarget.COURSE), (Group, FitTarget.GROUP)):
        query = select(model.id).where(model.site_id == site_id, col(model.id).in_(named))
        found.update(dict.fromkeys(session.exec(query).all(), target.value))
    return found


def row_problem(kind: str, params: dict[str, Any], targets: dict[str, str]) -> str:
    """Why a FIT request does not hold together ('' when it does): the id must be a course
    when it says course, a group when it says group."""
    if kind != KIND:
        return ""
    if targets.get(str(params.get("target_id"))) != params.get("target"):
        return REASONS["site_fit_target"]
    return ""


def decide_fit_plans(session: Session, accepted: list[dict[str, Any]], *, now: datetime) -> None:
    """Apply each stored request (in the batch's order) unless a newer one stands."""
    for params in accepted:
        # Compared in Python: packed stamps order as bytes, not by a database's collation.
        stamps = select(FitPlanChange.hlc).where(FitPlanChange.target_id == params["target_id"])
        if any(hlc > params["hlc"] for hlc in session.exec(stamps).all()):
            continue
        plan = session.get(FitPlan, params["target_id"])
        on = params["state"] == FitSwitch.ON
        if on and plan is None:
            plan = FitPlan(id=params["target_id"], target=params["target"],
                           site_id=params["site_id"], since=local_today(now))  # fmt: skip
            publish(session, [plan], now=now)
        elif not on and plan is not None:
            publish(session, [plan], now=now, op=DELETE, sites={plan.site_id})
            session.delete(plan)
            session.flush()
