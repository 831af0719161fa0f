"""The default questionnaires in the front-desk test database (Hornslet's uses only)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from models import FitPlan
from models.db import write_session
from models.demo_questionnaires import questionnaire_uses, questionnaires, questions
from models.feedback import FitTarget


def seed_questionnaires(engine: Engine, *, automatic: bool = False) -> None:
    """The visit questionnaire after walk-in check-ins at Hornslet (``automatic``: it opens
    by itself), and the two FIT rating scales."""
    with write_session(engine) as session:
        for row in (*questionnaires(), *questions()):
            session.add(row)
            session.flush()
        for use in questionnaire_uses():
            if use.site_id == "hornslet":
                use.automatic = automatic
                session.add(use)


def turn_on_fit(engine: Engine, target_id: str = "g-adhd", target: str = FitTarget.GROUP) -> None:
    with write_session(engine) as session:
        session.add(FitPlan(id=target_id, target=target, site_id="hornslet",
                            since=date(2026, 9, 1)))  # fmt: skip
