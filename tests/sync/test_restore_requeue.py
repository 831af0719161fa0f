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
