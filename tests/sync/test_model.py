"""Model-based test of sync: random kiosk writes, central changes, citizens moving between
sites, faulty links and skewed clocks; after quiescence nothing is lost, duplicated or
diverged (MESTRING_MODEL_EXAMPLES sets how many examples; 50 by default, and `mestring bench
chaos` runs 1,000 or more)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

from sync.testing.model import SyncModel

EXAMPLES = int(os.environ.get("MESTRING_MODEL_EXAMPLES", "50"))

SyncModel.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=int(os.environ.get("MESTRING_MODEL_STEPS", "10")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
    # Shrinking a stateful run is slow; set MESTRING_MODEL_SHRINK=1 to minimise a failure.
    phases=[p for p in Phase if p is not Phase.shrink or os.environ.get("MESTRING_MODEL_SHRINK")],
)
TestSyncModel = SyncModel.TestCase
