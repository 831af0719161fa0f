"""`make demo` says what it is doing: one numbered line per step, with how long it took."""

from __future__ import annotations

import io

from kiosk.demo_progress import DemoProgress


def test_each_step_is_announced_and_timed():
    out = io.StringIO()
    progress = DemoProgress(steps=2, out=out)
    with progress.step("Lægger demodata i centralen"):
        pass
    with progress.step("Starter centralserveren"):
        pass
    progress.finished("Åbner kiosken")
    lines = out.getvalue().splitlines()
    assert lines[0] == "[1/2] Lægger demodata i centralen …"
    assert lines[1].startswith("[1/2] Lægger demodata i centralen ✓") and lines[1].endswith(" s")
    assert lines[2] == "[2/2] Starter centralserveren …"
    assert lines[-1].startswith("Åbner kiosken (")


def test_a_failing_step_still_ends_its_line():
    out = io.StringIO()
    progress = DemoProgress(steps=1, out=out)
    try:
        with progress.step("Starter centralserveren"):
            raise RuntimeError("no server")
    except RuntimeError:
        pass
    assert out.getvalue().endswith(" s\n")
