"""attendance: open a roster of 30 and mark every participant, durable (WAL + synchronous=FULL)."""

from __future__ import annotations

import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bench.floors import CommitFloor
from bench.harness import add_ratio, summary_ms
from kiosk.services.attendance import open_roster
from kiosk.services.attendance_marks import mark_attendance
from kiosk.services.staff import StaffMember
from models import Citizen, Enrolment, Group, GroupSession, Offer, Site, Staff
from models.db import make_engine, write_session
from models.ids import new_id
from models.migrate import upgrade
from models.timeutil import utcnow
from sync.outbox import init_state

PARTICIPANTS = 30
MARKS = ("present", "late", "absent", "excused", "left_early")
LEADER = StaffMember(new_id(), "BL", "Bench Leder", frozenset({"group_leader"}))
#: A mark is a durable write like a check-in: its floor is the store floor's commit.
TARGETS = {"mark_p99_ratio": 2.0}


def _seed(engine: Engine, sessions: int, now: datetime) -> tuple[list[str], list[str]]:
    """A group of 30 with one session a week up to this week; returns (sessions, citizens)."""
    with write_session(engine) as s:
        init_state(s, device_id=new_id(), site_id="hornslet")
        s.add(Site(id="hornslet", name="Hornslet"))
        s.add(Offer(id="gruppe", name_da="Gruppe", name_en="Group", kind="group",
                    identity="identified"))  # fmt: skip
        s.add(Staff(id=LEADER.id, initials="BL", display_name="Bench Leder", pin_hash="x"))
        group = Group(
            id=new_id(), site_id="hornslet", offer_id="gruppe", title="Bench",
            code="B-1", starts_on=date(2026, 1, 1), leader_staff_id=LEADER.id,
        )  # fmt: skip
        s.add(group)
        s.flush()
        session_ids = []
        for week in range(sessions - 1, -1, -1):
            at = now - timedelta(weeks=week, minutes=30)
            gs = GroupSession(id=new_id(), group_id=group.id, site_id="hornslet", starts_at=at,
                              ends_at=at + timedelta(hours=2))  # fmt: skip
            s.add(gs)
            session_ids.append(gs.id)
        citizen_ids = []
        for i in range(PARTICIPANTS):
            citizen = Citizen(id=new_id(), display_name=f"Deltager {i:02d}", birth_year=1970 + i)
            s.add(citizen)
            s.flush()
            s.add(Enrolment(id=new_id(), group_id=group.id, citizen_id=citizen.id,
                            site_id="hornslet", starts_on=date(2026, 1, 1)))  # fmt: skip
            citizen_ids.append(citizen.id)
    return session_ids, citizen_ids


def run(quick: bool) -> dict[str, Any]:
    rounds = 8 if quick else 30
    now = utcnow()
    opens: list[float] = []
    marks: list[float] = []
    floors: list[float] = []  # the store floor, one commit after each mark (A B A B …)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'kiosk.db'}")
        upgrade(engine, "kiosk")
        floor = CommitFloor(Path(tmp) / "floor.db")
        sessions, citizens = _seed(engine, rounds + 1, now)
        for round_no, session_id in enumerate(sessions):
            started = time.perf_counter()
            roster = open_roster(engine, session_id=session_id, staff=LEADER, now=now)
            opened = time.perf_counter() - started
            assert len(roster.entries) == PARTICIPANTS
            for i, entry in enumerate(roster.entries):
                started = time.perf_counter()
                mark_attendance(
                    engine,
                    session_id=session_id,
                    citizen_id=entry.citizen_id,
                    mark=MARKS[(i + round_no) % len(MARKS)],
                    staff=LEADER,
                    now=now,
                )
                if round_no:  # the first round warms caches and is not counted
                    marks.append(time.perf_counter() - started)
                limit = floor.commit()
                if round_no:
                    floors.append(limit)
            if round_no:
                opens.append(opened)
        floor.close()
        engine.dispose()
    mark_figures, open_figures = summary_ms(marks), summary_ms(opens)
    floor_figures = summary_ms(floors)
    metrics = {
        "mark_p99_ms": mark_figures["p99_ms"],
        "roster_open_ms": open_figures["p99_ms"],
        "mark_p50_ms": mark_figures["p50_ms"],
        "roster_open_p50_ms": open_figures["p50_ms"],
    }
    add_ratio(metrics, "mark_p99_ms", floor_figures["p99_ms"])
    add_ratio(metrics, "mark_p50_ms", floor_figures["p50_ms"])
    return {
        "metrics": metrics,
        "sizes": {
            "participants": PARTICIPANTS,
            "rosters_opened": len(opens),
            "marks": len(marks),
            "past_sessions_max": rounds,
            "journal_mode": "wal",
            "synchronous": "full",
            "citizens": len(citizens),
            "floor": "store floor: raw sqlite3 row + outbox row commit, after each mark",
        },
    }
