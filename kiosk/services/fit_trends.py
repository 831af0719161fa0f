"""FIT trends on F8: each of the counsellor's courses' first, latest and change of outcome
ratings, and its latest session rating (health data: only the course's counsellor or an
administrator reads them, and every read is audited per citizen)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from kiosk.services.attendance import require_role
from kiosk.services.audit import audit
from kiosk.services.staff import StaffMember
from models import Course
from models.db import write_session
from models.figures.fit import FitTrend, course_trends, rating_facts
from models.people import Role


def my_course_trends(
    engine: Engine, *, staff: StaffMember, course_ids: Sequence[str], now: datetime
) -> dict[str, FitTrend]:
    """course id → trend, for the named courses the member counsels (all, for an admin) that
    have ratings; one ``fit_view`` audit entry per citizen whose ratings are shown."""
    require_role(staff, [Role.COUNSELLOR])
    with write_session(engine) as session:
        query = select(Course.id, Course.citizen_id).where(col(Course.id).in_(list(course_ids)))
        if Role.ADMIN.value not in staff.roles:
            query = query.where(Course.counsellor_staff_id == staff.id)
        allowed = dict(session.exec(query).all())
        trends = course_trends(rating_facts(session, course_ids=sorted(allowed)))
        for course_id in sorted(trends):
            audit(session, action="fit_view", staff_id=staff.id, citizen_id=allowed[course_id],
                  detail=f"course={course_id}", now=now)  # fmt: skip
    return trends
