"""Audit entries are written with their outbox entry."""

from sqlmodel import select

from kiosk.services.audit import audit
from kiosk.services.staff import StaffMember
from models import AuditEntry, Outbox
from models.db import read_session, write_session


def test_audit_entry_is_stamped_and_queued_for_central(fresh_db, frozen_now):
    with write_session(fresh_db) as session:
        audit(session, action="search", detail="søren", staff_id="s1", now=frozen_now)
    with read_session(fresh_db) as session:
        entry = session.exec(select(AuditEntry)).one()
        queued = session.exec(select(Outbox)).one()
    assert (entry.action, entry.detail, entry.staff_id) == ("search", "søren", "s1")
    assert entry.site_id == "hornslet" and entry.hlc
    assert (queued.kind, queued.row_id) == ("audit_entry", entry.id)


def test_admins_hold_every_role():
    admin = StaffMember("s", "AD", "Admin", frozenset({"admin"}))
    desk = StaffMember("d", "FD", "Desk", frozenset({"front_desk"}))
    assert admin.has("group_leader") and desk.has("front_desk")
    assert not desk.has("group_leader")
