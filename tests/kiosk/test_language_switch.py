"""F12 redraws every open screen at once: after a switch each screen shows exactly what it
shows when opened in that language, and typed input, cursor rows and focus stay put."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.widget import Widget
from textual.widgets import DataTable, Digits, Input, OptionList, Static

from kiosk.app import KioskApp
from kiosk.i18n import current_language, set_language
from kiosk.services.staff import StaffMember
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.line import Line
from kiosk.widgets.result_list import ResultList
from models.db import make_engine, write_session
from models.migrate import upgrade
from models.timeutil import local_today
from sync.outbox import init_state
from tests.conftest import FROZEN_NOW, KIOSK_DEVICE
from tests.kiosk.attendance_world import (
    COUNSELLOR,
    LEADER,
    seed_appointment,
    seed_course,
    seed_group,
    seed_reference,
)
from tests.kiosk.frontdesk_app import MovableClock, build_kiosk_app, settle
from tests.kiosk.frontdesk_data import seed_frontdesk

SIZE = (120, 36)
LOGIN = ("M", "H", "enter", "2", "0", "0", "1", "enter")  # Mette Holm, front desk


@dataclass(frozen=True)
class Case:
    """Keys that bring a screen up (each group settles before the next); who is logged in."""

    world: str  # "frontdesk" (log in by keys) or "attendance" (``staff`` logged in)
    steps: tuple[tuple[str, ...], ...]
    staff: StaffMember | None = None
    #: A text the top screen shows in Danish and in English (a spot check in plain words).
    spot: tuple[str, str] = ("", "")
    keeps: dict[str, str] = field(default_factory=dict)  # Input id -> value typed


CASES = {
    "login dialog with a refusal": Case(
        "frontdesk", (("f2",), ("M", "H", "enter", "9", "9", "9", "9", "enter")),
        spot=("Forkerte initialer eller PIN", "Wrong initials or PIN"),
    ),
    "login dialog half typed": Case(
        "frontdesk", (("f2",), ("M", "H")), spot=("Initialer", "Initials"), keeps={"initials": "MH"}
    ),
    "check-in with results": Case(
        "frontdesk", (("f2",), LOGIN, tuple("jens"), ("down",)),
        spot=("fundet", "found"), keeps={"search": "jens"},
    ),
    "check-in done": Case(
        "frontdesk", (("f2",), LOGIN, tuple("søren ped"), ("enter",)),
        spot=("er tjekket ind", "is checked in"),
    ),
    "offer picker": Case(
        "frontdesk", (("f2",), LOGIN, (*"mette kri", "enter")),
        spot=("Hvad skal Mette tjekkes ind til?", "What is Mette checking in to?"),
    ),
    "anonymous contact": Case(
        "frontdesk", (("f3",), LOGIN, ("1", "2")), spot=("Tilbud", "Offer")
    ),
    "anonymous contact refused": Case(
        "frontdesk", (("f3",), LOGIN, ("1", "enter")), spot=("emne", "topic")
    ),
    "queue": Case(
        "frontdesk",
        (("f4",), LOGIN, ("ctrl+n", *"Ib", "enter"), ("ctrl+n", "enter"), ("ctrl+k",), ("down",)),
        spot=("kaldt", "called"),
    ),
    "queue public view": Case(
        "frontdesk", (("f4",), LOGIN, ("ctrl+n", "enter"), ("ctrl+k",), ("ctrl+t",)),
        spot=("Nu betjenes", "Now serving"),
    ),
    "queue name prompt": Case(
        "frontdesk", (("f4",), LOGIN, ("ctrl+n", *"Ib")), spot=("valgfrit", "optional"),
        keeps={"ticket-name": "Ib"},
    ),
    "lock screen after a scan": Case(
        "frontdesk", (("f2",), LOGIN, ("f9",), (*"SP1234AB", "enter")),
        spot=("Kiosken er låst", "The kiosk is locked"),
    ),
    "today's sessions": Case(
        "attendance", (("f7",),), LEADER, spot=("Dagens gruppemøder", "Today's group sessions")
    ),
    "roster": Case(
        "attendance", (("f7",), ("enter",), ("m", "a", "up")), LEADER,
        spot=("registreret", "marked"),
    ),
    "guest dialog": Case(
        "attendance", (("f7",), ("enter",), ("g",), tuple("Lone")), LEADER,
        spot=("Tilføj gæst", "Add guest"), keeps={"guest-name": "Lone"},
    ),
    "reason dialog with a refusal": Case(
        "attendance", (("f7",), ("enter",), ("x",), ("enter",)), LEADER,
        spot=("Aflys mødet", "Cancel the session"),
    ),
    "courses": Case("attendance", (("f8",), ("tab",)), COUNSELLOR, spot=("uge", "week")),
    "reports": Case("attendance", (("f6",), ("m",)), LEADER, spot=("Gruppe", "Group")),
    "sync status": Case("attendance", (("f10",),), spot=("Synkronisering", "Sync")),
}  # fmt: skip


def _seed(engine: Engine, world: str) -> None:
    with write_session(engine) as session:
        init_state(session, device_id=KIOSK_DEVICE, site_id="hornslet")
    if world == "frontdesk":
        seed_frontdesk(engine)
        return
    seed_reference(engine)
    seed_group(engine, FROZEN_NOW, participants=4, past_weeks=2)
    today = local_today(FROZEN_NOW)
    course, citizen = seed_course(engine, starts_on=today - timedelta(days=66), name="Ulla")
    seed_appointment(engine, citizen_id=citizen, at=FROZEN_NOW, course_id=course)


def twin_databases(tmp_path: Path, world: str) -> tuple[Engine, Engine]:
    """Two kiosk databases with the same rows (same ids): one per language run."""
    first = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(first, "kiosk")
    _seed(first, world)
    first.dispose()
    with sqlite3.connect(tmp_path / "a.db") as source, sqlite3.connect(tmp_path / "b.db") as copy:
        source.backup(copy)
    return first, make_engine(f"sqlite:///{tmp_path / 'b.db'}")


def build_app(engine: Engine, home: Path, case: Case, language: str) -> KioskApp:
    return build_kiosk_app(
        engine,
        home,
        clock=MovableClock(FROZEN_NOW),
        language=language,
        staff=case.staff,
        idle_lock_seconds=600,
    )


def _texts(node: Widget) -> list[str]:
    if isinstance(node, DataTable):
        rows = [" | ".join(map(str, node.get_row_at(i))) for i in range(node.row_count)]
        labels = " | ".join(str(c.label) for c in node.ordered_columns)
        return [labels, *rows, f"cursor row {node.cursor_row}"]
    if isinstance(node, Input):
        return [node.placeholder, node.value]
    if isinstance(node, ResultList):
        return [" | ".join(node.headers), *map(" | ".join, node.rows), f"cursor {node.cursor}"]
    if isinstance(node, OptionList):
        return [str(o.prompt) for o in node.options] + [f"highlighted {node.highlighted}"]
    if isinstance(node, Digits):
        return [node.value]
    if isinstance(node, Static | Line | KeyBar):
        return [str(node.render())]
    return []


def shown(app: KioskApp) -> dict[str, list[str]]:
    """Everything each screen of the stack shows, its focus, and the app's notifications
    left out (they come and go)."""
    seen = {}
    for number, screen in enumerate(app.screen_stack):
        texts = [text for node in screen.walk_children() for text in _texts(node)]
        focused = screen.focused.id if screen.focused else None
        seen[f"{number} {type(screen).__name__}"] = [*texts, f"focus {focused}"]
    return seen


async def run_steps(app: KioskApp, pilot: object, case: Case) -> None:
    await settle(app, pilot)
    for keys in case.steps:
        await pilot.press(*keys)  # type: ignore[attr-defined]
        await settle(app, pilot)


def top_text(app: KioskApp) -> str:
    return "\n".join(shown(app)[f"{len(app.screen_stack) - 1} {type(app.screen).__name__}"])


@pytest.mark.parametrize("name", list(CASES))
async def test_f12_redraws_the_screen_as_if_opened_in_the_other_language(name, tmp_path):
    case = CASES[name]
    danish_db, english_db = twin_databases(tmp_path, case.world)
    english_app = build_app(english_db, tmp_path / "en", case, "en")
    async with english_app.run_test(size=SIZE) as pilot:
        await run_steps(english_app, pilot, case)
        opened_in_english = shown(english_app)
    set_language("da")

    app = build_app(danish_db, tmp_path / "da", case, "da")
    async with app.run_test(size=SIZE) as pilot:
        await run_steps(app, pilot, case)
        danish = shown(app)
        danish_spot, english_spot = case.spot
        assert danish_spot in top_text(app) and english_spot not in top_text(app)
        await pilot.press("f12")
        await settle(app, pilot)
        assert current_language() == "en"
        assert shown(app) == opened_in_english
        assert english_spot in top_text(app)
        for input_id, value in case.keeps.items():
            assert app.screen.query_one(f"#{input_id}", Input).value == value
        await pilot.press("f12")
        await settle(app, pilot)
        assert current_language() == "da"
        assert shown(app) == danish
    set_language("da")
    danish_db.dispose()
    english_db.dispose()
