"""Every named crash point, kiosk and server, fails once mid-scenario; after the restart
nothing confirmed is lost, nothing is duplicated and every kiosk converges."""

from __future__ import annotations

import pytest

from sync.testing.crash_scenario import run_with_crash, sync_points
from tests.conftest import FROZEN_NOW

POINTS = sync_points()


def test_the_sync_path_names_at_least_thirty_commit_boundaries():
    assert len(POINTS) >= 30
    assert "server.push.committed" in POINTS  # server committed, the answer lost


def test_without_a_crash_the_scenario_loses_nothing(tmp_path):
    outcome = run_with_crash(None, tmp_path, FROZEN_NOW)
    assert outcome.verdict.clean, outcome.verdict.details
    assert outcome.verdict.rejected == 1  # the one bad row, and it blocked nothing


@pytest.mark.parametrize("point", POINTS)
def test_a_crash_at_each_named_point_loses_and_duplicates_nothing(tmp_path, point):
    outcome = run_with_crash(point, tmp_path, FROZEN_NOW)
    assert outcome.fired, f"the scenario never reached {point}"
    assert outcome.verdict.clean, outcome.verdict.details
    assert outcome.verdict.rejected == 1  # the one bad row, and it blocked nothing
