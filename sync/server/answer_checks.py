"""The push checks of questionnaire answers and FIT ratings that need more than one field:
do the answers fit the questionnaire they name, and does a rating belong to a course or a
session of the calling site (``docs/authorisation.md``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from models import Course, Questionnaire, QuestionnaireQuestion
from models.feedback import Purpose, answer_problem

#: reference class → the refusal a device sees (never naming the value).
REASONS = {
    "anonymous_questionnaire": "the questionnaire is not an anonymous one of the catalogue",
    "fit_questionnaire": "the questionnaire is not a rating scale of the catalogue",
    "site_course": "the course is not known at this site",
}
ANSWER_KINDS = frozenset({"questionnaire_answer", "fit_rating"})


def known_ids(session: Session, site_id: str, named: dict[str, set[str]]) -> dict[str, set[str]]:
    """The ids of the new reference classes the site may name (for one batch)."""
    purposes = dict(session.exec(select(Questionnaire.id, Questionnaire.purpose)).all())
    courses: set[str] = set()
    if named.get("site_course"):
        query = select(Course.id).where(
            Course.site_id == site_id, col(Course.id).in_(named["site_course"])
        )
        courses = set(session.exec(query).all())
    return {
        "anonymous_questionnaire": {q for q, p in purposes.items() if p == Purpose.ANONYMOUS},
        "fit_questionnaire": {q for q, p in purposes.items() if p != Purpose.ANONYMOUS},
        "site_course": courses,
    }


def questions_of(session: Session, questionnaire_ids: set[str]) -> dict[str, list[Any]]:
    """The questions of each named questionnaire."""
    found: dict[str, list[Any]] = {q: [] for q in questionnaire_ids}
    if questionnaire_ids:
        query = select(QuestionnaireQuestion).where(
            col(QuestionnaireQuestion.questionnaire_id).in_(questionnaire_ids)
        )
        for question in session.exec(query).all():
            found[question.questionnaire_id].append(question)
    return found


def row_problem(
    kind: str, params: dict[str, Any], questions: dict[str, list[Any]], courses: dict[str, str]
) -> str:
    """Why an answer or rating row does not hold together ('' when it does).

    ``courses`` maps the site's named course ids to their citizen."""
    if kind not in ANSWER_KINDS:
        return ""
    problem = answer_problem(
        str(params.get("answers") or ""), questions.get(str(params.get("questionnaire_id")), [])
    )
    if problem:
        return problem
    if kind == "fit_rating":
        course_id, session_id = params.get("course_id"), params.get("session_id")
        if not course_id and not session_id:
            return "a rating names neither a course nor a group session"
        if course_id and courses.get(str(course_id)) != params.get("citizen_id"):
            return REASONS["site_course"]
    return ""


def course_citizens(session: Session, site_id: str, course_ids: set[str]) -> dict[str, str]:
    """course id → citizen, for the named courses of the site."""
    if not course_ids:
        return {}
    query = select(Course.id, Course.citizen_id).where(
        Course.site_id == site_id, col(Course.id).in_(course_ids)
    )
    return dict(session.exec(query).all())
