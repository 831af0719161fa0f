"""SIGKILL of a syncing kiosk process and of the uvicorn server process at random moments,
then restart: every confirmed check-in reaches central exactly once."""

from __future__ import annotations

from models.timeutil import utcnow
from sync.testing.sync_killer import run_kills

KILLS = 12


def test_killing_kiosk_and_server_mid_sync_loses_and_duplicates_nothing(tmp_path):
    report = run_kills(tmp_path, utcnow(), kills=KILLS, seed=48)
    assert report.kill_runs == KILLS and report.server_kills > 0
    assert report.confirmed >= KILLS  # every run confirmed a check-in before its kill
    assert (report.lost, report.duplicates, report.diverged) == (0, 0, 0)
