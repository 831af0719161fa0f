"""Login: initials + masked PIN, as a dialog over the screen that needs a staff member."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.screen import Screen

from kiosk.i18n import t, tr
from kiosk.screens.base import KioskModal
from kiosk.services.auth import LoginRefused
from kiosk.services.refusals import Refused
from kiosk.services.staff import StaffMember
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.login_form import LoginForm
from kiosk.widgets.words import Phrase


class LogsIn(Protocol):
    app: Any

    def request(self, call: Any, then: Any = None) -> Any: ...

    def login_succeeded(self, member: StaffMember) -> None: ...


def check_pin(screen: LogsIn, initials: str, pin: str) -> None:
    """Verify the PIN off the UI thread, then ``screen.login_succeeded`` or, refused, the
    form says why (``show_refusal``)."""
    app: Any = screen.app
    frontdesk, now = app.services.frontdesk, app.clock()
    screen.request(lambda: frontdesk.log_in(initials, pin, now), screen.login_succeeded)


def show_login_refusal(screen: Screen[Any], refusal: Refused) -> None:
    """A refused login in the form's own words (wrong PIN, locked out, …)."""
    if isinstance(refusal, LoginRefused):
        screen.query_one(LoginForm).show_refusal(refusal)
    else:
        screen.query_one(LoginForm).show_error(tr("app.error.refused", reason=refusal.reason))


class LoginScreen(KioskModal[StaffMember | None]):
    """Asks for initials and PIN; dismisses with the staff member, or None on Esc."""

    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen #login-title { text-style: bold; width: 44; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "login.cancel", tooltip="login.cancel.tooltip",
                id="login.cancel"),
    ]  # fmt: skip

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Phrase(tr("login.title"), id="login-title")
            yield LoginForm()
        yield KeyBar()

    def action_cancel(self) -> None:
        """Close without logging in."""
        self.dismiss(None)

    @on(LoginForm.Submitted)
    def _submitted(self, event: LoginForm.Submitted) -> None:
        event.stop()
        check_pin(self, event.initials, event.pin)

    def login_succeeded(self, member: StaffMember) -> None:
        self.kiosk.guard.logged_in(member)
        self.app.notify(t("login.welcome", name=member.display_name))
        self.dismiss(member)

    def show_refusal(self, refusal: Refused) -> None:
        show_login_refusal(self, refusal)

    def scan_interrupted(self) -> None:
        """A card was scanned mid-login: start the login over."""
        self.query_one(LoginForm).clear()
