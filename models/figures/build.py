"""Building the report: every section for a site (or all) and a period, in one language.

Both the kiosk's F6 report and central's ``mestring report`` call ``build_report``, on their
own database (the same tables), so the same history gives the same numbers on both.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.events import TicketStatus
from models.figures import build_visits as visit_sections
from models.figures.build_attendance import (
    appointment_section,
    attendance_sections,
    course_sections,
)
from models.figures.build_feedback import feedback_sections
from models.figures.build_visits import OFFER, SITE
from models.figures.facts import Period
from models.figures.names import Names, column, count, sort_rows
from models.figures.report import Chart, ColumnType, Language, Report, ReportQuery, Section
from models.figures.visit_sql import visit_tally
from models.figures.visits import anonymous_contacts, queue_figures, wait_figures

DAILY_MAX_DAYS = 31
MINUTES = ColumnType.DECIMAL
QUEUE_COLUMNS = (SITE, OFFER, count("tickets", "Billetter", "Tickets"),
                 count("served", "Betjent", "Served"),
                 count("left", "Gået uden betjening", "Left unserved"),
                 count("open", "Venter stadig", "Still open"),
                 column("median_wait", "Median ventetid (min)", "Median wait (min)", MINUTES),
                 column("p90_wait", "90 % ventetid (min)", "90% wait (min)", MINUTES),
                 column("longest_wait", "Længste ventetid (min)", "Longest wait (min)",
                        MINUTES))  # fmt: skip


def queue_section(session: Session, period: Period, names: Names) -> Section:
    rows = []
    for (site, offer), fig in queue_figures(session, period).items():
        served, left = fig.status[TicketStatus.SERVED], fig.status[TicketStatus.LEFT]
        rows.append((names.site(site), names.offer(offer), fig.tickets, served, left,
                     fig.tickets - served - left, *wait_figures(fig.waits)))  # fmt: skip
    return Section(
        "queue", "Ventetid i køen", "Waiting in the queue", QUEUE_COLUMNS,
        sort_rows(rows, QUEUE_COLUMNS, ("site", "offer")),
        Chart("site", "median_wait", title_da="Median ventetid (min)",
              title_en="Median wait (min)"),
        note_da="Ventetid: fra billet til første kald.",
        note_en="Waiting time: from ticket to first call.",
    )  # fmt: skip


def build_report(
    session: Session, query: ReportQuery, *, now: datetime, language: Language = "da"
) -> Report:
    """Every section of the report for ``query``, computed at ``now``."""
    names = Names(session, language)
    period = query
    tally = visit_tally(session, period)
    contacts = anonymous_contacts(session, period)
    report = Report(
        site_label=names.site(query.site) if query.site else names.word("all_sites"),
        start=query.start,
        end=query.end,
        generated_at=now,
        language=language,
        site_id=query.site,
    )
    sections = report.sections
    sections.append(visit_sections.week_section(tally, names))
    if (query.end - query.start).days < DAILY_MAX_DAYS and not query.committee:
        sections.append(visit_sections.day_section(tally, names))
    sections.append(visit_sections.offer_section(tally, contacts, names))
    sections.append(visit_sections.unique_section(tally, names))
    sections += visit_sections.anonymous_sections(contacts, names)
    sections += attendance_sections(session, period, names, now, per_session=not query.committee)
    sections.append(appointment_section(session, period, names, now))
    sections += course_sections(session, period, names, now, listed=not query.committee)
    sections.append(queue_section(session, period, names))
    sections += feedback_sections(session, period, names)  # what citizens said
    return report
