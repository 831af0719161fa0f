"""The chaos world's site check finds a device that has not received its site's events."""

from __future__ import annotations

from pathlib import Path

from models import Citizen
from models.timeutil import utcnow
from sync.testing import chaos_rows
from sync.testing.chaos import ChaosWorld
from sync.testing.site_convergence import duplicate_labels, site_problems


def test_a_device_behind_its_site_is_found_until_it_syncs(tmp_path: Path) -> None:
    world = ChaosWorld(tmp_path, utcnow().replace(microsecond=0))
    try:
        world.add_group("ronde", citizens=1)
        desk, room = world.add_kiosk("ronde"), world.add_kiosk("ronde")
        other = world.add_kiosk("hornslet")
        for kiosk in (desk, room, other):
            world.try_sync(kiosk)
        citizen_id = world.local_ids(desk, Citizen)[0]
        world.write(desk, [chaos_rows.check_in(citizen_id, world.now)])
        world.write(desk, [chaos_rows.queue_ticket(1, world.now)])
        world.write(room, [chaos_rows.queue_ticket(1, world.now)])  # B1 beside A1
        world.try_sync(desk)
        world.try_sync(room)
        problems = site_problems(world.central, world.kiosks)
        assert problems and all(p.startswith("k0@ronde") for p in problems)
        world.try_sync(desk)
        assert site_problems(world.central, world.kiosks) == []
        assert duplicate_labels(world.central) == 0
        assert world.verdict().clean
    finally:
        world.close()
