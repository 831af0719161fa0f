"""A group's FIT trend for its leader (F7): per session, the average outcome and session
rating of the participants who rated it, and a flag where the outcome falls or the session
is rated low.

Health data: only the group's leader (any group leader while the group has none assigned)
and administrators read it, and every read is audited per citizen whose ratings it counts.
It is a group-wide view, so it names no citizen and shows no figure that is one citizen's:
a session average of fewer than ``MIN_RATERS`` participants is left out (its count shows).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from kiosk.services.attendance import AttendanceRefused, require_role
from kiosk.services.audit import audit_entry
from kiosk.services.privacy import display_title
from kiosk.services.staff import StaffMember
from models import FitPlan, Group, GroupSession
from models.db import write_session
from models.feedback import Purpose
from models.figures.fit import SESSION_CUTOFF, FitFlag, RatingFact, rating_facts
from models.people import Role
from models.schedule import SessionStatus
from models.timeutil import local_day_bounds, local_today
from sync.outbox import record

#: Fewest participants whose ratings make a session average (one would be that citizen's).
MIN_RATERS = 2


@dataclass(frozen=True, slots=True)
class SessionTrend:
    """One session: the averages (None: no rating, or too few to show) and their counts."""

    session_id: str
    starts_at: datetime
    outcome_average: float | None
    outcome_raters: int
    session_average: float | None
    session_raters: int
    flag: FitFlag = FitFlag.NONE


@dataclass(frozen=True, slots=True)
class GroupTrend:
    group_id: str
    title: str
    fit_on: bool
    sessions: tuple[SessionTrend, ...]

    @property
    def flag(self) -> FitFlag:
        """The latest session's flag that has figures (the group as it stands now)."""
        shown = [s for s in self.sessions if s.outcome_average is not None
                 or s.session_average is not None]  # fmt: skip
        return shown[-1].flag if shown else FitFlag.NONE


def may_see_group_ratings(staff: StaffMember, *, leader_staff_id: str | None) -> bool:
    """The group's leader (any group leader while none is assigned) or an administrator."""
    if Role.ADMIN.value in staff.roles:
        return True
    if not staff.has(Role.GROUP_LEADER):
        return False
    return leader_staff_id in (None, staff.id)


def _average(facts: list[RatingFact]) -> tuple[float | None, int]:
    """The average score of each rater's latest rating, and how many raters there are."""
    latest: dict[str, RatingFact] = {}
    for fact in sorted(facts, key=lambda f: f.hlc):
        latest[fact.citizen_id] = fact
    raters = len(latest)
    if raters < MIN_RATERS:
        return None, raters
    return sum(f.score for f in latest.values()) / raters, raters


def _flagged(rows: list[SessionTrend]) -> list[SessionTrend]:
    """Each session flagged: its outcome average below the first shown one, or its session
    average below the cut-off (``models.figures.fit.SESSION_CUTOFF``)."""
    first = next((r.outcome_average for r in rows if r.outcome_average is not None), None)
    flagged = []
    for row in rows:
        flag = FitFlag.NONE
        if first is not None and row.outcome_average is not None and row.outcome_average < first:
            flag = FitFlag.FALLING
        elif row.session_average is not None and row.session_average < SESSION_CUTOFF:
            flag = FitFlag.LOW_SESSION
        flagged.append(SessionTrend(row.session_id, row.starts_at, row.outcome_average,
                                    row.outcome_raters, row.session_average,
                                    row.session_raters, flag))  # fmt: skip
    return flagged


def group_trend(engine: Engine, *, group_id: str, staff: StaffMember, now: datetime) -> GroupTrend:
    """The group's sessions up to today with their rating averages; refused (nothing read)
    for anyone but its leader or an administrator. One ``fit_view`` audit entry per citizen
    whose ratings are counted."""
    require_role(staff, [Role.GROUP_LEADER])
    _start, end = local_day_bounds(local_today(now))
    with write_session(engine) as session:
        group = session.get(Group, group_id)
        if group is None:
            raise AttendanceRefused("fit_unknown")
        if not may_see_group_ratings(staff, leader_staff_id=group.leader_staff_id):
            raise AttendanceRefused("fit_group_only")
        query = (
            select(GroupSession)
            .where(GroupSession.group_id == group_id, col(GroupSession.starts_at) < end)
            .where(GroupSession.status != SessionStatus.CANCELLED)
            .order_by(col(GroupSession.starts_at))
        )
        sessions = list(session.exec(query).all())
        facts = rating_facts(session, session_ids=[s.id for s in sessions])
        by_session: dict[tuple[str, Purpose], list[RatingFact]] = defaultdict(list)
        for fact in facts:
            by_session[(fact.session_id or "", fact.purpose)].append(fact)
        rows = []
        for gs in sessions:
            outcome, outcome_n = _average(by_session[(gs.id, Purpose.FIT_OUTCOME)])
            rated, rated_n = _average(by_session[(gs.id, Purpose.FIT_SESSION)])
            rows.append(SessionTrend(gs.id, gs.starts_at, outcome, outcome_n, rated, rated_n))
        citizens = sorted({fact.citizen_id for fact in facts})
        entries = [audit_entry(action="fit_view", staff_id=staff.id, citizen_id=citizen,
                               detail=f"group={group_id}") for citizen in citizens]  # fmt: skip
        if entries:
            record(session, entries, now=now)
        fit_on = session.get(FitPlan, group_id) is not None
        title = display_title(group, private=True)
    return GroupTrend(group_id, title, fit_on, tuple(_flagged(rows)))
