"""The kiosk's own services and sync together: what the attendance screens write reaches
central, central decides, and both copies agree without an integrity repair."""

from __future__ import annotations

from sqlmodel import select

from kiosk.services.attendance_marks import add_guest
from kiosk.services.session_state import cancel_session
from kiosk.services.staff import StaffMember
from models import AttendanceMark, AuditEntry, Citizen, GroupSession
from models.db import read_session
from tests.conftest import FROZEN_NOW
from tests.sync.trust_world import add_staff
from tests.sync.world import World, migrated_central, sync

LEADER = StaffMember(
    id="0193f3a0-0000-7000-8000-00000000e001",
    initials="JK",
    display_name="Jens",
    roles=frozenset({"group_leader"}),
)


async def test_a_cancelled_session_and_a_guest_reach_central_and_agree(tmp_path):
    central = migrated_central(f"sqlite:///{tmp_path / 'central.db'}", FROZEN_NOW)
    world = World(central, tmp_path, FROZEN_NOW)
    _citizen, (first, second) = world.add_group_with_citizen("hornslet", sessions=2)
    add_staff(world, "hornslet", "JK", staff_id=LEADER.id)  # staff live at central
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)

    cancel_session(
        kiosk.engine, session_id=first, reason="Lederen er syg", staff=LEADER, now=FROZEN_NOW
    )
    guest = add_guest(
        kiosk.engine,
        session_id=second,
        display_name="Gæst Hansen",
        birth_year=1990,
        staff=LEADER,
        now=FROZEN_NOW,
    )
    report = await sync(kiosk, FROZEN_NOW)

    assert report.rejected == 0 and report.resynced_tables == []
    with read_session(central) as session:
        cancelled = session.get(GroupSession, first)
        assert (cancelled.status, cancelled.status_reason) == ("cancelled", "Lederen er syg")
        added = session.get(Citizen, guest.citizen_id)
        assert added is not None and added.provisional
        assert session.exec(select(AttendanceMark)).all()
        assert session.exec(select(AuditEntry)).all()
    central.dispose()
