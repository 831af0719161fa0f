"""Every screen in every order: its status line stays visible and inside its own region, and
no screen's styles reach another (issue 13: a #status rule of one screen hid another's)."""

from __future__ import annotations

import random
import re
from itertools import product
from pathlib import Path

import pytest

from kiosk.screens.home import HomeScreen
from kiosk.widgets.keybar import KeyBar
from tests.kiosk.frontdesk_app import log_in, settle

SCREENS_DIR = Path(__file__).parents[2] / "kiosk" / "screens"
#: How to reach each screen from wherever the kiosk is (F-keys switch; the roster is F7 + Enter).
ROUTES = {
    "checkin": ("f2",),
    "anonymous": ("f3",),
    "queue": ("f4",),
    "reports": ("f6",),
    "sessions": ("f7",),
    "roster": ("f7", "enter"),
    "courses": ("f8",),
    "sync": ("f10",),
    "home": ("escape", "escape"),
}
SCREEN_CLASSES = {
    "checkin": "CheckInScreen", "anonymous": "AnonymousScreen", "queue": "QueueScreen",
    "reports": "ReportsScreen", "sessions": "SessionsScreen", "roster": "RosterScreen",
    "courses": "CoursesScreen", "sync": "SyncScreen", "home": "HomeScreen",
}  # fmt: skip


def test_every_screen_stylesheet_is_scoped_to_its_own_screen():
    for path in SCREENS_DIR.glob("*.tcss"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        depth, rules = 0, []
        for match in re.finditer(r"([^{}]*)([{}])", text):
            if match.group(2) == "{":
                if depth == 0:
                    rules.append(match.group(1).strip())
                depth += 1
            else:
                depth -= 1
        assert rules, path
        for rule in rules:
            for selector in rule.split(","):
                first = selector.strip().split()[0]
                assert re.fullmatch(r"[A-Z]\w*(Screen|Modal)", first), (path.name, selector)


def check_status_line(app, name: str) -> None:
    screen = app.screen
    assert type(screen).__name__ == SCREEN_CLASSES[name], (name, screen)
    status = screen.query_one(screen.STATUS)
    screen.set_status(f"probe {name}")
    region = status.region
    assert status.display and region.height >= 1 and region.width >= 20, (name, region)
    assert screen.region.contains_region(region), (name, region)
    assert not region.overlaps(screen.query_one(KeyBar).region), (name, region)
    assert f"probe {name}" in str(status.render()), name


async def walk(app, pilot, names: list[str]) -> None:
    await pilot.press("f2")
    await log_in(app, pilot, "AB", "100101")  # the demo's admin holds every role
    for name in names:
        for key in ROUTES[name]:
            await pilot.press(key)
            await settle(app, pilot)
        if name == "home":
            assert isinstance(app.screen, HomeScreen)
        check_status_line(app, name)


def every_ordered_pair() -> list[str]:
    """A shortest walk in which every screen comes straight after every other screen: an
    Euler circuit of the complete directed graph of screens (Hierholzer)."""
    names = list(ROUTES)
    unused = {a: [b for b in names if b != a] for a in names}
    stack, circuit = [names[0]], []
    while stack:
        if unused[stack[-1]]:
            stack.append(unused[stack[-1]].pop())
        else:
            circuit.append(stack.pop())
    pairs = set(zip(circuit, circuit[1:], strict=False))
    assert pairs == {(a, b) for a, b in product(names, names) if a != b}
    return circuit[::-1]


async def test_every_screen_after_every_other_keeps_its_status_line(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk(app, pilot, every_ordered_pair())


@pytest.mark.parametrize("seed", [13, 2026])
async def test_a_random_walk_at_80_by_24_keeps_every_status_line(make_app, seed):
    rng = random.Random(seed)
    names = [rng.choice(list(ROUTES)) for _ in range(30)]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(app, pilot, names)
