"""render: key press to updated result list in the running app (headless), Hornslet demo site."""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import date
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bench.harness import percentile
from models.config import Settings
from models.db import make_engine
from models.demo import build_demo
from models.migrate import upgrade
from models.timeutil import frozen_clock, local_datetime
from sync.demo_seed import seed_kiosk

DAY = date(2026, 11, 24)
SITE = "hornslet"


def _typing(names: list[str], count: int) -> list[str]:
    """Names as staff type them: first name, a space, the start of the surname."""
    texts = []
    for name in names[:count]:
        words = name.lower().split()
        texts.append(f"{words[0]} {words[-1][:4]}")
    return texts


async def _type(app: Any, screen: Any, text: str, samples: list[float]) -> None:
    """Type ``text`` as the terminal driver would; time each key until its frame is written."""
    from textual import events

    driver = app._driver
    for n, character in enumerate(text, 1):
        key = "space" if character == " " else character
        started = time.perf_counter()
        driver.send_message(events.Key(key, character))
        deadline = started + 2.0
        while time.perf_counter() < deadline:
            await asyncio.sleep(0)
            if screen.result.query == text[:n] and app.frames and app.frames[-1] > screen.drawn:
                break
        else:
            raise RuntimeError(f"no frame for {text[:n]!r} within 2 s")
        samples.append(app.frames[-1] - started)


async def _measure(settings: Settings, engine: Any, texts: list[str]) -> list[float]:
    from textual._compositor import CompositorUpdate

    from kiosk.app import KioskApp
    from kiosk.services.container import KioskServices
    from kiosk.services.staff import StaffMember

    clock = frozen_clock(local_datetime(DAY, clock_time(9, 30)))
    app: Any = KioskApp(KioskServices.build(settings, engine), clock=clock)
    samples: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        app.frames = frames = []
        display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            # Headless apps skip turning the frame into terminal text; do it, as a real
            # terminal would need, and note when the frame was ready.
            display(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                frames.append(time.perf_counter())

        app._display = timed_display
        app.guard.logged_in(StaffMember("bench", "BE", "Bench", frozenset({"front_desk"})))
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        screen.drawn = 0.0
        redraw = screen.refresh_results

        def timed_redraw() -> None:
            redraw()
            screen.drawn = time.perf_counter()

        screen.refresh_results = timed_redraw
        for text in texts:
            screen.query_one("#search").value = ""
            await pilot.pause()
            await _type(app, screen, text, samples)
    return samples


def run(quick: bool) -> dict[str, Any]:
    data = build_demo(DAY, seed=2026, citizens=10_000)  # ~2,000 citizens at Hornslet
    names = [c.display_name for c in data.citizens if data.home_site[c.id] == SITE]
    texts = _typing(names, 15 if quick else 80)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'kiosk.db'}")
        upgrade(engine, "kiosk")
        seed_kiosk(engine, data, SITE, now=local_datetime(DAY, clock_time(7)))
        settings = Settings(home=Path(tmp), clear_after_checkin_seconds=600)
        samples = asyncio.run(_measure(settings, engine, texts))
        engine.dispose()
    ms = [s * 1000 for s in samples]
    return {
        "metrics": {
            "keystroke_to_screen_p95_ms": round(percentile(ms, 95), 2),
            "keystroke_to_screen_p50_ms": round(percentile(ms, 50), 2),
        },
        "sizes": {"keystrokes": len(ms), "citizens": len(names), "terminal": "120x36"},
    }
