"""Visits counted in the database: the rule of ``models.visit_duplicates`` as one SQL query.

The report counted visits by loading every check-in of the period into Python (a half-year
is six figures of rows). Here the database does it: a check-in that was not retracted counts
once per (citizen, session / appointment / offer, Danish day), the earliest by time, clock
stamp and event id deciding where it counts, and only the sums come back.

Citizens touched by a merge (merged guests and the citizens they were merged into) are left
to the Python rule (``models.figures.visits.visits``): their merge chains are resolved in
Python, and they are few. Every other citizen is their own survivor, so the two parts share
no visit and no citizen and their tallies simply add up.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Integer, String, case, cast, func, literal, literal_column, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from models import CheckIn, Citizen
from models.events import CheckInAction
from models.figures.build_visits import VisitTally
from models.figures.facts import Period, plain_rows, utc_bounds
from models.figures.visits import visits
from models.timeutil import LOCAL_TZ


def merge_involved() -> Any:
    """Ids of citizens touched by a merge: merged ones and those they were merged into."""
    merged = col(Citizen.merged_into).is_not(None)
    return union_all(
        sa_select(col(Citizen.id)).where(merged), sa_select(col(Citizen.merged_into)).where(merged)
    )


def offset_changes(lo: datetime, hi: datetime) -> list[tuple[datetime, int]]:
    """Danish UTC offsets (minutes) over ``[lo, hi)``: ``[(from, offset), …]``, first at ``lo``."""

    def offset(at: datetime) -> int:
        shift = at.astimezone(LOCAL_TZ).utcoffset() or timedelta(0)
        return int(shift.total_seconds() // 60)

    changes = [(lo, offset(lo))]
    day = lo
    while day < hi:
        following = min(day + timedelta(days=1), hi)
        if offset(following) != changes[-1][1]:
            early, late = day, following  # the change lies in (early, late]: find its second
            while late - early > timedelta(seconds=1):
                middle = early + (late - early) / 2
                early, late = (
                    (early, middle) if offset(middle) != changes[-1][1] else (middle, late)
                )
            changes.append((late.replace(microsecond=0), offset(late)))
        day = following
    return changes


def _whole(number: int) -> Any:
    """A whole number written into the SQL (no parameter whose type the database guesses)."""
    return literal_column(str(int(number)), Integer)


def danish_day(column: Any, period: Period, dialect: str) -> Any:
    """SQL for the Danish calendar day of a stored UTC time in the period (what
    ``astimezone(LOCAL_TZ).date()`` gives in Python)."""
    lo, hi = utc_bounds(period)
    changes = offset_changes(lo, hi)
    minutes: Any = _whole(changes[0][1])
    if len(changes) > 1:
        minutes = case(
            *[(column < start.astimezone(UTC), _whole(before))
              for (start, _), (_, before) in zip(changes[1:], changes, strict=False)],
            else_=_whole(changes[-1][1]),
        )  # fmt: skip
    if dialect == "sqlite":
        return func.date(column, cast(minutes, String).concat(" minutes"))
    utc = func.timezone("UTC", column)  # PostgreSQL: the UTC wall time, whatever TimeZone says
    return cast(utc + minutes * literal_column("interval '1 minute'"), Date)


def _binary(column: Any, dialect: str) -> Any:
    """``column`` ordered by code point, as Python orders strings (PostgreSQL's default
    collation would order by language rules)."""
    return column.collate("C") if dialect == "postgresql" else column


def _counted_once(period: Period, dialect: str, *, merges: bool) -> Any:
    """The visits of citizens untouched by merges: (site, offer, citizen, day), one per visit."""
    lo, hi = utc_bounds(period)
    created = col(CheckIn.created_at)
    day = danish_day(created, period, dialect)
    session_id, appointment_id = col(CheckIn.session_id), col(CheckIn.appointment_id)
    target = case(
        (func.coalesce(session_id, "") != "", literal("s:").concat(session_id)),
        (func.coalesce(appointment_id, "") != "", literal("a:").concat(appointment_id)),
        else_=literal("o:").concat(col(CheckIn.offer_id)),
    )
    retracted = sa_select(col(CheckIn.ref_id)).where(
        col(CheckIn.action) == CheckInAction.RETRACTION, col(CheckIn.ref_id).is_not(None)
    )
    stmt = sa_select(
        col(CheckIn.site_id).label("site"),
        col(CheckIn.offer_id).label("offer"),
        col(CheckIn.citizen_id).label("citizen"),
        day.label("day"),
        target.label("target"),
        created.label("at"),
        _binary(col(CheckIn.hlc), dialect).label("hlc"),
        _binary(col(CheckIn.id), dialect).label("id"),
    ).where(
        col(CheckIn.action) == CheckInAction.CHECK_IN,
        created >= lo,
        created < hi,
        col(CheckIn.id).not_in(retracted),
    )
    if merges:
        stmt = stmt.where(col(CheckIn.citizen_id).not_in(merge_involved()))
    if period.site is not None:
        stmt = stmt.where(col(CheckIn.site_id) == period.site)
    rows = stmt.subquery("live")
    rank = func.row_number().over(partition_by=(rows.c.citizen, rows.c.target, rows.c.day),
                                  order_by=(rows.c.at, rows.c.hlc, rows.c.id))  # fmt: skip
    ranked = sa_select(rows.c.site, rows.c.offer, rows.c.citizen, rows.c.day,
                       rank.label("rank")).subquery("ranked")  # fmt: skip
    once = sa_select(ranked.c.site, ranked.c.offer, ranked.c.citizen, ranked.c.day)
    return once.where(ranked.c.rank == 1).cte("visit")


def _as_date(value: str | date) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def counted_in_sql(session: Session, period: Period, *, merges: bool = True) -> tuple[
    Counter[tuple[str, str, date]], Counter[tuple[str, str]], Counter[str], int
]:  # fmt: skip
    """For citizens untouched by merges: visits per (site, offer, day), distinct citizens per
    (site, offer), per site, and in all."""
    dialect = session.get_bind().dialect.name
    visit = _counted_once(period, dialect, merges=merges)
    none = literal(None, String)
    distinct = func.count(visit.c.citizen.distinct())
    stmt = union_all(
        sa_select(literal("d"), visit.c.site, visit.c.offer, cast(visit.c.day, String),
                  func.count()).group_by(visit.c.site, visit.c.offer, visit.c.day),
        sa_select(literal("o"), visit.c.site, visit.c.offer, none, distinct)
        .group_by(visit.c.site, visit.c.offer),
        sa_select(literal("s"), visit.c.site, none, none, distinct).group_by(visit.c.site),
        sa_select(literal("a"), none, none, none, distinct),
    )  # fmt: skip
    by_day: Counter[tuple[str, str, date]] = Counter()
    citizens: Counter[tuple[str, str]] = Counter()
    per_site: Counter[str] = Counter()
    everyone = 0
    for kind, site, offer, day, n in plain_rows(session, stmt):
        if kind == "d":
            by_day[(site, offer, _as_date(day))] = n
        elif kind == "o":
            citizens[(site, offer)] = n
        elif kind == "s":
            per_site[site] = n
        else:
            everyone = n
    return by_day, citizens, per_site, everyone


def visit_tally(session: Session, period: Period) -> VisitTally:
    """The period's visits, tallied: equal to ``VisitTally.of(visits(session, period))``.

    On PostgreSQL in SQL for citizens untouched by merges, by the Python rule for the few that
    are (see the module's docstring). On SQLite the Python rule alone: measured on the
    half-year bench data, SQLite's sort for the window takes longer than reading the rows.
    """
    if session.get_bind().dialect.name == "sqlite":
        return VisitTally.of(visits(session, period))
    merges = session.exec(sa_select(col(Citizen.id)).where(  # type: ignore[call-overload]
        col(Citizen.merged_into).is_not(None)).limit(1)).first() is not None  # fmt: skip
    by_day, citizens, per_site, everyone = counted_in_sql(session, period, merges=merges)
    in_sql = VisitTally(by_day, citizens, per_site, everyone, sum(by_day.values()))
    if not merges:
        return in_sql
    return in_sql.plus(VisitTally.of(visits(session, period, only=merge_involved())))
