"""Retention: kiosks purge only what central confirmed; central purges by policy."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import delete, select

from kiosk.cli import main
from models import (
    AttendanceMark,
    AuditEntry,
    CheckIn,
    LocalRejection,
    Outbox,
    Rejection,
    SyncState,
)
from models.config import Settings
from models.db import read_session, write_session
from models.ids import new_id
from models.timeutil import utcnow
from sync.admin.audit import central_audit
from sync.outbox import record
from sync.retention import purge_central, purge_kiosk

SETTINGS = Settings(event_retention_days=30, audit_retention_days=183,
                    attendance_retention_days=183)  # fmt: skip


def _checkin(name: str) -> CheckIn:
    return CheckIn(id=new_id(), action="check_in", citizen_id=name, offer_id="aaben-raadgivning")


def _write(engine, rows, when, *, acknowledged: bool):
    with write_session(engine) as session:
        record(session, rows, now=when)
        if acknowledged:  # what the sync client does when central acknowledges a push
            session.flush()
            session.exec(delete(Outbox).where(Outbox.row_id.in_([r.id for r in rows])))


def _synced(engine, when):
    with write_session(engine) as session:
        state = session.get(SyncState, 1)
        state.last_sync_ok_at = when
        session.add(state)


def _citizens_left(engine):
    with read_session(engine) as session:
        return sorted(c.citizen_id for c in session.exec(select(CheckIn)).all())


def test_the_kiosk_purges_only_old_events_central_has_confirmed(fresh_db, frozen_now):
    old = frozen_now - timedelta(days=40)
    _write(fresh_db, [_checkin("old-acked")], old, acknowledged=True)
    _write(fresh_db, [_checkin("old-unsynced")], old, acknowledged=False)
    _write(fresh_db, [_checkin("new-acked")], frozen_now - timedelta(days=5), acknowledged=True)
    rejected = _checkin("old-rejected")
    _write(fresh_db, [rejected], old, acknowledged=True)
    with write_session(fresh_db) as session:
        session.add(LocalRejection(seq=99, kind="check_in", row_id=rejected.id,
                                   reason="unknown citizen", rejected_at=old))  # fmt: skip
    _synced(fresh_db, frozen_now)
    result = purge_kiosk(fresh_db, SETTINGS, frozen_now)
    assert result.deleted["check_in"] == 1
    assert _citizens_left(fresh_db) == ["new-acked", "old-rejected", "old-unsynced"]


def test_an_unsynced_event_survives_any_age(fresh_db, frozen_now):
    ancient = frozen_now - timedelta(days=3000)
    _write(fresh_db, [_checkin("offline-for-years")], ancient, acknowledged=False)
    _synced(fresh_db, frozen_now)
    purge_kiosk(fresh_db, Settings(event_retention_days=0, audit_retention_days=0), frozen_now)
    assert _citizens_left(fresh_db) == ["offline-for-years"]


def test_a_kiosk_that_never_synced_purges_nothing(fresh_db, frozen_now):
    _write(fresh_db, [_checkin("a")], frozen_now - timedelta(days=90), acknowledged=True)
    result = purge_kiosk(fresh_db, SETTINGS, frozen_now)
    assert result.total == 0 and "never synced" in result.skipped
    assert _citizens_left(fresh_db) == ["a"]


def test_marks_and_audit_entries_have_their_own_windows(fresh_db, frozen_now):
    when = frozen_now - timedelta(days=60)
    mark = AttendanceMark(id=new_id(), session_id="s1", citizen_id="c1", mark="present")
    audit = AuditEntry(id=new_id(), action="search", detail="jens")
    _write(fresh_db, [mark, audit], when, acknowledged=True)
    _synced(fresh_db, frozen_now)
    assert purge_kiosk(fresh_db, SETTINGS, frozen_now).total == 0
    later = frozen_now + timedelta(days=130)
    result = purge_kiosk(fresh_db, SETTINGS, later, dry_run=True)
    assert result.deleted["attendance_mark"] == 1 and result.deleted["audit_entry"] == 1
    assert purge_kiosk(fresh_db, SETTINGS, later).total == 2
    with read_session(fresh_db) as session:
        assert session.exec(select(AttendanceMark)).all() == []


def test_central_purges_old_audit_entries_and_keeps_events_by_default(central_db, frozen_now):
    with write_session(central_db) as session:
        central_audit(session, action="search", now=frozen_now - timedelta(days=200))
        central_audit(session, action="search", now=frozen_now - timedelta(days=10))
        old = _checkin("c1")
        old.site_id, old.device_id, old.hlc = "hornslet", "d", "x"
        old.created_at = frozen_now - timedelta(days=900)
        session.add(old)
    dry = purge_central(central_db, SETTINGS, frozen_now, dry_run=True)
    assert dry.deleted == {"audit_entry": 1, "rejection": 0}
    result = purge_central(central_db, SETTINGS, frozen_now)
    assert result.deleted == {"audit_entry": 1, "rejection": 0}
    with read_session(central_db) as session:
        actions = sorted(a.action for a in session.exec(select(AuditEntry)).all())
        assert len(session.exec(select(CheckIn)).all()) == 1
    assert actions == ["purge", "search"]
    policy = Settings(audit_retention_days=183, central_event_retention_days=365)
    assert purge_central(central_db, policy, frozen_now).deleted["check_in"] == 1


def test_the_cli_dry_run_reports_counts(central_db, frozen_now, capsys):
    with write_session(central_db) as session:
        central_audit(session, action="search", now=frozen_now - timedelta(days=400))
    assert main(["central", "purge", "--dry-run", "--db", str(central_db.url)]) == 0
    out = capsys.readouterr().out
    assert "audit_entry: would delete 1" in out and "events: kept" in out
    with read_session(central_db) as session:
        assert len(session.exec(select(AuditEntry)).all()) == 1


def _rejection(when, seq: int) -> Rejection:
    return Rejection(
        device_id="d",
        site_id="hornslet",
        seq=seq,
        kind="check_in",
        row_id=new_id(),
        payload='{"citizen_id": "x"}',
        reason="the citizen is unknown to central",
        rejected_at=when,
    )


def test_central_purges_rejections_with_the_audit_retention(central, capsys):
    frozen_now = utcnow()  # the CLI purges against the real clock
    days = SETTINGS.audit_retention_days
    with write_session(central) as session:
        session.add(_rejection(frozen_now - timedelta(days=days + 1), 1))
        session.add(_rejection(frozen_now - timedelta(days=days - 1), 2))
        session.add(_rejection(frozen_now, 3))
    url = central.url.render_as_string(hide_password=False)
    assert main(["central", "purge", "--dry-run", "--db", url]) == 0
    assert "rejection: would delete 1" in capsys.readouterr().out
    result = purge_central(central, SETTINGS, frozen_now)
    assert result.deleted["rejection"] == 1
    assert result.cutoffs["rejection"] == frozen_now - timedelta(days=days)
    with read_session(central) as session:
        assert sorted(r.seq for r in session.exec(select(Rejection)).all()) == [2, 3]
        purge = session.exec(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert "rejection=1" in purge.detail
