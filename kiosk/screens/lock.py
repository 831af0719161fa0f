"""The lock screen: nothing personal, but card scans still check in ("Tak, Søren, …")."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Static

from kiosk.guard import scan_message
from kiosk.i18n import t, tr
from kiosk.i18n.formats import clock, long_date
from kiosk.screens.base import KioskScreen
from kiosk.screens.login import check_pin, show_login_refusal
from kiosk.services.checkin import Outcome
from kiosk.services.refusals import Refused
from kiosk.services.staff import StaffMember
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.login_form import LoginForm
from kiosk.widgets.words import Phrase
from models.timeutil import local_today


class LockScreen(KioskScreen):
    """Covers everything until a staff member logs in; answers scans with a first name."""

    DEFAULT_CSS = """
    LockScreen { align: center middle; }
    LockScreen #lock-clock { text-style: bold; width: 44; content-align: center middle; }
    LockScreen #lock-title { text-style: bold; width: 44; content-align: center middle; }
    LockScreen #lock-hint { color: $text-muted; width: 60; content-align: center middle; }
    LockScreen #scan-answer { width: 60; height: 3; content-align: center middle;
                              text-style: bold; color: $success; }
    """

    #: What a scan did is said here (first name at most).
    STATUS = "#scan-answer"

    def __init__(self, reason: str = "hotkey") -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                yield Static(id="lock-clock")
            with Center():
                yield Phrase(tr("lock.title"), id="lock-title")
            with Center():
                yield Phrase(tr("lock.hint"), id="lock-hint")
            with Center():
                yield Phrase("", id="scan-answer")
            with Center():
                yield LoginForm(hint_key="lock.login_hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)
        if self.reason == "idle":
            seconds = self.kiosk.services.settings.idle_lock_seconds
            self.query_one("#lock-hint", Phrase).say(
                lambda: t("lock.locked_idle", seconds=seconds) + "\n" + t("lock.hint")
            )

    def retranslate(self) -> None:
        self._tick()  # the weekday

    def _tick(self) -> None:
        now = self.kiosk.clock()
        self.query_one("#lock-clock", Static).update(
            f"{long_date(local_today(now))} · {clock(now)}"
        )

    def show_scan(self, outcome: Outcome) -> None:
        """Answer a scan without a name (a first name only where the site allows it), then
        forget it."""
        answer = self.query_one("#scan-answer", Phrase)
        first_names = self.kiosk.services.settings.lock_screen_first_names
        answer.say(partial(scan_message, outcome, first_names=first_names))
        answer.set_class(outcome.status not in ("checked_in", "duplicate"), "-warning")
        delay = self.kiosk.services.settings.clear_after_checkin_seconds
        self.set_timer(delay, lambda: answer.say(""))

    def scan_interrupted(self) -> None:
        self.query_one(LoginForm).clear()

    def show_refusal(self, refusal: Refused) -> None:
        show_login_refusal(self, refusal)

    @on(LoginForm.Submitted)
    def _submitted(self, event: LoginForm.Submitted) -> None:
        event.stop()
        check_pin(self, event.initials, event.pin)

    def login_succeeded(self, member: StaffMember) -> None:
        self.kiosk.guard.logged_in(member)
        self.app.pop_screen()
        self.app.notify(t("login.welcome", name=member.display_name))
