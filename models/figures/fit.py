"""FIT-style outcome and session ratings: a course's trend and its flags (docs/questionnaires.md).

A rating's score is the sum of its four 0–10 scales (0–40). A course's trend compares its
first and latest outcome ratings; it is flagged when the outcome falls, or when the latest
session rating is below ``SESSION_CUTOFF`` (the collaboration is not experienced as good).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.feedback import FitRating, Purpose, Questionnaire, parse_answers
from models.figures.facts import Period, chunks, plain_rows, site_filter, utc_bounds
from models.schedule import GroupSession

#: A session rated below this total (of 40) is flagged and counted as low in the reports.
SESSION_CUTOFF = 36


class FitFlag(StrEnum):
    NONE = "none"
    FALLING = "falling"  # the latest outcome rating is below the first
    LOW_SESSION = "low_session"  # the latest session rating is below the cut-off


@dataclass(frozen=True, slots=True)
class RatingFact:
    """One rating: its course (or group session), purpose, HLC and total score."""

    course_id: str | None
    session_id: str | None
    citizen_id: str
    purpose: Purpose
    hlc: str
    score: int
    site_id: str = ""
    group_id: str = ""  # the group of ``session_id``, where the report needs it

    @property
    def unit(self) -> tuple[str, str]:
        """What a trend follows: the course, or one citizen's place in one group."""
        if self.course_id:
            return ("course", self.course_id)
        return ("group", f"{self.group_id}|{self.citizen_id}")


@dataclass(frozen=True, slots=True)
class FitTrend:
    """A course's outcome trend (first, latest, change) and its latest session rating."""

    outcomes: int
    first: int | None
    latest: int | None
    sessions: int
    latest_session: int | None
    low_sessions: int

    @property
    def change(self) -> int | None:
        if self.first is None or self.latest is None or self.outcomes < 2:
            return None
        return self.latest - self.first

    @property
    def flag(self) -> FitFlag:
        if self.change is not None and self.change < 0:
            return FitFlag.FALLING
        if self.latest_session is not None and self.latest_session < SESSION_CUTOFF:
            return FitFlag.LOW_SESSION
        return FitFlag.NONE


def score(answers: str) -> int:
    """The total of a rating's scales (a skipped scale counts nothing)."""
    try:
        return sum(parse_answers(answers).values())
    except ValueError:
        return 0


def trend(ratings: Iterable[RatingFact]) -> FitTrend:
    """The trend of one course's (or one citizen's group) ratings, in HLC order."""
    ordered = sorted(ratings, key=lambda r: r.hlc)
    outcomes = [r.score for r in ordered if r.purpose is Purpose.FIT_OUTCOME]
    sessions = [r.score for r in ordered if r.purpose is Purpose.FIT_SESSION]
    return FitTrend(
        outcomes=len(outcomes),
        first=outcomes[0] if outcomes else None,
        latest=outcomes[-1] if outcomes else None,
        sessions=len(sessions),
        latest_session=sessions[-1] if sessions else None,
        low_sessions=sum(1 for s in sessions if s < SESSION_CUTOFF),
    )


def rating_facts(session: Session, *, course_ids: Sequence[str] = (),
                 session_ids: Sequence[str] = ()) -> list[RatingFact]:  # fmt: skip
    """The ratings of the named courses and group sessions."""
    purposes = {
        qid: Purpose(p) for qid, p in session.exec(select(Questionnaire.id, Questionnaire.purpose))
    }
    found: dict[str, RatingFact] = {}
    for column, ids in ((FitRating.course_id, course_ids), (FitRating.session_id, session_ids)):
        for part in chunks(list(ids)):
            stmt = sa_select(
                col(FitRating.id), col(FitRating.course_id), col(FitRating.session_id),
                col(FitRating.citizen_id), col(FitRating.questionnaire_id), col(FitRating.hlc),
                col(FitRating.answers),
            ).where(col(column).in_(part))  # fmt: skip
            for id_, course, group_session, citizen, qid, hlc, answers in plain_rows(session, stmt):
                purpose = purposes.get(qid)
                if purpose is not None and purpose.identified:
                    found[id_] = RatingFact(course, group_session, citizen, purpose, hlc,
                                            score(answers))  # fmt: skip
    return list(found.values())


def course_trends(facts: Iterable[RatingFact]) -> dict[str, FitTrend]:
    """course id → its trend (ratings of group sessions are left out)."""
    by_course: dict[str, list[RatingFact]] = defaultdict(list)
    for fact in facts:
        if fact.course_id:
            by_course[fact.course_id].append(fact)
    return {course_id: trend(ratings) for course_id, ratings in by_course.items()}


def ratings_in(session: Session, period: Period) -> list[RatingFact]:
    """Every rating made in the period at the period's site (or all sites), with the group of
    each group-session rating."""
    purposes = {
        qid: Purpose(p) for qid, p in session.exec(select(Questionnaire.id, Questionnaire.purpose))
    }
    groups = dict(session.exec(select(GroupSession.id, GroupSession.group_id)).all())
    lo, hi = utc_bounds(period)
    stmt = sa_select(
        col(FitRating.course_id), col(FitRating.session_id), col(FitRating.citizen_id),
        col(FitRating.questionnaire_id), col(FitRating.hlc), col(FitRating.answers),
        col(FitRating.site_id),
    ).where(col(FitRating.created_at) >= lo, col(FitRating.created_at) < hi)  # fmt: skip
    found = []
    for course, group_session, citizen, qid, hlc, answers, site in plain_rows(
        session, site_filter(stmt, col(FitRating.site_id), period.site)
    ):
        purpose = purposes.get(qid)
        if purpose is not None and purpose.identified:
            found.append(RatingFact(course, group_session, citizen, purpose, hlc, score(answers),
                                    site, groups.get(group_session or "", "")))  # fmt: skip
    return found
