"""Check-in, card scans, duplicates, undo and check-out: one transaction each, audited."""

from datetime import timedelta

import pytest
from sqlmodel import func, select

from kiosk.services import checkin as checkin_module
from kiosk.services.checkin import CheckInRefused, check_in, check_in_by_card
from kiosk.services.corrections import check_out, todays_check_ins, undo_check_in
from kiosk.services.plan import OfferChoice
from kiosk.services.staff import StaffMember
from models import AuditEntry, CheckIn, Outbox
from models.db import read_session
from tests.kiosk.frontdesk_data import seed_frontdesk

DESK = StaffMember("s-mh", "MH", "Mette Holm", frozenset({"front_desk"}))


@pytest.fixture
def kiosk(fresh_db):
    seed_frontdesk(fresh_db)
    return fresh_db


def rows(engine, model):
    with read_session(engine) as session:
        return list(session.exec(select(model).order_by(model.hlc)))


def outbox_size(engine):
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(Outbox)).one()


def test_citizen_with_one_session_today_is_checked_in_to_it(kiosk, frozen_now):
    outcome = check_in(kiosk, citizen_id="c-soeren", staff=DESK, now=frozen_now)
    assert outcome.status == "checked_in" and outcome.first_name == "Søren"
    [event] = rows(kiosk, CheckIn)
    assert (event.session_id, event.offer_id, event.staff_id) == (
        "gs-today",
        "gruppeforloeb",
        "s-mh",
    )
    [entry] = rows(kiosk, AuditEntry)
    assert (entry.action, entry.citizen_id, entry.staff_id) == ("check_in", "c-soeren", "s-mh")
    assert outbox_size(kiosk) == 2  # the check-in and its audit entry


def test_second_check_in_to_the_same_session_is_refused(kiosk, frozen_now):
    check_in(kiosk, citizen_id="c-soeren", staff=DESK, now=frozen_now)
    again = check_in(
        kiosk, citizen_id="c-soeren", staff=DESK, now=frozen_now + timedelta(minutes=1)
    )
    assert again.status == "duplicate" and again.record.label == "G-H1"
    assert len(rows(kiosk, CheckIn)) == 1


def test_citizen_with_two_things_today_is_asked_which(kiosk, frozen_now):
    outcome = check_in(kiosk, citizen_id="c-mette-k", staff=DESK, now=frozen_now)
    assert outcome.status == "choose"
    assert [i.ref_id for i in outcome.items] == ["gs-today", "a-mette"]
    assert rows(kiosk, CheckIn) == []
    chosen = check_in(kiosk, citizen_id="c-mette-k", staff=DESK, now=frozen_now,
                      target=outcome.items[1])  # fmt: skip
    assert chosen.status == "checked_in"
    left = check_in(kiosk, citizen_id="c-mette-k", staff=DESK, now=frozen_now)
    assert left.status == "checked_in" and left.record.label == "G-H1"


def test_citizen_with_nothing_today_is_offered_the_walk_in_offers(kiosk, frozen_now):
    outcome = check_in(kiosk, citizen_id="c-jens", staff=DESK, now=frozen_now)
    assert outcome.status == "choose" and outcome.items == ()
    assert [o.offer_id for o in outcome.offers] == [
        "aaben-raadgivning", "aabent-samvaer", "beskaeftigelse"
    ]  # fmt: skip
    done = check_in(kiosk, citizen_id="c-jens", staff=DESK, now=frozen_now,
                    target=outcome.offers[1])  # fmt: skip
    assert done.status == "checked_in" and done.record.wants_checkout


def test_unknown_citizen_is_refused(kiosk, frozen_now):
    with pytest.raises(CheckInRefused):
        check_in(kiosk, citizen_id="nobody", staff=DESK, now=frozen_now)


def test_card_scan_checks_in_and_a_second_scan_is_a_duplicate(kiosk, frozen_now):
    first = check_in_by_card(kiosk, token=" sp1234ab\n", staff=None, now=frozen_now)
    assert first.status == "checked_in" and first.first_name == "Søren"
    [event] = rows(kiosk, CheckIn)
    assert (event.method, event.staff_id) == ("card_locked", None)
    second = check_in_by_card(kiosk, token="SP1234AB", staff=None, now=frozen_now)
    assert second.status == "duplicate"


def test_locked_scan_with_two_things_takes_the_nearest_in_time(kiosk, frozen_now):
    outcome = check_in_by_card(kiosk, token="MK7777CD", staff=None, now=frozen_now)
    assert outcome.status == "checked_in" and outcome.record.label == "G-H1"


def test_locked_scan_with_nothing_today_checks_nobody_in(kiosk, frozen_now):
    outcome = check_in_by_card(kiosk, token="JN0001EF", staff=None, now=frozen_now)
    assert outcome.status == "no_plan" and rows(kiosk, CheckIn) == []


@pytest.mark.parametrize("token", ["UNKNOWN1", "", "æøå!", "x" * 200, "12"])
def test_unknown_or_malformed_card_changes_nothing_but_the_audit(kiosk, frozen_now, token):
    outcome = check_in_by_card(kiosk, token=token, staff=None, now=frozen_now)
    assert outcome.status == "unknown_card"
    assert rows(kiosk, CheckIn) == []
    assert [e.action for e in rows(kiosk, AuditEntry)] == ["card_unknown"]


def test_undo_within_the_window_writes_a_retraction_never_a_delete(kiosk, frozen_now):
    done = check_in(kiosk, citizen_id="c-soeren", staff=DESK, now=frozen_now)
    undo_check_in(kiosk, check_in_id=done.record.id, staff=DESK,
                  now=frozen_now + timedelta(minutes=4), window_minutes=5)  # fmt: skip
    events = rows(kiosk, CheckIn)
    assert [e.action for e in events] == ["check_in", "retraction"]
    assert events[1].ref_id == done.record.id
    assert rows(kiosk, AuditEntry)[-1].action == "undo_check_in"
    again = check_in(
        kiosk, citizen_id="c-soeren", staff=DESK, now=frozen_now + timedelta(minutes=5)
    )
    assert again.status == "checked_in"


def test_undo_after_the_window_or_twice_is_refused(kiosk, frozen_now):
    done = check_in(kiosk, citizen_id="c-soeren", staff=DESK, now=frozen_now)
    with pytest.raises(CheckInRefused, match="too_late"):
        undo_check_in(kiosk, check_in_id=done.record.id, staff=DESK,
                      now=frozen_now + timedelta(minutes=6), window_minutes=5)  # fmt: skip
    undo_check_in(kiosk, check_in_id=done.record.id, staff=DESK, now=frozen_now,
                  window_minutes=5)  # fmt: skip
    with pytest.raises(CheckInRefused, match="already_undone"):
        undo_check_in(kiosk, check_in_id=done.record.id, staff=DESK, now=frozen_now,
                      window_minutes=5)  # fmt: skip
    assert len(rows(kiosk, CheckIn)) == 2


def test_check_out_only_where_the_offer_wants_it_and_once(kiosk, frozen_now):
    drop_in = OfferChoice("aabent-samvaer", "Åbent samværstilbud", True)
    done = check_in(kiosk, citizen_id="c-jens", staff=DESK, now=frozen_now, target=drop_in)
    check_out(kiosk, check_in_id=done.record.id, staff=DESK, now=frozen_now + timedelta(hours=1))
    with pytest.raises(CheckInRefused, match="already_out"):
        check_out(kiosk, check_in_id=done.record.id, staff=DESK, now=frozen_now)
    [record] = todays_check_ins(kiosk, now=frozen_now)
    assert record.checked_out and record.display_name == "Jens Nielsen"
    group = check_in(kiosk, citizen_id="c-soeren", staff=DESK, now=frozen_now)
    with pytest.raises(CheckInRefused, match="no_checkout"):
        check_out(kiosk, check_in_id=group.record.id, staff=DESK, now=frozen_now)


def test_a_failing_audit_leaves_no_half_written_check_in(kiosk, frozen_now, monkeypatch):
    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(checkin_module, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        check_in(kiosk, citizen_id="c-soeren", staff=DESK, now=frozen_now)
    assert rows(kiosk, CheckIn) == [] and outbox_size(kiosk) == 0


def test_index_marks_today_and_search_and_view_are_audited(kiosk, frozen_now):
    from kiosk.services.citizens import audit_search, load_index, view_citizen

    index, today = load_index(kiosk, now=frozen_now)
    assert set(today) == {"c-soeren", "c-mette-k"}
    assert index.search("s").hits[0].citizen_id == "c-soeren"
    audit_search(kiosk, staff=DESK, citizen_ids=["c-soeren", "c-mette-k"], now=frozen_now)
    view = view_citizen(kiosk, staff=DESK, citizen_id="c-mette-k", now=frozen_now)
    assert [i.code for i in view.today] == ["G-H1", "Individuelt mestringsforløb"]
    entries = rows(kiosk, AuditEntry)
    assert [(e.action, e.detail, e.citizen_id) for e in entries] == [
        ("search", "shown 1 of 2", "c-soeren"),
        ("search", "shown 2 of 2", "c-mette-k"),
        ("view", "", "c-mette-k"),
    ]
