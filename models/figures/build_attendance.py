"""Report sections about groups (§82a), appointments and §82b courses, by the counting rules."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from statistics import mean, median

from sqlmodel import Session, col, select

from models import Course, Group, GroupSession
from models.figures.build_visits import OFFER, SITE
from models.figures.courses import (
    AppointmentOutcome,
    CourseLength,
    appointment_outcome,
    course_length,
)
from models.figures.facts import (
    Period,
    appointments_in,
    load_session_facts,
    site_filter,
    utc_bounds,
)
from models.figures.names import Names, column, count, sort_rows
from models.figures.report import Cell, Chart, ColumnType, Section
from models.figures.rules import GroupTotals, SessionFigures, session_figures
from models.timeutil import LOCAL_TZ, local_today

RATE = column("rate", "Fremmøde %", "Attendance %", ColumnType.PERCENT)
CODE, TITLE = column("code", "Kode", "Code"), column("title", "Gruppe", "Group")
OUTCOMES = (
    count("participants", "Deltagere", "Participants"), count("guests", "Gæster", "Guests"),
    count("attended", "Fremmødt", "Attended"), count("excused", "Afbud", "Excused"),
    count("no_show", "Udeblevet", "No-show"), count("unmarked", "Ikke registreret", "Unmarked"),
)  # fmt: skip
GROUP_COLUMNS = (SITE, CODE, TITLE, count("sessions", "Afholdte møder", "Sessions held"),
                 count("cancelled", "Aflyste", "Cancelled"),
                 count("unrecorded", "Uden registrering", "Nothing recorded"),
                 *OUTCOMES, RATE)  # fmt: skip
SESSION_COLUMNS = (column("date", "Dato", "Date", ColumnType.DATE), column("time", "Kl.", "Time"),
                   SITE, CODE, TITLE, column("status", "Status", "Status"),
                   column("closed", "Lukket", "Closed"), count("enrolled", "Tilmeldte", "Enrolled"),
                   *OUTCOMES, RATE)  # fmt: skip
APPOINTMENT_COLUMNS = (SITE, OFFER, count("booked", "Aftaler", "Booked"),
                       count("arrived", "Fremmødt", "Arrived"),
                       count("no_show", "Udeblevet", "No-show"),
                       count("pending", "Endnu ikke", "Not yet"))  # fmt: skip
WEEKS = ColumnType.DECIMAL
COURSE_COLUMNS = (SITE, count("courses", "Forløb", "Courses"),
                  count("ended", "Afsluttede", "Ended"), count("running", "I gang", "Running"),
                  column("mean_weeks", "Gns. uger", "Mean weeks", WEEKS),
                  column("median_weeks", "Median uger", "Median weeks", WEEKS),
                  column("longest_weeks", "Længste (uger)", "Longest (weeks)", WEEKS),
                  count("over_planned", "Over planlagt", "Over planned"))  # fmt: skip
COURSE_LIST_COLUMNS = (SITE, OFFER, column("reference", "Reference", "Reference"),
                       column("start", "Start", "Start", ColumnType.DATE),
                       column("end", "Slut", "End", ColumnType.DATE), count("days", "Dage", "Days"),
                       column("weeks", "Uger", "Weeks", WEEKS),
                       column("over_planned", "Over planlagt", "Over planned"))  # fmt: skip
RATE_NOTE = ("Fremmøde % = fremmødt (også for sent / gik før tid, gæster med) ÷ deltagere; "
             "kun afholdte møder.",
             "Attendance % = attended (late and left early too, guests included) ÷ "
             "participants; held sessions only.")  # fmt: skip


def _outcomes(f: SessionFigures | GroupTotals) -> tuple[Cell, ...]:
    return (f.participants, f.guests, f.attended, f.excused, f.no_show, f.unmarked, f.rate)


def attendance_sections(
    session: Session, period: Period, names: Names, now: datetime, *, per_session: bool
) -> list[Section]:
    """Attendance per group and (unless ``per_session`` is off) per session."""
    lo, hi = utc_bounds(period)
    stmt = select(GroupSession, Group).join(Group, col(Group.id) == col(GroupSession.group_id))
    stmt = stmt.where(col(GroupSession.starts_at) >= lo, col(GroupSession.starts_at) < hi)
    pairs = session.exec(site_filter(stmt, GroupSession.site_id, period.site)).all()
    groups = {g.id: g for _, g in pairs}
    facts = load_session_facts(session, [gs for gs, _ in pairs])
    totals: dict[str, GroupTotals] = defaultdict(GroupTotals)
    rows: list[tuple[Cell, ...]] = []
    public: list[tuple[Cell, ...]] = []
    for (gs, group), fact in zip(pairs, facts, strict=True):
        figures = session_figures(fact, now)
        totals[group.id].add(figures)
        start = gs.starts_at.astimezone(LOCAL_TZ)
        lead = (start.date(), start.strftime("%H:%M"), names.site(gs.site_id), group.code)
        tail = (names.word(figures.counting.value), names.word("yes" if gs.closed else "no"),
                figures.enrolled, *_outcomes(figures))  # fmt: skip
        rows.append((*lead, group.title, *tail))
        public.append((*lead, group.code if group.sensitive else group.title, *tail))
    group_rows, group_public = _group_rows(groups, totals, names)
    by: tuple[str, ...] = ("site", "code", "title")
    sections = [
        Section(
            "attendance", "Fremmøde på hold", "Attendance per group", GROUP_COLUMNS,
            sort_rows(group_rows, GROUP_COLUMNS, by),
            Chart("code", "rate", title_da="Fremmøde % pr. hold",
                  title_en="Attendance % per group"),
            note_da=RATE_NOTE[0], note_en=RATE_NOTE[1],
            public_rows=sort_rows(group_public, GROUP_COLUMNS, by),
        )
    ]  # fmt: skip
    if per_session:
        by = ("date", "time", "site", "code")
        sections.append(Section(
            "attendance_sessions", "Fremmøde pr. møde", "Attendance per session",
            SESSION_COLUMNS, sort_rows(rows, SESSION_COLUMNS, by),
            note_da=RATE_NOTE[0], note_en=RATE_NOTE[1],
            public_rows=sort_rows(public, SESSION_COLUMNS, by),
        ))  # fmt: skip
    return sections


def _group_rows(
    groups: dict[str, Group], totals: dict[str, GroupTotals], names: Names
) -> tuple[list[tuple[Cell, ...]], list[tuple[Cell, ...]]]:
    """Each group's totals, as shown at central and as they may leave a kiosk."""
    shown: list[tuple[Cell, ...]] = []
    public: list[tuple[Cell, ...]] = []
    for group_id, total in totals.items():
        g = groups[group_id]
        tail = (total.sessions, total.cancelled, total.unrecorded, *_outcomes(total))
        shown.append((names.site(g.site_id), g.code, g.title, *tail))
        public.append((names.site(g.site_id), g.code, g.code if g.sensitive else g.title, *tail))
    return shown, public


def appointment_section(session: Session, period: Period, names: Names, now: datetime) -> Section:
    """Booked appointments per site and offer: arrived, no-shows, not yet due."""
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for appointment, arrived in appointments_in(session, period):
        outcome = appointment_outcome(arrived, appointment.ends_at, now)
        row = tally[(names.site(appointment.site_id), names.offer(appointment.offer_id))]
        row[0] += 1
        row[1 + list(AppointmentOutcome).index(outcome)] += 1
    rows: list[tuple[Cell, ...]] = [(s, o, *counts) for (s, o), counts in tally.items()]
    rows = sort_rows(rows, APPOINTMENT_COLUMNS, ("site", "offer"))
    sums = [sum(counts[i] for counts in tally.values()) for i in range(4)]
    rows.append(("", names.word("total"), *sums))
    return Section(
        "appointments", "Aftaler", "Appointments", APPOINTMENT_COLUMNS, rows,
        Chart("offer", "no_show", "site"), totals=1,
        note_da="Udeblevet: aftalen er slut uden tjek ind. Aflyste aftaler tælles ikke.",
        note_en="No-show: the appointment is over without a check-in. Cancelled ones are left out.",
    )  # fmt: skip


def _course_summary(lengths: list[CourseLength], names: Names) -> list[tuple[Cell, ...]]:
    """Per site: courses, ended, running, mean / median / longest weeks, over planned."""
    by_site: dict[str, list[CourseLength]] = defaultdict(list)
    for item in lengths:
        by_site[names.site(item.site_id)].append(item)
    return [
        (site, len(items), sum(not i.ongoing for i in items), sum(i.ongoing for i in items),
         round(mean(i.days for i in items) / 7, 1), round(median(i.days for i in items) / 7, 1),
         max(i.weeks for i in items), sum(i.over_planned for i in items))
        for site, items in by_site.items()
    ]  # fmt: skip


def course_sections(
    session: Session, period: Period, names: Names, now: datetime, *, listed: bool
) -> list[Section]:
    """§82b course lengths per site and (when ``listed``) per course."""
    until = min(local_today(now), period.end)
    stmt = select(Course).where(
        col(Course.starts_on) <= period.end,
        col(Course.ends_on).is_(None) | (col(Course.ends_on) >= period.start),
    )
    lengths = [
        course_length(course_id=c.id, site_id=c.site_id, offer_id=c.offer_id,
                      reference=c.reference or "", starts_on=c.starts_on, ends_on=c.ends_on,
                      planned_weeks=c.planned_weeks, until=until)
        for c in session.exec(site_filter(stmt, Course.site_id, period.site)).all()
    ]  # fmt: skip
    summary = _course_summary(lengths, names)
    sections = [
        Section(
            "courses", "Forløbslængder (§82b)", "Course lengths (§82b)", COURSE_COLUMNS,
            sort_rows(summary, COURSE_COLUMNS, ("site",)),
            Chart("site", "mean_weeks", title_da="Gennemsnitlig længde i uger",
                  title_en="Mean length in weeks"),
            note_da="Over planlagt: forløbet er i uge 13 eller senere af 12 planlagte.",
            note_en="Over planned: the course is in week 13 or later of 12 planned.",
        )
    ]  # fmt: skip
    if listed:
        yes = names.word("yes")
        rows = [
            (names.site(i.site_id), names.offer(i.offer_id), i.reference, i.starts_on,
             None if i.ongoing else i.last_day, i.days, i.weeks, yes if i.over_planned else "")
            for i in lengths
        ]  # fmt: skip
        sections.append(Section(
            "course_list", "Forløb", "Courses", COURSE_LIST_COLUMNS,
            sort_rows(rows, COURSE_LIST_COLUMNS, ("site", "offer", "reference")),
            note_da="Ingen slutdato: forløbet er i gang (længden regnet til i dag).",
            note_en="No end date: the course is running (length counted to today).",
        ))  # fmt: skip
    return sections
