"""The kiosk app on demo data: home screen content, language toggle, palette, snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from kiosk.app import KioskApp
from kiosk.i18n import current_language
from kiosk.screens.home import HomeScreen
from kiosk.widgets.keybar import KeyBar

SIZE = (120, 36)
MakeApp = Callable[..., KioskApp]


async def _loaded(pilot: Pilot[Any]) -> None:
    """Wait until the home screen has read today's programme and redrawn."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _text(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _cells(app: KioskApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_app_starts_on_home_with_todays_sessions_and_appointments(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Hornslet" in _text(app, "#site")
        assert _text(app, "#date") == "tirsdag 24.11.2026 · uge 48"
        assert _text(app, "#clock") == "09:30"
        sessions = _cells(app, "#sessions")
        assert sessions[0][:2] == ["10:00–12:00", "G-201"]
        assert len(_cells(app, "#appointments")) >= 6


async def test_home_never_shows_a_sensitive_group_title(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        screen_text = " ".join(" ".join(row) for row in _cells(app, "#sessions"))
        assert "ADHD" not in screen_text and "G-201" in screen_text


async def test_sync_badge_warns_when_never_synchronised(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        badge = app.screen.query_one("#sync", Static)
        assert "aldrig synkroniseret" in str(badge.render()).lower()
        assert "✓" not in str(badge.render())
        assert badge.has_class("-warning")


async def test_language_key_switches_everything_to_english_and_back(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        await pilot.press("f12")
        await pilot.pause()
        assert current_language() == "en"
        assert _text(app, "#date") == "Tuesday 24.11.2026 · week 48"
        assert _text(app, "#sessions-title") == "Group courses today"
        keys = str(app.screen.query_one(KeyBar).render())
        assert "F12 Dansk" in keys and "Ctrl+P" in keys  # the palette's key is always there
        await pilot.press("f12")
        await pilot.pause()
        assert _text(app, "#date") == "tirsdag 24.11.2026 · uge 48"


async def test_palette_lists_every_bound_action_in_danish(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        await pilot.pause(0.3)
        options = app.screen.query_one("CommandList")
        listed = " ".join(str(option.prompt) for option in options.options)  # type: ignore[attr-defined]
        for name in ("Afslut", "English", "Opdatér"):
            assert name in listed
        assert "Cursor" not in listed  # a focused table's keys are not commands


async def test_palette_runs_the_chosen_action(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"english")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert current_language() == "en"


def test_home_screen_snapshot(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_loaded)


async def test_reloading_keeps_the_cursor_on_the_same_appointment_row(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        table = app.screen.query_one("#appointments", DataTable)
        table.focus()
        await pilot.press("down", "down")
        await pilot.press("f5")
        await _loaded(pilot)
        assert table.cursor_row == 2
