"""Reports on the page with charts, and their CSV and XLSX downloads (audited).

The page serves the last built report while the data has not changed
(``sync.console.report_cache``) and says when its figures were computed; "Beregn igen"
(``fresh=1``) rebuilds them. Downloads are always computed afresh.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from models.db import write_session
from models.figures.report import Language
from sync.admin.audit import acting_as, central_audit
from sync.admin.report_model import Report, ReportQuery
from sync.admin.report_period import default_period, half_year
from sync.admin.report_render import render_csv
from sync.admin.report_xlsx import write_xlsx
from sync.admin.reports import make_report
from sync.console import health
from sync.console.report_cache import Entry, PageKey, data_version
from sync.console.report_view import (
    SectionView,
    redact,
    section_views,
    sensitive_titles,
)
from sync.console.web import SAFE_HEADERS, Anyone, ConsoleDep, language, render

router = APIRouter()
DateText = Annotated[str, Query(max_length=10)]
MAX_DAYS = 400
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _query(console: ConsoleDep, site: str, start: str, end: str, committee: bool) -> ReportQuery:
    """The report asked for; ``ValueError`` when the site or the period is not valid."""
    now = console.now()
    if site and site not in health.site_ids(console.engine):
        raise ValueError("site")
    if start or end:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    else:
        first, last = half_year(None, now)[:2] if committee else default_period(now)
    if last < first or (last - first).days > MAX_DAYS:
        raise ValueError("period")
    return ReportQuery(site=site or None, start=first, end=last, committee=committee)


def _report(console: ConsoleDep, who: Anyone, query: ReportQuery, lang: str = "da") -> Report:
    # Administrators see group titles (audited with the page view); leadership the codes.
    report = make_report(
        console.engine,
        replace(query, titles=who.is_admin),
        now=console.now(),
        language="en" if lang == "en" else "da",
    )
    return report if who.is_admin else redact(report, sensitive_titles(console.engine))


@dataclass(frozen=True, slots=True)
class PageReport:
    """What the report page shows of a built report: its heading, its sections with their
    charts as HTML (rendered once per build: a repeated view only inserts it), and when its
    figures were computed."""

    site_label: str
    start: date
    end: date
    sections_html: Markup
    computed_at: datetime


def _sections_html(console: ConsoleDep, sections: list[SectionView]) -> Markup:
    html = console.templates.get_template("report_sections.html").render(sections=sections)
    return Markup(html)  # rendered (and escaped) by the autoescaping environment


def _page_report(
    console: ConsoleDep, who: Anyone, query: ReportQuery, lang: str, *, fresh: bool
) -> PageReport:
    """The page's report from the cache while the data version and the clock allow,
    otherwise (or when ``fresh``) built now and kept."""
    language: Language = "en" if lang == "en" else "da"
    key = PageKey(query.site, query.start, query.end, query.committee, who.role, language)
    version = data_version(console.engine)  # read before building: a change meanwhile shows
    now = console.now()
    entry = None if fresh else console.reports.get(key, version, now)
    if entry is None:
        report = _report(console, who, query, language)
        html = _sections_html(console, section_views(report, language))
        page = PageReport(report.site_label, report.start, report.end, html, now)
        entry = Entry(page, now, version)
        console.reports.put(key, entry)
    page = entry.value
    assert isinstance(page, PageReport)
    return page


@router.get("/reports")
def reports(
    console: ConsoleDep,
    request: Request,
    who: Anyone,
    site: Annotated[str, Query(max_length=32)] = "",
    start: DateText = "",
    end: DateText = "",
    committee: bool = False,
    fresh: bool = False,
) -> Response:
    values: dict[str, Any] = {
        "site": site,
        "committee": committee,
        "site_ids": health.site_ids(console.engine),
    }
    try:
        query = _query(console, site, start, end, committee)
    except ValueError:
        return render(
            console, request, "reports.html", who=who, report=None, sections_html="",
            query=None, error="reports.bad_period", status=422, **values,
        )  # fmt: skip
    page = _page_report(console, who, query, language(request), fresh=fresh)
    return render(
        console, request, "reports.html", who=who, report=page, sections_html=page.sections_html,
        query=query, computed_at=page.computed_at, **values,
    )  # fmt: skip


@router.get("/reports/download")
def download(
    console: ConsoleDep,
    who: Anyone,
    fmt: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    site: Annotated[str, Query(max_length=32)] = "",
    start: DateText = "",
    end: DateText = "",
    committee: bool = False,
) -> Response:
    try:
        query = _query(console, site, start, end, committee)
    except ValueError:
        return Response("bad report period or site", status_code=422, headers=SAFE_HEADERS)
    report = _report(console, who, query)
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.xlsx"
            write_xlsx(report, path)
            body = path.read_bytes()
    else:
        body = render_csv(report).encode("utf-8-sig")
    name = f"rapport-{query.site or 'alle'}-{query.start}-{query.end}.{fmt}"
    with write_session(console.engine) as session, acting_as(who.login):
        central_audit(
            session,
            action="report_export",
            now=console.now(),
            detail=f"site={query.site or 'all'} from={query.start} to={query.end} format={fmt}"
            f"{' committee' if committee else ''} (console)",
        )
    headers = {**SAFE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=MEDIA[fmt], headers=headers)
