"""Provisional citizens: merge re-points events and reaches kiosks through the feed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from kiosk.cli import main
from models import (
    AttendanceMark,
    AuditEntry,
    ChangeFeed,
    CheckIn,
    Citizen,
    Enrolment,
    Group,
    SiteScope,
)
from models.db import read_session, write_session
from sync.admin.provisional import (
    ProvisionalRefused,
    confirm_provisional,
    list_provisional,
    merge_provisional,
    resolve_citizen_id,
)
from sync.changes import publish, refresh_scope
from tests.sync.admin.conftest import db_url
from tests.sync.admin.report_fixture import at, checkin, event


@pytest.fixture
def guest_and_known(central, frozen_now):
    """Guest 'p1' added at Hornslet (a check-in and a mark); known 't1' enrolled at Ebeltoft."""
    with write_session(central) as session:
        session.add(Citizen(id="p1", display_name="Gæst Jensen", provisional=True,
                            created_site_id="hornslet", card_token="CARD1234"))  # fmt: skip
        session.add(Citizen(id="t1", display_name="Jens Jensen", reference="BOS-1"))
        session.flush()
        refresh_scope(session, "p1", now=frozen_now)
        group = Group(id="g1", site_id="ebeltoft", offer_id="gruppeforloeb", title="Hold",
                      code="G-1", starts_on=date(2026, 9, 1))  # fmt: skip
        publish(session, [group], now=frozen_now)
        publish(session, [Enrolment(id="e1", group_id="g1", citizen_id="t1", site_id="ebeltoft",
                                    starts_on=date(2026, 9, 1))], now=frozen_now)  # fmt: skip
        session.add(checkin("hornslet", at(23, 10), "p1"))
        session.add(event(AttendanceMark, "hornslet", at(23, 10), session_id="s1",
                          citizen_id="p1", mark="present"))  # fmt: skip
    return central


def _feed_after(engine, seq):
    with read_session(engine) as session:
        rows = session.exec(select(ChangeFeed).where(ChangeFeed.seq > seq)).all()
    return [(f.site_id, f.table_name, f.row_id, f.op) for f in rows]


def _last_seq(engine):
    with read_session(engine) as session:
        return max(session.exec(select(ChangeFeed.seq)).all())


def test_merge_repoints_every_event_and_the_feed_carries_the_change(guest_and_known, frozen_now):
    engine = guest_and_known
    before = _last_seq(engine)
    result = merge_provisional(engine, "p1", "BOS-1", now=frozen_now)
    assert result.repointed["check_in"] == 1 and result.repointed["attendance_mark"] == 1
    with read_session(engine) as session:
        assert {c.citizen_id for c in session.exec(select(CheckIn)).all()} == {"t1"}
        assert {m.citizen_id for m in session.exec(select(AttendanceMark)).all()} == {"t1"}
        guest, known = session.get(Citizen, "p1"), session.get(Citizen, "t1")
        scopes = set(session.exec(select(SiteScope.site_id, SiteScope.citizen_id)).all())
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "citizen_merge")).one()
    assert guest.merged_into == "t1" and not guest.provisional and guest.card_token is None
    assert known.card_token == "CARD1234"  # the guest's card keeps working
    assert scopes == {("hornslet", "t1"), ("ebeltoft", "t1")}
    feed = _feed_after(engine, before)
    assert ("hornslet", "citizen", "t1", "upsert") in feed
    assert ("hornslet", "citizen", "p1", "evict") in feed
    # the merged citizen reaches Hornslet before the guest is evicted there
    assert feed.index(("hornslet", "citizen", "t1", "upsert")) < feed.index(
        ("hornslet", "citizen", "p1", "evict")
    )
    assert audit.citizen_id == "t1" and "p1" in audit.detail


def test_a_late_event_for_a_merged_guest_is_repointed_by_merging_again(guest_and_known, frozen_now):
    engine = guest_and_known
    merge_provisional(engine, "p1", "t1", now=frozen_now)
    with write_session(engine) as session:
        session.add(checkin("hornslet", at(24, 9), "p1"))  # pushed by a kiosk after the merge
        assert resolve_citizen_id(session, "p1") == "t1"
    again = merge_provisional(engine, "p1", "t1", now=frozen_now)
    assert again.repointed["check_in"] == 1


def test_merge_refuses_a_known_citizen_or_itself_and_changes_nothing(guest_and_known, frozen_now):
    engine = guest_and_known
    with pytest.raises(ProvisionalRefused, match="not a provisional"):
        merge_provisional(engine, "t1", "p1", now=frozen_now)
    with pytest.raises(ProvisionalRefused, match="themselves"):
        merge_provisional(engine, "p1", "p1", now=frozen_now)
    with pytest.raises(ProvisionalRefused, match="no citizen"):
        merge_provisional(engine, "p1", "nobody", now=frozen_now)
    with read_session(engine) as session:
        assert session.get(Citizen, "p1").provisional
        assert {c.citizen_id for c in session.exec(select(CheckIn)).all()} == {"p1"}


def test_confirm_makes_a_guest_a_normal_citizen(guest_and_known, frozen_now):
    engine = guest_and_known
    assert [g.id for g in list_provisional(engine, now=frozen_now)] == ["p1"]
    sites = confirm_provisional(engine, "p1", now=frozen_now, reference="BOS-2")
    assert sites == ["hornslet"]  # kept in scope by the visit there
    with read_session(engine) as session:
        guest = session.get(Citizen, "p1")
    assert not guest.provisional and guest.reference == "BOS-2"
    assert list_provisional(engine, now=frozen_now) == []


def test_the_cli_merges_and_lists(guest_and_known, capsys):
    url = db_url(guest_and_known)
    assert main(["central", "provisional", "list", "--db", url]) == 0
    assert "Gæst Jensen" in capsys.readouterr().out
    assert main(["central", "provisional", "merge", "p1", "BOS-1", "--db", url]) == 0
    assert "merged p1 into t1" in capsys.readouterr().out
    assert main(["central", "provisional", "merge", "t1", "p1", "--db", url]) == 2
