"""Demo history invariants: past sessions closed, marks and check-ins consistent, realistic
and deterministic, nothing on today; a seeded kiosk's roster shows real "af" counts."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, time

import pytest
from sqlalchemy.engine import Engine

from kiosk.services.attendance import open_roster, todays_sessions
from kiosk.services.mark_merge import ATTENDED_MARKS
from kiosk.services.staff import StaffMember
from models.demo import DemoData, build_demo
from models.demo_catalogue import SITE_IDS
from models.demo_history import EventRow
from models.events import CheckInAction, Mark, SessionRequest
from models.schedule import SessionStatus
from models.timeutil import local_datetime, local_today
from sync.demo_seed import seed_kiosk, site_share
from sync.hlc import Stamp

TODAY = date(2026, 11, 24)
MIDNIGHT = local_datetime(TODAY, time.min)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return build_demo(TODAY)


def _current_marks(data: DemoData) -> dict[tuple[str, str], str]:
    current: dict[tuple[str, str], EventRow] = {}
    for m in data.attendance_marks:
        key = (m["session_id"], m["citizen_id"])
        if key not in current or m["hlc"] > current[key]["hlc"]:
            current[key] = m
    return {key: m["mark"] for key, m in current.items()}


def _enrolled(data: DemoData) -> dict[str, set[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for e in data.enrolments:
        members[e.group_id].add(e.citizen_id)
    return members


def _all_events(data: DemoData) -> list[EventRow]:
    return [e for _model, rows in data.events() for e in rows]


def test_every_event_reference_resolves(demo: DemoData) -> None:
    sessions = {s.id: s for s in demo.sessions}
    appointments = {a.id: a for a in demo.appointments}
    citizens, staff = {c.id for c in demo.citizens}, {s.id for s in demo.staff}
    offers = {o.id for o in demo.offers}
    for e in demo.session_changes:
        assert sessions[e["session_id"]].site_id == e["site_id"]
        assert e["staff_id"] in staff
    for m in demo.attendance_marks:
        assert sessions[m["session_id"]].site_id == m["site_id"]
        assert m["citizen_id"] in citizens and m["staff_id"] in staff
    for c in demo.check_ins:
        assert c["citizen_id"] in citizens and c["offer_id"] in offers
        assert c["staff_id"] is None or c["staff_id"] in staff
        assert c["session_id"] is None or c["appointment_id"] is None
        if c["session_id"] or c["appointment_id"]:
            target = sessions.get(c["session_id"]) or appointments[c["appointment_id"]]
            assert target.site_id == c["site_id"]
    offered = {(so.site_id, so.offer_id) for so in demo.site_offers}
    for a in demo.anonymous_contacts:
        assert (a["site_id"], a["offer_id"]) in offered


def test_events_are_stamped_as_their_sites_kiosk_made_them(demo: DemoData) -> None:
    events = _all_events(demo)
    assert len({e["id"] for e in events}) == len(events)
    stamped = [e for e in events if "contact_date" not in e]  # anonymous: to the hour
    assert len({e["hlc"] for e in stamped}) == len(stamped)
    for e in events:
        stamp = Stamp.parse(e["hlc"])
        created_ms = int(e["created_at"].timestamp() * 1000)
        assert stamp.node == e["device_id"] == demo.devices[e["site_id"]]
        assert stamp.ms == created_ms and stamp.counter == 0
        assert uuid.UUID(e["id"]).version == 7 and uuid.UUID(e["id"]).int >> 80 == created_ms
        assert e["created_at"] < MIDNIGHT and e["received_at"] is None


def test_marks_are_only_on_past_held_sessions_for_members_or_guests_from_the_site(
    demo: DemoData,
) -> None:
    sessions = {s.id: s for s in demo.sessions}
    members = _enrolled(demo)
    at_site: dict[str, set[str]] = defaultdict(set)
    for g in demo.groups:
        at_site[g.site_id] |= members[g.id]
    for m in demo.attendance_marks:
        gs = sessions[m["session_id"]]
        assert gs.starts_at < MIDNIGHT and gs.status == SessionStatus.HELD and gs.closed
        assert m["citizen_id"] in at_site[gs.site_id]  # a guest is in the site's scope
        assert m["created_at"] < gs.ends_at
    guests = [
        m
        for m in demo.attendance_marks
        if m["citizen_id"] not in members[sessions[m["session_id"]].group_id]
    ]
    assert guests and all(m["mark"] == Mark.PRESENT for m in guests)


def test_every_past_session_is_closed_a_few_cancelled_with_a_reason_and_unmarked(
    demo: DemoData,
) -> None:
    past = [s for s in demo.sessions if s.starts_at < MIDNIGHT]
    cancelled = [s for s in past if s.status == SessionStatus.CANCELLED]
    assert all(s.closed for s in past)
    assert 2 <= len(cancelled) <= len(past) // 8 and all(s.status_reason for s in cancelled)
    marked = {m["session_id"] for m in demo.attendance_marks}
    assert not marked & {s.id for s in cancelled}
    assert {s.id for s in past} - {s.id for s in cancelled} == marked
    latest: dict[str, EventRow] = {}
    for e in sorted(demo.session_changes, key=lambda e: e["hlc"]):
        latest[e["session_id"]] = e
    for s in past:
        assert latest[s.id]["state"] == SessionRequest.CLOSED and s.state_hlc == latest[s.id]["hlc"]
    for s in cancelled:
        asked = [e for e in demo.session_changes if e["session_id"] == s.id]
        assert any(
            e["state"] == SessionRequest.CANCELLED and e["reason"] == s.status_reason for e in asked
        )


def test_todays_and_later_sessions_have_no_marks_or_state_changes_yet(demo: DemoData) -> None:
    upcoming = {s.id for s in demo.sessions if s.starts_at >= MIDNIGHT}
    assert upcoming
    assert all(s.status == SessionStatus.PLANNED and not s.closed and not s.state_hlc
               for s in demo.sessions if s.id in upcoming)  # fmt: skip
    touched = {e["session_id"] for e in demo.attendance_marks + demo.session_changes}
    touched |= {c["session_id"] for c in demo.check_ins}
    assert not touched & upcoming


def test_attendance_is_realistic_with_a_couple_of_rare_attenders(demo: DemoData) -> None:
    current, members = _current_marks(demo), _enrolled(demo)
    held = [s for s in demo.sessions if s.status == SessionStatus.HELD and s.closed]
    per_citizen: dict[str, list[bool]] = defaultdict(list)
    for s in held:
        for citizen in members[s.group_id]:
            per_citizen[citizen].append(current.get((s.id, citizen)) in ATTENDED_MARKS)
    slots = [came for history in per_citizen.values() for came in history]
    assert 0.70 <= sum(slots) / len(slots) <= 0.85
    rare = [c for c, h in per_citizen.items() if len(h) >= 4 and sum(h) / len(h) < 0.4]
    assert len(rare) >= 2
    kinds = set(current.values())
    assert {Mark.PRESENT, Mark.ABSENT, Mark.EXCUSED, Mark.LATE} <= kinds
    assert all((s.id, c) in current for s in held for c in members[s.group_id])
    assert len(demo.attendance_marks) > len(current)  # some marks were corrected later


def test_check_ins_match_past_appointments_and_attended_sessions(demo: DemoData) -> None:
    appointments = {a.id: a for a in demo.appointments}
    current = _current_marks(demo)
    assert all(c["action"] == CheckInAction.CHECK_IN for c in demo.check_ins)
    by_appointment = [c for c in demo.check_ins if c["appointment_id"]]
    for c in by_appointment:
        a = appointments[c["appointment_id"]]
        assert not a.cancelled and c["citizen_id"] == a.citizen_id and c["created_at"] < a.starts_at
        assert c["offer_id"] == a.offer_id
    past = [a for a in demo.appointments if a.starts_at < MIDNIGHT and not a.cancelled]
    assert 0.8 <= len(by_appointment) / len(past) <= 0.95
    assert len({c["appointment_id"] for c in by_appointment}) == len(by_appointment)
    for c in demo.check_ins:
        if c["session_id"]:
            assert current[(c["session_id"], c["citizen_id"])] in ATTENDED_MARKS


def test_walk_ins_are_regular_visitors_of_the_site_so_central_scope_is_unchanged(
    demo: DemoData, frozen_now: datetime
) -> None:
    walk_ins = [c for c in demo.check_ins if not (c["session_id"] or c["appointment_id"])]
    assert len(walk_ins) > 100
    for site_id in SITE_IDS:
        in_scope = {c.id for c in site_share(demo, site_id, now=frozen_now)[4]}
        here = [c for c in walk_ins if c["site_id"] == site_id]
        assert here and all(c["citizen_id"] in in_scope for c in here)
        assert {c["offer_id"] for c in here} <= {"beskaeftigelse", "borgerservice"}
    weeks = {c["created_at"].isocalendar()[1] for c in walk_ins}
    assert len(weeks) >= 12  # the desk has been busy for twelve weeks


def test_anonymous_contacts_carry_no_identity_and_only_the_hour(demo: DemoData) -> None:
    contacts = demo.anonymous_contacts
    assert len(contacts) > 200
    topics = {t.id for t in demo.topics}
    for a in contacts:
        assert "citizen_id" not in a and "staff_id" not in a
        created = a["created_at"]
        assert (created.minute, created.second, created.microsecond) == (0, 0, 0)
        assert Stamp.parse(a["hlc"]).ms == int(created.timestamp() * 1000)
        assert uuid.UUID(a["id"]).int >> 80 == int(created.timestamp() * 1000)
        assert a["contact_date"] == local_today(created) < TODAY
        assert a["topics"] and set(a["topics"].split(",")) <= topics


def test_running_courses_have_weekly_meetings_until_yesterday(demo: DemoData) -> None:
    for course in demo.courses:
        past = [a for a in demo.appointments if a.course_id == course.id and a.starts_at < MIDNIGHT]
        weeks = (TODAY - course.starts_on).days // 7
        assert weeks - 1 <= len(past) <= weeks + 1
        assert all(a.starts_at.weekday() < 5 for a in past)


def test_history_is_deterministic_for_a_seed(demo: DemoData) -> None:
    again = build_demo(TODAY)
    assert [e for _m, rows in again.events() for e in rows] == _all_events(demo)
    assert [(s.status, s.status_reason, s.state_hlc) for s in again.sessions] == [
        (s.status, s.status_reason, s.state_hlc) for s in demo.sessions
    ]
    other = build_demo(TODAY, seed=7, citizens=300)
    assert [e["id"] for e in _all_events(other)][:50] != [e["id"] for e in _all_events(demo)][:50]


def test_history_can_be_left_out(demo: DemoData) -> None:
    bare = build_demo(TODAY, citizens=200, history=False)
    assert not _all_events(bare) and not bare.devices
    assert all(a.course_id is None or a.starts_at >= MIDNIGHT for a in bare.appointments)


def test_a_seeded_kiosks_roster_shows_how_often_each_participant_came(
    demo: DemoData, fresh_db: Engine, frozen_now: datetime
) -> None:
    seed_kiosk(fresh_db, demo, "hornslet", now=frozen_now, device_id="dev-1")
    leader = demo.staff_by_initials("JK")
    staff = StaffMember(leader.id, "JK", leader.display_name, frozenset({"group_leader"}))
    today = todays_sessions(fresh_db, now=frozen_now, staff=staff)
    own = next(s for s in today if s.own)
    roster = open_roster(fresh_db, session_id=own.id, staff=staff, now=frozen_now)
    assert roster.entries and all(e.mark is None for e in roster.entries)
    counted = [e.counted for e in roster.entries if not e.guest]
    assert min(counted) >= 3 and sum(e.attended for e in roster.entries) > 0
    rates = [e.attended / e.counted for e in roster.entries]
    assert 0.5 <= sum(rates) / len(rates) <= 0.95
