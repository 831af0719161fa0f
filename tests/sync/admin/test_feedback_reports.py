"""Questionnaire and FIT report sections against hand-computed figures, including the
small-number suppression (fewer than 5 answers: no figure)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from models import Citizen, Course, FitRating, QuestionnaireAnswer
from models.db import write_session
from models.demo_questionnaires import questionnaire_rows
from models.figures.build_feedback import MIN_RESPONSES
from models.figures.render import render_table
from models.figures.xlsx import sheet_title
from sync.admin.report_model import ReportQuery
from sync.admin.reports import export_report, make_report
from tests.sync.admin.report_fixture import at, event

PERIOD = {"start": date(2026, 11, 16), "end": date(2026, 11, 24)}
SUPPRESSED = "(under 5 svar: intet tal)"


def _answer(site: str, offer: str, day: int, answers: str) -> QuestionnaireAnswer:
    return event(QuestionnaireAnswer, site, at(day, 10), questionnaire_id="besoeg",
                 offer_id=offer, answer_date=date(2026, 11, day), answers=answers)  # fmt: skip


def _answers() -> list[QuestionnaireAnswer]:
    # Hornslet, open counselling: 6 answers. Q1: 2, 4, 4, 4, 5, 5; Q2 answered 4 times
    # (suppressed); Q3: yes ×4, no ×2.
    hornslet = [
        "besoeg.1:5,besoeg.2:5,besoeg.3:1",
        "besoeg.1:5,besoeg.2:4,besoeg.3:1",
        "besoeg.1:4,besoeg.2:4,besoeg.3:1",
        "besoeg.1:4,besoeg.2:3,besoeg.3:1",
        "besoeg.1:4,besoeg.3:2",
        "besoeg.1:2,besoeg.3:2",
    ]
    rows = [_answer("hornslet", "aaben-raadgivning", 18 + n % 3, a) for n, a in enumerate(hornslet)]
    # Hornslet, open drop-in: 3 answers (a group under 5: no figure at all).
    rows += [_answer("hornslet", "aabent-samvaer", 19, "besoeg.1:1") for _ in range(3)]
    rows.append(_answer("ebeltoft", "aaben-raadgivning", 2, "besoeg.1:3"))  # before the period
    return rows


def _ratings() -> list[object]:
    """Hornslet: 5 courses, outcome changes +10, +4, −2, 0, +3 (average 3.0), 6 session
    ratings 40, 38, 30, 36, 35, 39 (2 below 36: 33.3 %). Ebeltoft: 2 courses (suppressed)."""
    rows: list[object] = []
    plan = [("hornslet", 10, 20), ("hornslet", 16, 20), ("hornslet", 22, 20),
            ("hornslet", 12, 12), ("hornslet", 30, 33), ("ebeltoft", 5, 25),
            ("ebeltoft", 8, 9)]  # fmt: skip
    for n, (site, first, latest) in enumerate(plan):
        course = Course(id=f"k{n}", citizen_id=f"fc{n}", site_id=site, offer_id="forloeb-82b",
                        starts_on=date(2026, 10, 1))  # fmt: skip
        rows += [Citizen(id=f"fc{n}", display_name=f"Borger F{n}"), course]
        for day, total in ((17, first), (23, latest)):
            rows.append(_rating(site, f"k{n}", f"fc{n}", "fit-outcome", day, total))
    for n, total in enumerate((40, 38, 30, 36, 35, 39)):
        rows.append(_rating("hornslet", f"k{n % 5}", f"fc{n % 5}", "fit-session", 20, total))
    return rows


def _rating(site, course, citizen, questionnaire, day, total) -> FitRating:
    """Four scales summing to ``total`` (10s first, then the rest)."""
    scores = [min(10, max(0, total - 10 * i)) for i in range(4)]
    answers = ",".join(f"{questionnaire}.{i + 1}:{s}" for i, s in enumerate(scores))
    return event(FitRating, site, at(day, 11), questionnaire_id=questionnaire,
                 citizen_id=citizen, course_id=course, answers=answers)  # fmt: skip


def seed(central) -> None:
    with write_session(central) as session:
        for row in (*questionnaire_rows(), *_answers(), *_ratings()):
            session.add(row)
            session.flush()


@pytest.fixture
def reported(central, frozen_now):
    seed(central)
    return make_report(central, ReportQuery(site=None, **PERIOD), now=frozen_now)


def test_each_question_shows_its_distribution_per_site_and_offer(reported):
    section = reported.section("questionnaire_besoeg")
    rows = [r for r in section.rows if r[1] == "Åben rådgivning"]
    welcome = [r[3:] for r in rows if r[2] == "Hvordan blev du taget imod?"]
    assert welcome == [
        ("1 (dårligt)", 6, 0, 0.0),
        ("2", 6, 1, 16.7),
        ("3", 6, 0, 0.0),
        ("4", 6, 3, 50.0),
        ("5 (rigtig godt)", 6, 2, 33.3),
    ]
    again = [r[3:] for r in rows if r[2] == "Vil du komme igen?"]
    assert again == [("ja", 6, 4, 66.7), ("nej", 6, 2, 33.3)]


def test_a_question_or_a_group_under_five_answers_shows_no_figure(reported):
    section = reported.section("questionnaire_besoeg")
    help_rows = [r for r in section.rows if r[2] == "Fik du den hjælp, du kom efter?"]
    assert help_rows == [("Hornslet", "Åben rådgivning", "Fik du den hjælp, du kom efter?",
                          SUPPRESSED, None, None, None)]  # fmt: skip
    drop_in = [r for r in section.rows if r[1] == "Åbent samværstilbud"]
    assert drop_in == [("Hornslet", "Åbent samværstilbud", "", SUPPRESSED, None, None, None)]
    assert not any(r[0] == "Ebeltoft" for r in section.rows)  # its answer is outside the period
    assert MIN_RESPONSES == 5


def test_the_fit_section_averages_the_outcome_change_and_counts_low_sessions(reported):
    assert reported.section("fit").rows == [
        ("Ebeltoft", None, None, None, None, None),  # 2 courses: no figure
        ("Hornslet", 5, 5, 3.0, 6, 33.3),
    ]


def test_the_committee_workbook_has_the_questionnaire_and_fit_sheets(central, frozen_now, tmp_path):
    seed(central)
    out = tmp_path / "udvalg.xlsx"
    query = ReportQuery(site=None, committee=True, **PERIOD)
    export_report(central, query, now=frozen_now, fmt="xlsx", out=out)
    book = load_workbook(out)
    assert sheet_title("Spørgeskema: Hvordan var dit besøg i dag?") in book.sheetnames
    fit = book[sheet_title("FIT: trivsel og mødevurderinger")]
    assert [c.value for c in fit[3]][:6] == ["Hornslet", 5, 5, 3.0, 6, 33.3]
    text = render_table(make_report(central, query, now=frozen_now, language="en"))
    assert "Questionnaire: How was your visit today?" in text and "no figure" in text
