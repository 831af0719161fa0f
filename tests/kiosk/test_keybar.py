"""The footer key bar: keys as printed on the keyboard, every key shown, clicks run keys."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType

from kiosk.widgets.keybar import KeyBar, key_label


def test_keys_are_labelled_as_on_a_danish_keyboard() -> None:
    assert key_label(Binding("f2", "x", "")) == "F2"
    assert key_label(Binding("ctrl+s", "x", "")) == "Ctrl+S"
    assert key_label(Binding("escape", "x", "")) == "Esc"
    assert key_label(Binding("m", "x", "")) == "m"
    assert key_label(Binding("up,k", "x", "")) == "↑"
    assert key_label(Binding("1", "x", "", key_display="1–9")) == "1–9"


class KeysApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(f"f{n}", f"press({n})", f"Handling nummer {n}") for n in range(2, 11)
    ] + [Binding("ctrl+q", "quit", "Afslut", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[int] = []

    def compose(self) -> ComposeResult:
        yield KeyBar()

    def action_press(self, number: int) -> None:
        self.pressed.append(number)


async def test_every_shown_key_is_drawn_wrapping_rather_than_cut_off() -> None:
    app = KeysApp()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        text = str(bar.render())
        for n in range(2, 11):
            assert f" F{n} Handling nummer {n} " in text
        assert "Afslut" not in text  # show=False stays off the bar
        assert bar.size.height == len(text.splitlines()) > 1
        assert all(len(line) <= 60 for line in text.splitlines())


async def test_clicking_a_key_runs_its_action() -> None:
    app = KeysApp()
    async with app.run_test(size=(200, 10)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        line = str(bar.render()).splitlines()[0]
        await pilot.click(KeyBar, offset=(line.index("F4") + 1, 0))
        await pilot.pause()
        assert app.pressed == [4]
