"""The screen turned to the citizen: one question at a time, digits (and Enter), Esc skips.

Nothing but the questions is shown — no name, no other citizens, no staff keys (the app
refuses every staff action while this screen is in front, ``CITIZEN_FACING``). A number
that cannot grow into another answer is taken at once, so three one-digit questions cost
three keys. The screen returns by itself after the last answer, or after ``IDLE_SECONDS``
without a key; a card scan ends it with nothing kept (the scanner's digits are no answers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.widgets import Static

from kiosk.i18n import current_language, t, tr
from kiosk.screens.base import KioskScreen
from kiosk.services.checkin import Outcome
from kiosk.services.questionnaires import Offered, QuestionView, yes_no
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.words import Phrase


@dataclass(frozen=True, slots=True)
class Answered:
    """How the citizen mode ended: the answers given (question id → number), and why."""

    answers: dict[str, int] = field(default_factory=dict)
    reason: str = "done"  # done | idle | scan


class CitizenModeScreen(KioskScreen):
    """A questionnaire for the citizen; dismissed with ``Answered``."""

    CSS_PATH = "citizen_mode.tcss"
    #: The app refuses staff actions (F-keys, the palette, quitting) while this is in front.
    CITIZEN_FACING: ClassVar[bool] = True
    IDLE_SECONDS: ClassVar[float] = 60.0
    #: "Tak!" stays this long after the last key. A card scan's characters come milliseconds
    #: apart, so a scan that began with what looked like answers ends well within it, and
    #: throws them away (the wedge forgets a run after a second's pause).
    THANKS_SECONDS: ClassVar[float] = 2.0
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"digit({n})", "citizen.digit", show=n == 0, key_display="0–9",
                    id=f"citizen.digit{n}")
            for n in range(10)
        ),
        Binding("enter", "answer", "citizen.answer", id="citizen.answer"),
        Binding("backspace", "erase", "citizen.erase", id="citizen.erase"),
        Binding("escape", "skip", "citizen.skip", id="citizen.skip"),
    ]  # fmt: skip

    def __init__(self, offered: Offered, *, scanned: Callable[[Outcome], None] | None = None):
        super().__init__()
        self.offered = offered
        self.index = 0
        self.typed = ""
        self.answers: dict[str, int] = {}
        self.finished = False
        self._scanned = scanned
        self._last_key = 0.0

    def compose(self) -> ComposeResult:
        with Middle(), Center(id="citizen-card"):
            yield Static(id="citizen-title")
            yield Phrase("", id="citizen-progress")
            yield Static(id="citizen-question")
            yield Static(id="citizen-scale")
            yield Static(id="citizen-ends")
            yield Phrase("", id="citizen-typed")
            yield Phrase(tr("citizen.hint"), id="citizen-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        # A notice still on screen from the desk ("Velkommen, <staff>", a check-in) must not
        # stand beside the citizen's questions.
        self.app.clear_notifications()
        self._last_key = self.kiosk.guard.monotonic()
        self.set_interval(1.0, self.check_quiet)
        # The card's widgets (inside Middle/Center) may mount after the screen itself does,
        # on a busy machine: draw once they are there.
        self.call_after_refresh(self.draw)

    def retranslate(self) -> None:
        self.draw()

    @property
    def question(self) -> QuestionView | None:
        questions = self.offered.questions
        return questions[self.index] if self.index < len(questions) else None

    # -- drawing -----------------------------------------------------------------------

    def draw(self) -> None:
        if not self.query("#citizen-title"):
            self.call_after_refresh(self.draw)  # not composed yet: try on the next frame
            return
        language = current_language()
        self.query_one("#citizen-title", Static).update(Text(self.offered.title(language)))
        question, total = self.question, len(self.offered.questions)
        if question is None or self.finished:
            thanks = "citizen.thanks" if self.answers else "citizen.thanks_none"
            self.query_one("#citizen-question", Static).update(Text(t(thanks)))
            for part in ("#citizen-scale", "#citizen-ends"):
                self.query_one(part, Static).update("")
            self.query_one("#citizen-progress", Phrase).say("")
            self.query_one("#citizen-typed", Phrase).say("")
            return
        privacy = "citizen.identified" if self.offered.identified else "citizen.anonymous"
        progress = lambda: f"{t('citizen.progress', n=self.index + 1, total=total)} · {t(privacy)}"  # noqa: E731
        self.query_one("#citizen-progress", Phrase).say(progress)
        self.query_one("#citizen-question", Static).update(Text(question.text(language)))
        self.query_one("#citizen-scale", Static).update(scale_line(question, language))
        self.query_one("#citizen-ends", Static).update(Text(ends_line(question, language)))
        typed = self.typed or "_"
        self.query_one("#citizen-typed", Phrase).say(tr("citizen.typed", typed=typed))

    # -- keys --------------------------------------------------------------------------

    def _touched(self) -> bool:
        """Note a key; False once the questionnaire is over (keys then do nothing)."""
        self._last_key = self.kiosk.guard.monotonic()
        return not self.finished

    def action_digit(self, digit: int) -> None:
        """Type a digit of the answer; an answer no further digit can extend is taken."""
        question = self.question
        if not self._touched() or question is None:
            return
        typed = self.typed + str(digit)
        if not any(str(v).startswith(typed) for v in question.values):
            self.draw()  # not an answer to this question: ignored
            return
        self.typed = typed
        if not any(str(v).startswith(typed) and str(v) != typed for v in question.values):
            self._take(int(typed))
        else:
            self.draw()

    def action_answer(self) -> None:
        """Take the typed number (a two-digit scale such as 0–10 needs Enter after a 1)."""
        question = self.question
        if not self._touched() or question is None or not self.typed:
            return
        if int(self.typed) in question.values:
            self._take(int(self.typed))

    def action_erase(self) -> None:
        """Erase the last typed digit."""
        if self._touched():
            self.typed = self.typed[:-1]
            self.draw()

    def action_skip(self) -> None:
        """Skip this question (nothing is stored for it)."""
        if self._touched():
            self._next()

    def _take(self, value: int) -> None:
        question = self.question
        if question is not None:
            self.answers[question.id] = value
        self._next()

    def _next(self) -> None:
        self.typed = ""
        self.index += 1
        if self.index >= len(self.offered.questions):
            self.finished = True
        self.draw()

    # -- ending ------------------------------------------------------------------------

    def check_quiet(self) -> None:
        """Called every second (not named ``check_idle``: Textual's message pump has one of
        its own, called while widgets mount): return by itself ``THANKS_SECONDS`` after the
        last answer, or after ``IDLE_SECONDS`` without a key (the answers so far are kept)."""
        quiet = self.kiosk.guard.monotonic() - self._last_key
        if self.finished and quiet >= self.THANKS_SECONDS:
            self.end("done")
        elif quiet >= self.IDLE_SECONDS:
            self.end("idle")

    def end(self, reason: str) -> None:
        """Hand the answers back (none after a scan) and return to the screen below."""
        if not self.is_current:
            return
        answers = {} if reason == "scan" else dict(self.answers)
        self.answers, self.finished = {}, True
        self.dismiss(Answered(answers, reason))

    def scan_interrupted(self) -> None:
        """A card was scanned: its digits were typed here, so nothing of this is kept."""
        self.end("scan")

    def show_scan(self, outcome: Outcome) -> None:
        """The scan's check-in is answered by the screen below, once it faces staff again."""
        self.end("scan")
        if self._scanned is not None:
            self._scanned(outcome)


def scale_line(question: QuestionView, language: str) -> Text:
    """The numbers the citizen can type, each with its label where it has one."""
    if yes_no(question):
        labels: list[str] = [f"1 {t('citizen.yes')}", f"2 {t('citizen.no')}"]
    elif question.choices(language):
        labels = [f"{n} {label}" for n, label in enumerate(question.choices(language), 1)]
    else:
        labels = [str(v) for v in question.values]
    return Text("   ".join(f" {label} " for label in labels), style="bold")


def ends_line(question: QuestionView, language: str) -> str:
    low, high = question.ends(language)
    if yes_no(question) or question.choices(language) or not (low or high):
        return ""
    return f"{question.values[0]} = {low}   ·   {question.values[-1]} = {high}"


SCREEN: Any = CitizenModeScreen
