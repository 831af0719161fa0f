"""Report sections about what citizens said: one per anonymous questionnaire, and FIT.

Small numbers are suppressed: a group (site and offer, or a question in it, or a site's
courses or session ratings) with fewer than ``MIN_RESPONSES`` answers shows no figure, so no
answer can be traced to a person. No total is shown across groups either: subtracting the
shown groups from it would give the suppressed ones back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.feedback import (
    Purpose,
    QuestionKind,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireQuestion,
    options,
    parse_answers,
)
from models.figures.facts import Period, plain_rows, site_filter
from models.figures.fit import SESSION_CUTOFF, RatingFact, ratings_in, trend
from models.figures.names import Names, column, count, sort_rows
from models.figures.report import Cell, Chart, ColumnType, Section
from models.figures.rules import percent
from models.text import danish_sort_key

#: Fewer answers than this in a group: no figure.
MIN_RESPONSES = 5
SITE = column("site", "Sted", "Site")
OFFER = column("offer", "Tilbud", "Offer")
QUESTION = column("question", "Spørgsmål", "Question")
ANSWER = column("answer", "Svar", "Answer")
RESPONSES = count("responses", "Besvarelser", "Responses")
COUNT = count("count", "Antal", "Count")
SHARE = column("share", "Andel %", "Share %", ColumnType.PERCENT)
ANSWER_COLUMNS = (SITE, OFFER, QUESTION, ANSWER, RESPONSES, COUNT, SHARE)
FIT_COLUMNS = (
    SITE,
    count("courses", "Forløb med vurderinger", "Courses with ratings"),
    count("followed", "Forløb med 2+ trivselsvurderinger", "Courses with 2+ outcome ratings"),
    column("change", "Gns. ændring i trivsel", "Average outcome change", ColumnType.DECIMAL),
    count("sessions", "Mødevurderinger", "Session ratings"),
    column("low", f"Under {SESSION_CUTOFF} %", f"Below {SESSION_CUTOFF} %", ColumnType.PERCENT),
)
WORDS = {
    "suppressed": ("(under 5 svar: intet tal)", "(under 5 answers: no figure)"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
}
Answers = dict[str, int]


def _word(names: Names, key: str) -> str:
    da, en = WORDS[key]
    return en if names.language == "en" else da


def answers_in(session: Session, period: Period) -> dict[str, dict[tuple[str, str], list[Answers]]]:
    """questionnaire → (site, offer) → the answers given in the period."""
    stmt = sa_select(
        col(QuestionnaireAnswer.questionnaire_id), col(QuestionnaireAnswer.site_id),
        col(QuestionnaireAnswer.offer_id), col(QuestionnaireAnswer.answers),
    ).where(
        col(QuestionnaireAnswer.answer_date) >= period.start,
        col(QuestionnaireAnswer.answer_date) <= period.end,
    )  # fmt: skip
    stmt = site_filter(stmt, col(QuestionnaireAnswer.site_id), period.site)
    found: dict[str, dict[tuple[str, str], list[Answers]]] = defaultdict(lambda: defaultdict(list))
    for questionnaire_id, site, offer, text in plain_rows(session, stmt):
        try:
            found[questionnaire_id][(site, offer)].append(parse_answers(text))
        except ValueError:
            continue  # central refuses such rows; a kiosk's own copy is not trusted either
    return found


def value_label(question: QuestionnaireQuestion, value: int, names: Names) -> str:
    """How an answer reads: ``1 (dårligt)``, ``3``, ``ja``, or the option chosen."""
    english = names.language == "en"
    if question.kind == QuestionKind.YES_NO:
        return _word(names, "yes" if value == 1 else "no")
    if question.kind == QuestionKind.CHOICE:
        labels = options(question.options_en if english else question.options_da)
        return labels[value - 1] if 0 < value <= len(labels) else str(value)
    low = question.low_en if english else question.low_da
    high = question.high_en if english else question.high_da
    end = low if value == question.low else high if value == question.high else ""
    return f"{value} ({end})" if end else str(value)


def _group_rows(
    site: str,
    offer: str,
    given: list[Answers],
    questions: Sequence[QuestionnaireQuestion],
    names: Names,
) -> list[tuple[Cell, ...]]:
    site_name, offer_name = names.site(site), names.offer(offer)
    if len(given) < MIN_RESPONSES:
        return [(site_name, offer_name, "", _word(names, "suppressed"), None, None, None)]
    rows: list[tuple[Cell, ...]] = []
    english = names.language == "en"
    for question in questions:
        text = question.text_en if english else question.text_da
        answered = [a[question.id] for a in given if question.id in a]
        if len(answered) < MIN_RESPONSES:
            rows.append((site_name, offer_name, text, _word(names, "suppressed"), None, None, None))
            continue
        for value in question.values():
            n = answered.count(value)
            rows.append((site_name, offer_name, text, value_label(question, value, names),
                         len(answered), n, percent(n, len(answered))))  # fmt: skip
    return rows


def questionnaire_sections(session: Session, period: Period, names: Names) -> list[Section]:
    """One section per anonymous questionnaire that is active or was answered in the period."""
    given = answers_in(session, period)
    query = select(Questionnaire).where(Questionnaire.purpose == Purpose.ANONYMOUS)
    sections = []
    for questionnaire in session.exec(query.order_by(col(Questionnaire.sort_order))).all():
        if not questionnaire.active and questionnaire.id not in given:
            continue
        questions = session.exec(
            select(QuestionnaireQuestion)
            .where(QuestionnaireQuestion.questionnaire_id == questionnaire.id)
            .order_by(col(QuestionnaireQuestion.position))
        ).all()
        groups = given.get(questionnaire.id, {})
        ordered = sorted(groups, key=lambda so: (danish_sort_key(names.site(so[0])),
                                                 danish_sort_key(names.offer(so[1]))))  # fmt: skip
        rows = [row for s, o in ordered for row in _group_rows(s, o, groups[(s, o)], questions,
                                                               names)]  # fmt: skip
        title_da, title_en = questionnaire.title_da, questionnaire.title_en
        sections.append(Section(
            f"questionnaire_{questionnaire.id}", f"Spørgeskema: {title_da}",
            f"Questionnaire: {title_en}", ANSWER_COLUMNS, rows,
            Chart("answer", "count", "question", title_da=title_da, title_en=title_en),
            note_da=f"Anonyme svar pr. sted og tilbud. Under {MIN_RESPONSES} svar: intet tal.",
            note_en=f"Anonymous answers per site and offer. Under {MIN_RESPONSES}: no figure.",
        ))  # fmt: skip
    return sections


def fit_section(session: Session, period: Period, names: Names) -> Section:
    """Per site: courses with ratings, the average change from first to latest outcome
    rating, and the share of session ratings below the cut-off (small numbers suppressed)."""
    by_site: dict[str, dict[tuple[str, str], list[RatingFact]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for fact in ratings_in(session, period):
        by_site[fact.site_id][fact.unit].append(fact)
    rows: list[tuple[Cell, ...]] = []
    for site, units in by_site.items():
        trends = [trend(facts) for facts in units.values()]
        changes = [tr.change for tr in trends if tr.change is not None]
        sessions = sum(tr.sessions for tr in trends)
        low = sum(tr.low_sessions for tr in trends)
        enough = len(trends) >= MIN_RESPONSES
        average = round(sum(changes) / len(changes), 1) if len(changes) >= MIN_RESPONSES else None
        rows.append((names.site(site), len(trends) if enough else None,
                     len(changes) if len(changes) >= MIN_RESPONSES else None, average,
                     sessions if sessions >= MIN_RESPONSES else None,
                     percent(low, sessions) if sessions >= MIN_RESPONSES else None))  # fmt: skip
    return Section(
        "fit", "FIT: trivsel og mødevurderinger", "FIT: outcome and session ratings",
        FIT_COLUMNS, sort_rows(rows, FIT_COLUMNS, ("site",)), Chart("site", "change"),
        note_da=(f"Trivsel og mødevurdering: summen af 4 skalaer 0–10. Ændring: seneste minus "
                 f"første trivselsvurdering i perioden. Under {MIN_RESPONSES}: intet tal."),
        note_en=(f"Outcome and session rating: the sum of 4 scales 0–10. Change: latest minus "
                 f"first outcome rating in the period. Under {MIN_RESPONSES}: no figure."),
    )  # fmt: skip


def feedback_sections(session: Session, period: Period, names: Names) -> list[Section]:
    """The questionnaire sections, and the FIT section where FIT scales are defined."""
    sections = questionnaire_sections(session, period, names)
    rating = select(Questionnaire.id).where(Questionnaire.purpose != Purpose.ANONYMOUS)
    if session.exec(rating).first() is not None:
        sections.append(fit_section(session, period, names))
    return sections
