"""The startup benchmark really drives the kiosk through a terminal (no figure is checked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_startup import floor_command, kiosk_command, one_start
from kiosk.demo import prepare_demo
from models.config import Settings


@pytest.mark.slow
def test_one_start_sees_the_home_screen_react_to_the_language_key(tmp_path: Path) -> None:
    prepare_demo(Settings(home=tmp_path))
    start = one_start(kiosk_command(tmp_path))
    assert 0 < start.drawn_s < start.reacted_s and start.cpu_s > 0


@pytest.mark.slow
def test_the_startup_floor_is_driven_the_same_way() -> None:
    start = one_start(floor_command())
    assert 0 < start.drawn_s < start.reacted_s and start.cpu_s > 0


def test_one_start_reports_a_kiosk_that_cannot_start(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="exited early"):
        one_start(kiosk_command(tmp_path / "empty"))
