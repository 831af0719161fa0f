"""Regression: a central restored from a backup gets back rows acknowledged after the backup
even when the kiosk's outbox is already empty (the 410 alone must trigger the re-push)."""

from __future__ import annotations

from sync.testing.crash_scenario import Scenario
from tests.conftest import FROZEN_NOW


def test_rows_acknowledged_after_the_backup_are_pushed_again_after_the_restore(tmp_path):
    scenario = Scenario(tmp_path, FROZEN_NOW)
    world = scenario.world
    scenario.write_at_kiosks()
    scenario.sync_all()
    scenario.take_backup()
    scenario.write_at_kiosks()
    scenario.sync_all()  # acknowledged: the outbox is empty again
    scenario.restore_backup()
    scenario.sync_all()
    verdict = world.verdict()
    assert verdict.clean, verdict.details
    assert len(world.central_ids(__import__("models").CheckIn)) == 4
    world.close()


def test_a_kiosk_enrolled_after_the_backup_is_refused_but_keeps_its_rows(tmp_path):
    """What a restore cannot recover: a device central no longer knows. The kiosk is told
    its credential is refused (re-enrol) and nothing it holds is thrown away."""
    import asyncio

    import pytest

    from models import CheckIn
    from sync.testing import chaos_rows
    from sync.transport import CredentialRejected

    scenario = Scenario(tmp_path, FROZEN_NOW)
    world = scenario.world
    scenario.take_backup()
    late = world.add_kiosk("hornslet")
    world.write(late, [chaos_rows.check_in(scenario.citizens[0], FROZEN_NOW)])
    asyncio.run(world.sync(late))
    scenario.restore_backup()
    with pytest.raises(CredentialRejected):
        asyncio.run(world.sync(late))
    assert len(world.local_ids(late, CheckIn)) == 1
    world.close()
