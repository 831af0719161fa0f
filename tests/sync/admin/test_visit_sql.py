"""Visits counted in SQL equal the Python counting rule, on SQLite and PostgreSQL: random
histories from a seeded generator, with duplicates from two desks, retractions, merge chains
(and a cycle), check-ins around Danish midnight and both daylight-saving changes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from models import CheckIn, Citizen
from models.db import read_session, write_session
from models.figures.build_visits import VisitTally
from models.figures.visit_sql import counted_in_sql, offset_changes, visit_tally
from models.figures.visits import visits
from models.timeutil import LOCAL_TZ
from sync.admin.report_model import ReportQuery

SITES = ("ronde", "hornslet", "ebeltoft")
OFFERS = ("aaben-raadgivning", "borgerservice", "gruppeforloeb")
# Around the spring change (29 March 2026, 01:00 UTC) and the autumn one (25 October).
STARTS = (datetime(2026, 3, 27, 20, tzinfo=UTC), datetime(2026, 10, 23, 20, tzinfo=UTC))


def _history(rng: random.Random, start: datetime) -> tuple[list[dict], list[dict]]:
    citizens = [f"c{n}" for n in range(25)]
    guests = [f"g{n}" for n in range(6)]
    merges = {"g0": "c1", "g1": "g2", "g2": "c3", "g4": "g5", "g5": "g4"}  # a chain, a cycle
    people = [{"id": c, "display_name": c, "merged_into": merges.get(c)} for c in citizens + guests]
    rows: list[dict] = []
    for n in range(500):
        site = rng.choice(SITES)
        # Near Danish midnight and the changes: every hour of four days, to the microsecond.
        at = start + timedelta(minutes=rng.randrange(4 * 24 * 60), microseconds=rng.randrange(3))
        target = rng.random()
        row = {
            "id": f"e{n:04d}{rng.choice('ab')}", "site_id": site, "device_id": f"d-{site}",
            "hlc": f"{int(at.timestamp()):012d}-{rng.randrange(3):04d}-{rng.choice('AaZz')}",
            "created_at": at, "received_at": at, "action": "check_in",
            "citizen_id": rng.choice(citizens[:8] + guests), "offer_id": rng.choice(OFFERS),
            "session_id": rng.choice(["s1", "s2", ""]) if target < 0.3 else None,
            "appointment_id": rng.choice(["a1", "a2"]) if 0.3 <= target < 0.45 else None,
            "ref_id": None, "method": "name",
        }  # fmt: skip
        rows.append(row)
        if rng.random() < 0.35:  # the same visit again, at another desk or the same one
            again = dict(row, id=f"{row['id']}x", site_id=rng.choice(SITES))
            again["created_at"] = at + timedelta(seconds=rng.choice([0, 0, 30, -30, 3600]))
            again["hlc"] = rng.choice([row["hlc"], row["hlc"] + "0", row["hlc"][:-1] + "B"])
            rows.append(again)
        if rng.random() < 0.1:
            rows.append(dict(row, id=f"{row['id']}r", action="retraction", ref_id=row["id"],
                             created_at=at + timedelta(minutes=1)))  # fmt: skip
    return people, rows


def _periods(start: datetime) -> list[ReportQuery]:
    first = start.astimezone(LOCAL_TZ).date()
    return [
        ReportQuery(site=None, start=first, end=first + timedelta(days=4)),
        ReportQuery(site="ronde", start=first + timedelta(days=1), end=first + timedelta(days=2)),
        ReportQuery(site=None, start=first + timedelta(days=2), end=first + timedelta(days=2)),
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_visits_counted_in_sql_equal_the_python_rule(central: Engine, seed: int):
    rng = random.Random(seed)
    for start in STARTS:
        people, rows = _history(rng, start)
        with write_session(central) as session:
            session.connection().execute(insert(Citizen), people)
            session.connection().execute(insert(CheckIn), rows)
        with read_session(central) as session:
            for query in _periods(start):
                expected = VisitTally.of(visits(session, query))
                assert expected.total > 0
                assert visit_tally(session, query) == expected, query
        with write_session(central) as session:  # the next history starts afresh
            session.connection().execute(CheckIn.__table__.delete())  # type: ignore[attr-defined]
            session.connection().execute(Citizen.__table__.delete())  # type: ignore[attr-defined]


def test_without_merges_the_sql_alone_counts_every_visit(central: Engine):
    people, rows = _history(random.Random(7), STARTS[0])
    with write_session(central) as session:
        session.connection().execute(insert(Citizen), [dict(p, merged_into=None) for p in people])
        session.connection().execute(insert(CheckIn), rows)
    query = _periods(STARTS[0])[0]
    with read_session(central) as session:
        expected = VisitTally.of(visits(session, query))
        by_day, citizens, per_site, everyone = counted_in_sql(session, query, merges=False)
    assert (by_day, citizens, per_site, everyone) == (
        expected.by_day, expected.citizens, expected.site_citizens, expected.everyone
    )  # fmt: skip


def test_the_danish_offset_changes_at_one_in_the_night_utc():
    lo, hi = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
    assert offset_changes(lo, hi) == [
        (lo, 60),
        (datetime(2026, 3, 29, 1, tzinfo=UTC), 120),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), 60),
    ]
    assert offset_changes(lo, lo + timedelta(days=3)) == [(lo, 60)]
    assert date(2026, 3, 29) == datetime(2026, 3, 29, 1, tzinfo=UTC).astimezone(LOCAL_TZ).date()
