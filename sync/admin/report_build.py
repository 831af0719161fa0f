"""Assembling the report: Danish labels, Danish sorting, one section per figure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from statistics import mean, median

from sqlmodel import Session, select

from models import Offer, Site, Topic
from models.text import danish_sort_key
from models.timeutil import local_today
from sync.admin import report_data as data
from sync.admin.report_groups import course_lengths, group_attendance
from sync.admin.report_model import Cell, Chart, Report, ReportQuery, Section

TOTAL = "I alt"
NO_TOPIC = "(intet emne)"
NO_AGE = "(ikke oplyst)"
DAILY_MAX_DAYS = 31


class Names:
    """Danish display names for sites, offers and topics (ids shown for unknown ones)."""

    def __init__(self, session: Session) -> None:
        self.sites = {s.id: s.name for s in session.exec(select(Site)).all()}
        self.offers = {o.id: o.name_da for o in session.exec(select(Offer)).all()}
        self.topics = {t.id: t.name_da for t in session.exec(select(Topic)).all()}

    def site(self, site_id: str) -> str:
        return self.sites.get(site_id, site_id)

    def offer(self, offer_id: str) -> str:
        return self.offers.get(offer_id, offer_id)

    def topic(self, topic_id: str) -> str:
        return self.topics.get(topic_id, topic_id) if topic_id else NO_TOPIC


def _sorted(rows: Iterable[tuple[Cell, ...]], text_columns: int) -> list[tuple[Cell, ...]]:
    """Rows sorted the Danish way on their leading label columns."""

    def key(row: tuple[Cell, ...]) -> tuple[object, ...]:
        return tuple(danish_sort_key(v) if isinstance(v, str) else (v,) for v in row[:text_columns])

    return sorted(rows, key=key)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-U{week:02d}"


def _count_section(
    key: str,
    title: str,
    labels: tuple[str, ...],
    counter: Counter[tuple[Cell, ...]],
    chart: Chart | None = None,
) -> Section:
    rows = _sorted((k + (n,) for k, n in counter.items()), len(labels))
    return Section(key, title, (*labels, "Besøg"), rows, chart)


def visit_sections(visits: list[data.Visit], names: Names, query: ReportQuery) -> list[Section]:
    """Visits per week, per day (short periods), per offer, and unique citizens."""
    by_day: Counter[tuple[str, str, date]] = Counter((s, o, d) for s, o, _, d in visits)
    weeks = {day: iso_week(day) for day in {d for _, _, d in by_day}}
    weekly: Counter[tuple[Cell, ...]] = Counter()
    daily: Counter[tuple[Cell, ...]] = Counter()
    for (site, offer, day), count in by_day.items():
        weekly[(weeks[day], names.site(site), names.offer(offer))] += count
        daily[(day, names.site(site), names.offer(offer))] += count
    sections = [
        _count_section(
            "visits_week",
            "Besøg pr. uge",
            ("Uge", "Sted", "Tilbud"),
            weekly,
            Chart(category=0, value=3, series=1, title="Besøg pr. uge og sted"),
        ),
    ]
    if (query.end - query.start).days < DAILY_MAX_DAYS and not query.committee:
        sections.append(
            _count_section(
                "visits_day",
                "Besøg pr. dag",
                ("Dato", "Sted", "Tilbud"),
                daily,
                Chart(category=0, value=3, series=2),
            )
        )
    citizens: dict[tuple[str, str], set[str]] = defaultdict(set)
    for site, offer, citizen, _ in visits:
        citizens[(site, offer)].add(citizen)
    counts: Counter[tuple[str, str]] = Counter()
    for (site, offer, _), count in by_day.items():
        counts[(site, offer)] += count
    rows = _sorted(
        ((names.site(s), names.offer(o), n, len(citizens[(s, o)])) for (s, o), n in counts.items()),
        2,
    )
    sections.append(
        Section(
            "visits_offer",
            "Besøg pr. tilbud",
            ("Sted", "Tilbud", "Besøg", "Unikke borgere"),
            rows,
            Chart(category=1, value=2, series=0),
        )
    )
    return sections


def unique_section(visits: list[data.Visit], names: Names) -> Section:
    by_site: dict[str, set[str]] = defaultdict(set)
    for site, _, citizen, _ in visits:
        by_site[site].add(citizen)
    visit_count = Counter(site for site, _, _, _ in visits)
    rows = _sorted(((names.site(s), len(c), visit_count[s]) for s, c in by_site.items()), 1)
    everyone = {citizen for _, _, citizen, _ in visits}
    rows.append((TOTAL, len(everyone), len(visits)))
    return Section(
        "unique",
        "Unikke borgere",
        ("Sted", "Unikke borgere", "Besøg"),
        rows,
        Chart(category=0, value=1),
        note="I alt tæller hver borger én gang.",
    )


def anonymous_section(contacts: list[tuple[str, str, str, str]], names: Names) -> Section:
    counter: Counter[tuple[Cell, ...]] = Counter()
    for site, _offer, topics, age in contacts:
        for topic in topics.split(",") if topics else [""]:
            counter[(names.site(site), names.topic(topic.strip()), age or NO_AGE)] += 1
    rows = _sorted((k + (n,) for k, n in counter.items()), 3)
    return Section(
        "anonymous",
        "Anonyme henvendelser",
        ("Sted", "Emne", "Aldersgruppe", "Antal"),
        rows,
        Chart(category=1, value=3, series=0),
        note=f"{len(contacts)} henvendelser; en henvendelse med flere emner tælles under hvert.",
    )


def attendance_section(
    session: Session, query: ReportQuery, names: Names, now: datetime
) -> Section:
    rows = [
        (
            names.site(f.group.site_id),
            f.group.code,
            f.group.title if query.titles or not f.group.sensitive else f.group.code,
            f.held,
            f.cancelled,
            f.unrecorded,
            f.places,
            f.attended,
            f.excused,
            f.absent,
            f.guests,
            f.rate,
        )
        for f in group_attendance(session, query, now=now)
    ]
    columns = (
        "Sted",
        "Hold",
        "Titel",
        "Afholdte møder",
        "Aflyste",
        "Uden registrering",
        "Deltagerpladser",
        "Fremmødt",
        "Afbud",
        "Udeblevet",
        "Gæster",
        "Fremmøde %",
    )
    return Section(
        "attendance",
        "Fremmøde på hold",
        columns,
        _sorted(rows, 3),
        Chart(category=1, value=11, title="Fremmøde % pr. hold"),
        note="Fremmøde % = fremmødt (også for sent / gik før tid) ÷ deltagerpladser.",
    )


def course_sections(
    session: Session, query: ReportQuery, names: Names, today: date
) -> list[Section]:
    lengths = course_lengths(session, query, today=today)
    by_site: dict[str, list[int]] = {}
    for item in lengths:
        by_site.setdefault(names.site(item.course.site_id), []).append(item.days)
    summary = []
    for site, days in by_site.items():
        items = [i for i in lengths if names.site(i.course.site_id) == site]
        summary.append(
            (
                site,
                len(days),
                sum(1 for i in items if not i.ongoing),
                sum(1 for i in items if i.ongoing),
                round(mean(days) / 7, 1),
                round(median(days) / 7, 1),
                sum(1 for i in items if i.over_three_months),
            )
        )
    sections = [
        Section(
            "courses",
            "Forløbslængder (§82b)",
            ("Sted", "Forløb", "Afsluttede", "I gang", "Gns. uger", "Median uger", "Over 3 mdr."),
            _sorted(summary, 1),
            Chart(category=0, value=4, title="Gennemsnitlig længde i uger"),
        )
    ]
    if not query.committee:
        rows = [
            (
                names.site(i.course.site_id),
                names.offer(i.course.offer_id),
                i.course.reference or "",
                i.course.starts_on,
                None if i.ongoing else i.last_day,
                i.days,
                round(i.days / 7, 1),
                "ja" if i.over_three_months else "",
            )
            for i in lengths
        ]
        sections.append(
            Section(
                "course_list",
                "Forløb",
                ("Sted", "Tilbud", "Reference", "Start", "Slut", "Dage", "Uger", "Over 3 mdr."),
                _sorted(rows, 3),
                note="Ingen slutdato: forløbet er i gang (længden regnet til i dag).",
            )
        )
    return sections


def queue_section(session: Session, query: ReportQuery, names: Names) -> Section:
    rows = []
    for (site, offer), group in data.queue_waits(session, query).items():
        counts = group["counts"]
        mid, p90, longest = data.wait_figures(group["waits"])
        rows.append(
            (
                names.site(site),
                names.offer(offer),
                group["tickets"],
                counts["served"],
                counts["left"],
                mid,
                p90,
                longest,
            )
        )
    columns = (
        "Sted",
        "Tilbud",
        "Billetter",
        "Betjent",
        "Gået uden betjening",
        "Median ventetid (min)",
        "90 % ventetid (min)",
        "Længste ventetid (min)",
    )
    return Section(
        "queue",
        "Ventetid i køen",
        columns,
        _sorted(rows, 2),
        Chart(category=0, value=5, title="Median ventetid (min)"),
        note="Ventetid: fra billet til første kald.",
    )


Builder = Callable[[], list[Section]]


def build_report(session: Session, query: ReportQuery, *, now: datetime) -> Report:
    """Every section of the report for ``query``, computed at ``now``."""
    names = Names(session)
    visits = data.visits(session, query)
    today = min(local_today(now), query.end)
    report = Report(
        site_label=names.site(query.site) if query.site else "Alle steder",
        start=query.start,
        end=query.end,
        generated_at=now,
    )
    report.sections += visit_sections(visits, names, query)
    report.sections.append(unique_section(visits, names))
    report.sections.append(anonymous_section(data.anonymous_contacts(session, query), names))
    report.sections.append(attendance_section(session, query, names, now))
    report.sections += course_sections(session, query, names, today)
    report.sections.append(queue_section(session, query, names))
    return report
