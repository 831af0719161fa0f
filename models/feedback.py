"""Citizens' own voice: questionnaires as reference data, their answers and FIT ratings.

Central defines short questionnaires (1–6 questions; each a scale with labelled ends, a
choice or yes/no; no free text, because free text invites personal data) and which sites
and offers use them. Answers to an anonymous questionnaire carry no identity at all (offer,
site, day, answers; id, time and HLC cut to the hour). FIT-style outcome and session ratings
belong to a citizen's §82b course or group and are health data (``docs/questionnaires.md``).

Answers travel as one text: ``question_id:value`` pairs joined by commas, in question order;
a skipped question is left out. ``answer_problem`` checks them against the questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum

from sqlmodel import Field, SQLModel

import models.catalogue  # noqa: F401  (site, offer: tables the foreign keys name)
from models.events import EventBase

#: Most questions a questionnaire may have (the citizen stands at a desk).
MAX_QUESTIONS = 6
#: One answer pair on the wire: ``question id:whole number``.
ANSWER_PAIR = re.compile(r"([a-z0-9][a-z0-9_.-]{0,39}):(\d{1,2})")


class Purpose(StrEnum):
    """What a questionnaire is for; only ``anonymous`` answers are stored without identity."""

    ANONYMOUS = "anonymous"  # "Hvordan var dit besøg i dag?": no identity at all
    FIT_OUTCOME = "fit_outcome"  # 4 scales 0–10 at the start of a meeting (identified)
    FIT_SESSION = "fit_session"  # 4 scales 0–10 at the end of a meeting (identified)

    @property
    def identified(self) -> bool:
        return self is not Purpose.ANONYMOUS


class QuestionKind(StrEnum):
    SCALE = "scale"  # low..high with labelled ends
    CHOICE = "choice"  # 1..n of the options
    YES_NO = "yes_no"  # 1 = yes, 2 = no


class Moment(StrEnum):
    """When a questionnaire is offered to the citizen."""

    AFTER_CHECK_IN = "after_check_in"
    SESSION_END = "session_end"
    STANDALONE = "standalone"


class FitTarget(StrEnum):
    COURSE = "course"  # an individual §82b course
    GROUP = "group"  # a §82a group course (rated per session)


class QuestionnaireBase(SQLModel):
    title_da: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    purpose: str = Field(default=Purpose.ANONYMOUS, max_length=16)  # Purpose
    active: bool = True
    sort_order: int = 0


class Questionnaire(QuestionnaireBase, table=True):
    """A short questionnaire; the id is a slug such as ``besoeg``."""

    __tablename__ = "questionnaire"
    id: str = Field(primary_key=True, max_length=40)


class QuestionnaireQuestion(SQLModel, table=True):
    """One question: a scale ``low``..``high`` (ends labelled), a choice or yes/no.

    ``options_da``/``options_en`` hold a choice's options separated by ``|`` (numbered 1..n).
    """

    __tablename__ = "questionnaire_question"
    id: str = Field(primary_key=True, max_length=40)
    questionnaire_id: str = Field(foreign_key="questionnaire.id", index=True, max_length=40)
    position: int = 1
    kind: str = Field(default=QuestionKind.SCALE, max_length=16)  # QuestionKind
    text_da: str = Field(max_length=200)
    text_en: str = Field(max_length=200)
    low: int = 1
    high: int = 5
    low_da: str = Field(default="", max_length=60)
    low_en: str = Field(default="", max_length=60)
    high_da: str = Field(default="", max_length=60)
    high_en: str = Field(default="", max_length=60)
    options_da: str = Field(default="", max_length=400)
    options_en: str = Field(default="", max_length=400)

    def values(self) -> range:
        """The whole numbers that answer this question."""
        if self.kind == QuestionKind.YES_NO:
            return range(1, 3)
        if self.kind == QuestionKind.CHOICE:
            return range(1, len(options(self.options_da)) + 1)
        return range(self.low, self.high + 1)


class QuestionnaireUse(SQLModel, table=True):
    """Which site uses a questionnaire for which offer, when, and whether it opens by itself
    after a check-in (``automatic``) or only when the desk presses the key."""

    __tablename__ = "questionnaire_use"
    questionnaire_id: str = Field(foreign_key="questionnaire.id", primary_key=True, max_length=40)
    site_id: str = Field(foreign_key="site.id", primary_key=True, max_length=32)
    offer_id: str = Field(foreign_key="offer.id", primary_key=True, max_length=40)
    moment: str = Field(default=Moment.AFTER_CHECK_IN, max_length=16)  # Moment
    automatic: bool = False


class FitPlan(SQLModel, table=True):
    """FIT ratings turned on for one §82b course or group (the id is the course's or group's).

    Set on central (``mestring central fit on``) or by a ``FitPlanChange`` from a kiosk of the
    site; a deleted row turns the ratings off again.
    """

    __tablename__ = "fit_plan"
    id: str = Field(primary_key=True, max_length=36)
    target: str = Field(max_length=16)  # FitTarget
    site_id: str = Field(foreign_key="site.id", index=True, max_length=32)
    since: date


class QuestionnaireAnswer(EventBase, table=True):
    """A citizen's answers to an anonymous questionnaire: offer, site, day, answers.

    No citizen, no staff, no precise time: the id, ``created_at`` and the HLC are cut to the
    hour (as for anonymous contacts), so the answers cannot be tied to a visit at the desk.
    """

    __tablename__ = "questionnaire_answer"
    questionnaire_id: str = Field(max_length=40)
    offer_id: str = Field(max_length=40)
    answer_date: date = Field(index=True)
    answers: str = Field(max_length=400)


class FitSwitch(StrEnum):
    """What a kiosk asks central to do with a course's or group's FIT plan."""

    ON = "on"
    OFF = "off"


class FitPlanChange(EventBase, table=True):
    """A counsellor or group leader turned FIT ratings on or off at a kiosk: a request that
    central applies to ``FitPlan`` (the latest HLC per course or group wins) and publishes to
    the site's kiosks. The kiosk applies it to its own plan at once."""

    __tablename__ = "fit_plan_change"
    target: str = Field(max_length=16)  # FitTarget
    target_id: str = Field(index=True, max_length=36)
    state: str = Field(max_length=8)  # FitSwitch
    staff_id: str | None = Field(default=None, max_length=36)


class FitRating(EventBase, table=True):
    """An identified outcome or session rating (health data) of a §82b course or a group
    session; visible only to the counsellor, the group's leader and administrators."""

    __tablename__ = "fit_rating"
    questionnaire_id: str = Field(max_length=40)  # a FIT questionnaire (outcome or session)
    citizen_id: str = Field(index=True, max_length=36)
    course_id: str | None = Field(default=None, index=True, max_length=36)
    session_id: str | None = Field(default=None, index=True, max_length=36)
    answers: str = Field(max_length=400)
    staff_id: str | None = Field(default=None, max_length=36)


def options(text: str) -> list[str]:
    """A choice's options from their stored form ``a|b|c``."""
    return [part.strip() for part in text.split("|") if part.strip()]


def format_answers(answers: Mapping[str, int]) -> str:
    """The wire form of answers (already in question order)."""
    return ",".join(f"{question}:{value}" for question, value in answers.items())


def parse_answers(text: str) -> dict[str, int]:
    """Answers from their wire form; ``ValueError`` for anything else."""
    found: dict[str, int] = {}
    for pair in text.split(",") if text else ():
        match = ANSWER_PAIR.fullmatch(pair)
        if match is None or match.group(1) in found:
            raise ValueError("answers are not question:number pairs")
        found[match.group(1)] = int(match.group(2))
    return found


def answer_problem(text: str, questions: Iterable[QuestionnaireQuestion]) -> str:
    """Why ``text`` does not answer ``questions`` ('' when it does): every answer names one
    of them with a value it allows, and at least one question is answered."""
    try:
        answers = parse_answers(text)
    except ValueError:
        return "the answers are not question:number pairs"
    if not answers:
        return "no question is answered"
    known = {q.id: q for q in questions}
    for question_id, value in answers.items():
        question = known.get(question_id)
        if question is None:
            return "an answer names a question the questionnaire does not have"
        if value not in question.values():
            return "an answer is outside its question's scale"
    return ""
