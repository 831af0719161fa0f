"""A kiosk killed mid-check-in keeps every check-in it confirmed, and its outbox matches."""

import random

from sync.testing.killer import kill_run, prepare

KILLS = 12


def test_sigkill_during_check_ins_loses_nothing_that_was_confirmed(tmp_path):
    db = tmp_path / "kiosk.db"
    prepare(db)
    rng = random.Random(48)
    total_confirmed = 0
    for run in range(KILLS):
        outcome = kill_run(db, rng=rng, max_s=0.3)
        assert outcome.integrity_ok, f"run {run}: integrity check failed"
        assert outcome.lost == 0, f"run {run}: {outcome.lost} confirmed check-ins lost"
        assert outcome.orphans == 0, f"run {run}: outbox and data disagree"
        assert outcome.seq_gaps == 0, f"run {run}: device sequence has gaps"
        total_confirmed += outcome.confirmed
    assert total_confirmed >= KILLS  # every run confirmed at least one check-in before the kill
