"""The DPO's kiosk checks at service level: no CPR or PIN in any text field, searches audited
by the citizens shown (never the text), rosters only for those who need to know."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from kiosk.guard import scan_message
from kiosk.i18n import set_language, t
from kiosk.services.attendance import AttendanceRefused, open_roster, todays_sessions
from kiosk.services.attendance_marks import add_guest, mark_attendance, mark_unmarked_absent
from kiosk.services.checkin import Outcome
from kiosk.services.frontdesk import FrontDesk
from kiosk.services.queue import QueueRefused, add_ticket
from kiosk.services.session_state import cancel_session, clean_reason
from kiosk.services.staff import StaffMember
from models import AuditEntry, Citizen, Outbox, QueueTicket
from models.config import Settings
from models.db import read_session
from tests.kiosk.attendance_world import ADMIN, COUNSELLOR, DESK, LEADER, seed_group, seed_reference
from tests.kiosk.frontdesk_data import seed_frontdesk

CPR = ["Ole 010190-1111", "Gæst 0101901111", "010203-1234", "Ib 31.12.99 1234"]
PIN_LIKE = ["MH2001pia", "MH 200101", "MH\t2001", "Ole 482193"]
CONTROL = ["Ole\x1b[2J", "Ib\u202eeciL"]
MH = StaffMember("s-mh", "MH", "Mette Holm", frozenset({"front_desk"}))


def _outbox(engine) -> int:
    with read_session(engine) as s:
        return len(s.exec(select(Outbox)).all())


@pytest.fixture
def world(fresh_db, frozen_now):
    seed_reference(fresh_db)
    return seed_group(fresh_db, frozen_now, participants=3, past_weeks=1)


@pytest.mark.parametrize("name", CPR + PIN_LIKE + CONTROL)
def test_a_queue_name_with_a_cpr_pin_or_control_character_is_refused(fresh_db, frozen_now, name):
    seed_frontdesk(fresh_db)
    before = _outbox(fresh_db)
    with pytest.raises(QueueRefused) as refused:
        add_ticket(fresh_db, staff=MH, now=frozen_now, name=name)
    assert (
        name not in str(refused.value)
        and str(refused.value).startswith("Det ligner")
        or ("kontroltegn" in str(refused.value))
    )
    with read_session(fresh_db) as s:
        assert s.exec(select(QueueTicket)).all() == []
    assert _outbox(fresh_db) == before


def test_the_queue_refusal_is_in_english_when_the_kiosk_is(fresh_db, frozen_now):
    seed_frontdesk(fresh_db)
    set_language("en")
    try:
        with pytest.raises(QueueRefused, match="CPR numbers are never stored"):
            add_ticket(fresh_db, staff=MH, now=frozen_now, name="Ole 010190-1111")
    finally:
        set_language("da")


@pytest.mark.parametrize("name", CPR + PIN_LIKE + CONTROL)
def test_a_guest_name_with_a_cpr_pin_or_control_character_is_refused(
    world, fresh_db, frozen_now, name
):
    before = _outbox(fresh_db)
    with pytest.raises(AttendanceRefused) as refused:
        add_guest(fresh_db, session_id=world.today_session, display_name=name, birth_year=None,
                  staff=LEADER, now=frozen_now)  # fmt: skip
    assert refused.value.reason in {"cpr_like", "pin_like", "control_char"}
    assert (
        t(f"attendance.refused.{refused.value.reason}")
        != f"attendance.refused.{refused.value.reason}"
    )
    with read_session(fresh_db) as s:
        assert s.exec(select(Citizen).where(col(Citizen.provisional))).all() == []
    assert _outbox(fresh_db) == before


@pytest.mark.parametrize("reason", ["Aflyst, ring 010190-1111", "MH2001", "Syg\x07"])
def test_a_reason_with_a_cpr_pin_or_control_character_is_refused(
    world, fresh_db, frozen_now, reason
):
    with pytest.raises(AttendanceRefused) as refused:
        cancel_session(fresh_db, session_id=world.today_session, reason=reason, staff=LEADER,
                       now=frozen_now)  # fmt: skip
    assert refused.value.reason in {"cpr_like", "pin_like", "control_char"}


def test_ordinary_names_and_reasons_still_pass(world, fresh_db, frozen_now):
    assert clean_reason("Lederen er syg  (uge 48, lokale 2)") == "Lederen er syg (uge 48, lokale 2)"
    added = add_guest(fresh_db, session_id=world.today_session, display_name="Anne-Mette Ørsted",
                      birth_year=1975, staff=LEADER, now=frozen_now)  # fmt: skip
    assert added.citizen_id


def _frontdesk(engine, tmp_path, now) -> FrontDesk:
    front = FrontDesk(engine, Settings(home=tmp_path))
    front.ensure_index(now)
    return front


def _audit(engine) -> list[AuditEntry]:
    with read_session(engine) as s:
        return list(s.exec(select(AuditEntry)).all())


@pytest.mark.parametrize("query", ["010203-1234", "søren 0102031234", "01.02.03-1234"])
def test_a_cpr_like_search_is_not_run_and_not_stored(fresh_db, tmp_path, frozen_now, query):
    seed_frontdesk(fresh_db)
    front = _frontdesk(fresh_db, tmp_path, frozen_now)
    result = front.search(query)
    assert result.hits == () and result.query == ""
    assert front.search_refusal(query) == "privacy.search.cpr"
    front.audit_search(MH, query, 0, frozen_now)
    [entry] = _audit(fresh_db)
    assert (entry.action, entry.detail, entry.citizen_id) == ("search_refused", "", None)


def test_a_search_is_audited_as_the_citizens_shown_never_the_text(fresh_db, tmp_path, frozen_now):
    seed_frontdesk(fresh_db)
    front = _frontdesk(fresh_db, tmp_path, frozen_now)
    shown = [h.citizen_id for h in front.search("søren").hits]
    assert shown
    front.audit_search(MH, "søren", len(shown), frozen_now)
    front.audit_search(MH, "MH2001pia", 0, frozen_now)  # a login typed into the search
    entries = _audit(fresh_db)
    assert [e.citizen_id for e in entries if e.citizen_id] == shown
    assert {e.action for e in entries} == {"search"}
    assert all(e.staff_id == "s-mh" and e.device_id for e in entries)
    assert not any("søren" in e.detail or "2001" in e.detail for e in entries)


def test_front_desk_sees_arrival_status_but_not_a_groups_members(world, fresh_db, frozen_now):
    [summary] = todays_sessions(fresh_db, now=frozen_now, staff=DESK)
    assert summary.id == world.today_session  # the session is listed (arrivals at check-in)
    for attempt in (
        lambda: open_roster(fresh_db, session_id=world.today_session, staff=DESK, now=frozen_now),
        lambda: mark_unmarked_absent(
            fresh_db, session_id=world.today_session, staff=DESK, now=frozen_now
        ),  # fmt: skip
        lambda: mark_attendance(
            fresh_db,
            session_id=world.today_session,
            citizen_id=world.citizens[0],
            mark="present",
            staff=DESK,
            now=frozen_now,
        ),  # fmt: skip
    ):
        with pytest.raises(AttendanceRefused) as refused:
            attempt()
        assert refused.value.reason == "need_to_know"
    assert [e.action for e in _audit(fresh_db)] == []  # nothing was read


def test_another_groups_leader_is_refused_and_its_leader_counsellors_and_admins_see_it(
    world, fresh_db, frozen_now
):
    other_leader = StaffMember("staff-other", "OL", "Ole Leder", frozenset({"group_leader"}))
    with pytest.raises(AttendanceRefused):
        open_roster(fresh_db, session_id=world.today_session, staff=other_leader, now=frozen_now)
    for member in (LEADER, COUNSELLOR, ADMIN):
        roster = open_roster(fresh_db, session_id=world.today_session, staff=member, now=frozen_now)
        assert len(roster.entries) == 3


def test_the_lock_screen_answer_has_no_name_unless_the_site_allows_first_names():
    outcome = Outcome("checked_in", "c-1", "Anne")
    assert scan_message(outcome) == "Tak, du er tjekket ind"
    assert scan_message(Outcome("duplicate", "c-1", "Anne")) == "Tak, du er allerede tjekket ind"
    assert "Anne" not in scan_message(Outcome("no_plan", "c-1", "Anne"))
    assert scan_message(outcome, first_names=True) == "Tak, Anne, du er tjekket ind"
    assert Settings().lock_screen_first_names is False


@pytest.mark.parametrize("name", ["Ib 31.12.99-1234", "Ole 01 01 90 1111", "Åse 010190 1111"])
def test_a_cpr_number_written_with_separators_is_refused_as_cpr(fresh_db, frozen_now, name):
    seed_frontdesk(fresh_db)
    with pytest.raises(QueueRefused, match="CPR-nummer"):
        add_ticket(fresh_db, staff=MH, now=frozen_now, name=name)


def test_a_group_without_an_assigned_leader_is_open_to_the_sites_group_leaders(
    fresh_db, frozen_now
):
    seed_reference(fresh_db)
    world = seed_group(fresh_db, frozen_now, participants=2, leader=None)
    other_leader = StaffMember("staff-other", "OL", "Ole Leder", frozenset({"group_leader"}))
    roster = open_roster(fresh_db, session_id=world.today_session, staff=other_leader,
                         now=frozen_now)  # fmt: skip
    assert len(roster.entries) == 2
    with pytest.raises(AttendanceRefused):
        open_roster(fresh_db, session_id=world.today_session, staff=DESK, now=frozen_now)
