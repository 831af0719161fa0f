"""A search at a kiosk reaches the citizen's right-of-access export as "shown in a search"."""

from __future__ import annotations

from kiosk.services.frontdesk import FrontDesk
from kiosk.services.staff import StaffMember
from models.config import Settings
from sync.admin.audit_export import export_citizen_log
from tests.sync.trust_world import add_staff
from tests.sync.world import World, sync

DESK = StaffMember(
    "0193f3a0-0000-7000-8000-00000000e003", "FD", "Frank Skranke", frozenset({"front_desk"})
)


async def test_the_citizens_export_lists_the_searches_that_showed_them(world: World) -> None:
    citizen_id, _sessions = world.add_group_with_citizen("hornslet", citizen_name="Åse Ømark")
    add_staff(world, "hornslet", "FD", staff_id=DESK.id)  # staff live at central
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, world.now)
    front = FrontDesk(kiosk.engine, Settings(home=world.home))
    front.ensure_index(world.now)
    assert [h.citizen_id for h in front.search("åse").hits] == [citizen_id]
    front.audit_search(DESK, "åse", 1, world.now)
    await sync(kiosk, world.now)
    _, lines = export_citizen_log(world.central, citizen_id, now=world.now)
    assert [ln.action for ln in lines] == ["vist i et søgeresultat"]
    assert lines[0].site == "Hornslet"
