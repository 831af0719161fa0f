"""Start-up: garbage collection is paused while the kiosk starts and resumes once painted."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from kiosk.app import KioskApp
from kiosk.startup import finished


@pytest.fixture
def paused_collector() -> Iterator[None]:
    """Collection paused as the console script leaves it; restored afterwards."""
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


@pytest.mark.usefixtures("paused_collector")
def test_finished_freezes_what_start_up_built_and_resumes_collection() -> None:
    finished()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_finished_leaves_a_running_collector_alone() -> None:
    frozen = gc.get_freeze_count()
    finished()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


@pytest.mark.usefixtures("paused_collector")
async def test_the_app_resumes_collection_once_its_first_screen_is_painted(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert gc.isenabled()


def test_commands_other_than_the_kiosk_run_with_collection_on() -> None:
    code = (
        "import gc, sys\n"
        "import cli.main\n"
        "def report(args, settings):\n"
        "    print('enabled' if gc.isenabled() else 'paused')\n"
        "    return 0\n"
        "original = cli.main.build_parser\n"
        "def build():\n"
        "    parser = original()\n"
        "    parser.set_defaults(handler=report)\n"
        "    return parser\n"
        "cli.main.build_parser = build\n"
        "from cli.startup import main\n"
        "sys.argv = ['mestring']\n"
        "sys.exit(main())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "enabled"
