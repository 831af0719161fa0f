"""Random histories: every screen figure and both reports agree with a simple reference
computation and with each other (issue 14). The same rows go into a kiosk database (which
then purges by its retention rules) and a central one."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from kiosk.services.attendance import open_roster, todays_sessions
from kiosk.services.site_report import site_report
from kiosk.services.today import TodayService
from models import (
    AttendanceMark,
    CheckIn,
    Citizen,
    Enrolment,
    Group,
    GroupSession,
    Staff,
    SyncState,
)
from models.config import Settings
from models.db import make_engine, write_session
from models.demo_catalogue import offers, sites, topics
from models.migrate import upgrade
from models.timeutil import local_datetime, local_today
from sync.admin.report_model import ReportQuery
from sync.admin.reports import make_report
from sync.hlc import Stamp
from sync.outbox import init_state
from sync.retention import purge_kiosk
from tests.conftest import FROZEN_NOW, KIOSK_DEVICE
from tests.kiosk.attendance_world import LEADER

NOW = FROZEN_NOW
RUNS = itertools.count()
TODAY = local_today(NOW)
WEEKS = 10  # sessions go back ten weeks: far past the kiosk's 30-day window
CITIZENS = [f"c{i}" for i in range(5)]
GUESTS = ["g0", "g1"]
ATTENDED = {"present", "late", "left_early"}
MARKS = ["present", "absent", "excused", "late", "left_early"]


@dataclass
class History:
    statuses: list[tuple[str, bool]]  # per session (oldest first): status, closed
    enrolments: dict[str, tuple[int, int | None]]  # citizen → first and last session index
    marks: list[tuple[int, str, str]]  # (session, citizen, mark) in clock order
    desk: list[tuple[int, str, bool]]  # (session, citizen, retracted)
    merges: dict[str, str] = field(default_factory=dict)  # guest → citizen


histories = st.builds(
    History,
    statuses=st.lists(
        st.tuples(st.sampled_from(["planned", "held", "cancelled"]), st.booleans()),
        min_size=WEEKS + 1, max_size=WEEKS + 1,
    ),
    enrolments=st.fixed_dictionaries({
        c: st.tuples(st.integers(0, WEEKS), st.one_of(st.none(), st.integers(0, WEEKS)))
        for c in CITIZENS
    }),
    marks=st.lists(st.tuples(st.integers(0, WEEKS), st.sampled_from(CITIZENS + GUESTS),
                             st.sampled_from(MARKS)), max_size=40),
    desk=st.lists(st.tuples(st.integers(0, WEEKS), st.sampled_from(CITIZENS + GUESTS),
                            st.booleans()), max_size=15),
    merges=st.dictionaries(st.sampled_from(GUESTS), st.sampled_from(CITIZENS), max_size=2),
)  # fmt: skip


def session_day(index: int) -> date:
    return TODAY - timedelta(weeks=WEEKS - index)


def rows_of(history: History) -> list[SQLModel]:
    """Reference and event rows for one history, as central would hold them."""
    rows: list[SQLModel] = [
        Group(id="g", site_id="hornslet", offer_id="gruppeforloeb", title="Hold", code="H-1",
              starts_on=session_day(0) - timedelta(days=7), leader_staff_id=LEADER.id),
    ]  # fmt: skip
    for c in CITIZENS + GUESTS:
        rows.append(Citizen(id=c, display_name=f"Borger {c}", provisional=c in GUESTS,
                            merged_into=history.merges.get(c)))  # fmt: skip
    for i, (status, closed) in enumerate(history.statuses):
        start = local_datetime(session_day(i), time(10, 0))
        rows.append(GroupSession(id=f"s{i}", group_id="g", site_id="hornslet", starts_at=start,
                                 ends_at=start + timedelta(hours=2), status=status,
                                 closed=closed and status != "cancelled"))  # fmt: skip
    for c, (first, last) in history.enrolments.items():
        ends = None if last is None or last < first else session_day(last)
        rows.append(Enrolment(id=f"e{c}", group_id="g", citizen_id=c, site_id="hornslet",
                              starts_on=session_day(first), ends_on=ends))  # fmt: skip
    for n, (i, c, mark) in enumerate(history.marks):
        at = local_datetime(session_day(i), time(10, 5))
        rows.append(_event(AttendanceMark, f"m{n}", at, n, session_id=f"s{i}", citizen_id=c,
                           mark=mark))  # fmt: skip
    for n, (i, c, retracted) in enumerate(history.desk):
        at = local_datetime(session_day(i), time(9, 50))
        rows.append(_event(CheckIn, f"d{n}", at, n, action="check_in", citizen_id=c,
                           offer_id="gruppeforloeb", session_id=f"s{i}"))  # fmt: skip
        if retracted:
            rows.append(_event(CheckIn, f"r{n}", at + timedelta(minutes=1), n,
                               action="retraction", citizen_id=c, offer_id="gruppeforloeb",
                               session_id=f"s{i}", ref_id=f"d{n}"))  # fmt: skip
    return rows


def _event(model: type[SQLModel], id_: str, at: datetime, n: int, **fields: object) -> SQLModel:
    hlc = Stamp(int(at.timestamp() * 1000), n, "dev").pack()
    return model(id=id_, site_id="hornslet", device_id="dev", hlc=hlc, created_at=at,
                 received_at=at, **fields)  # fmt: skip


def reference(history: History) -> dict[int, dict[str, object]]:
    """Per session index, worked out the simplest way from the rules in docs/figures.md."""
    who = {c: history.merges.get(c, c) for c in CITIZENS + GUESTS}
    out: dict[int, dict[str, object]] = {}
    for i, (status, closed) in enumerate(history.statuses):
        closed = closed and status != "cancelled"
        latest: dict[str, str] = {}
        for j, c, mark in history.marks:  # in clock order: the last one wins
            if j == i:
                latest[who[c]] = mark
        desk = {who[c] for j, c, retracted in history.desk if j == i and not retracted}
        enrolled = set()
        for c, (first, last) in history.enrolments.items():
            if first <= i and (last is None or last < first or i <= last):
                enrolled.add(c)
        people = enrolled | set(latest) | desk
        mark = {c: latest.get(c) or ("present" if c in desk else None) for c in people}
        start = local_datetime(session_day(i), time(10, 0))
        held = status == "held" or closed or bool(latest) or bool(desk)
        counted = status != "cancelled" and held
        attended = {c for c in people if mark[c] in ATTENDED}
        out[i] = {
            "counted": counted, "mark": mark, "people": people, "attended": len(attended),
            "attended_by": attended, "participants": len(people), "enrolled": len(enrolled),
            "excused": sum(m == "excused" for m in mark.values()),
            "no_show": sum(m == "absent" or (m is None and closed) for m in mark.values()),
            "unmarked": sum(m is None and not closed for m in mark.values()),
            "future": start > NOW,
        }  # fmt: skip
    return out


def _template(tmp: Path, kind: str) -> Path:
    path = tmp / f"{kind}.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, kind)
    with write_session(engine) as s:
        if kind == "kiosk":
            init_state(s, device_id=KIOSK_DEVICE, site_id="hornslet")
        s.add_all([*sites(), *offers(), *topics()])
        s.flush()
        s.add(Staff(id=LEADER.id, initials=LEADER.initials, display_name="Leder", pin_hash="x"))
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("figures")
    return {kind: _template(tmp, kind) for kind in ("kiosk", "central")}


def _load(template: Path, target: Path, history: History, *, kiosk: bool) -> Engine:
    shutil.copy(template, target)
    engine = make_engine(f"sqlite:///{target}")
    with write_session(engine) as s:
        for row in rows_of(history):  # fresh rows: an ORM row belongs to one database
            s.add(row)
            s.flush()
        if kiosk:  # everything above was confirmed by central
            state = s.get(SyncState, 1)
            assert state is not None
            state.last_sync_ok_at = NOW
    return engine


def _records(report, key: str) -> list[dict]:
    return report.section(key).records()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(history=histories)
def test_every_figure_agrees_with_the_reference_and_kiosk_with_central(
    history: History, templates: dict[str, Path], tmp_path: Path
) -> None:
    n = next(RUNS)  # a fresh file per example (tmp_path is shared by Hypothesis' examples)
    kiosk = _load(templates["kiosk"], tmp_path / f"k{n}.db", history, kiosk=True)
    central = _load(templates["central"], tmp_path / f"c{n}.db", history, kiosk=False)
    try:
        purge_kiosk(kiosk, Settings(event_retention_days=30), NOW)  # the group is running
        ref = reference(history)
        today = ref[WEEKS]
        # The roster: each participant's mark and "N af M" so far.
        roster = open_roster(kiosk, session_id=f"s{WEEKS}", staff=LEADER, now=NOW)
        assert {e.citizen_id for e in roster.entries} == today["people"]
        for entry in roster.entries:
            assert entry.mark == today["mark"][entry.citizen_id]
            took_part = [
                i for i in ref if ref[i]["counted"] and entry.citizen_id in ref[i]["people"]
            ]
            came = [i for i in took_part if entry.citizen_id in ref[i]["attended_by"]]
            assert (entry.attended, entry.counted) == (len(came), len(took_part))
        # Home, the session list and the roster summary: one "Mødt".
        home = TodayService(kiosk).home(NOW).sessions[0]
        listed = todays_sessions(kiosk, now=NOW, staff=LEADER)[0]
        summary = roster.session
        assert home.arrived == listed.attended == summary.attended == today["attended"]
        assert home.participants == listed.participants == today["participants"]
        # F6 (this month) on the kiosk and `mestring report` on central: the same numbers.
        start = TODAY.replace(day=1)
        f6 = site_report(kiosk, start=start, end=TODAY, staff=LEADER, now=NOW)
        report = make_report(central, ReportQuery(site="hornslet", start=start, end=TODAY), now=NOW)
        for key in ("attendance", "attendance_sessions", "visits_offer", "unique", "appointments"):
            assert _records(f6, key) == _records(report, key), key
        in_month = [i for i in ref if session_day(i) >= start]
        by_day = {r["date"]: r for r in _records(f6, "attendance_sessions")}
        for i in in_month:
            row, want = by_day[session_day(i)], ref[i]
            got = tuple(
                row[k] for k in ("participants", "attended", "excused", "no_show", "unmarked")
            )
            assert got == tuple(want[k] for k in ("participants", "attended", "excused", "no_show",
                                                  "unmarked"))  # fmt: skip
            expected = round(100 * want["attended"] / want["participants"], 1) if (
                want["counted"] and want["participants"]) else None  # fmt: skip
            assert row["rate"] == expected
        groups = _records(f6, "attendance")
        counted = [i for i in in_month if ref[i]["counted"]]
        if groups:
            assert groups[0]["sessions"] == len(counted)
            assert groups[0]["attended"] == sum(ref[i]["attended"] for i in counted)
            assert groups[0]["participants"] == sum(ref[i]["participants"] for i in counted)
        # Over the whole history (past the kiosk's window) central counts the same way.
        everything = make_report(central, ReportQuery(site="hornslet", start=session_day(0),
                                                      end=TODAY), now=NOW)  # fmt: skip
        whole = _records(everything, "attendance")
        all_counted = [i for i in ref if ref[i]["counted"]]
        if whole:
            assert whole[0]["attended"] == sum(ref[i]["attended"] for i in all_counted)
            assert whole[0]["sessions"] == len(all_counted)
    finally:
        kiosk.dispose()
        central.dispose()
