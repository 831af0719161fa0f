"""Initials + masked PIN, with one line for what went wrong."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from kiosk.i18n import t
from kiosk.i18n.formats import clock
from kiosk.services.auth import LoginRefused


class LoginForm(Vertical):
    """Posts ``LoginForm.Submitted`` when both fields are filled and Enter is pressed."""

    DEFAULT_CSS = """
    LoginForm { width: 44; height: auto; border: round $primary; padding: 0 1; }
    LoginForm Input { width: 1fr; }
    LoginForm #login-message { color: $error; height: auto; min-height: 1; }
    LoginForm #login-hint { color: $text-muted; }
    """

    @dataclass
    class Submitted(Message):
        initials: str
        pin: str

    def compose(self) -> ComposeResult:
        yield Label(t("login.initials"))
        yield Input(id="initials", max_length=8, classes="clear-on-scan")
        yield Label(t("login.pin"))
        yield Input(id="pin", password=True, max_length=8, restrict=r"[0-9]*",
                    classes="clear-on-scan")  # fmt: skip
        yield Static("", id="login-message")
        yield Static(t("login.hint"), id="login-hint")

    def on_mount(self) -> None:
        self.query_one("#initials", Input).focus()

    @on(Input.Submitted, "#initials")
    def _initials_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _pin_done(self, event: Input.Submitted) -> None:
        event.stop()
        initials = self.query_one("#initials", Input).value
        pin = self.query_one("#pin", Input).value
        if not initials.strip() or not pin:
            self.show_error(t("login.empty"))
            return
        self.post_message(self.Submitted(initials, pin))

    def show_error(self, text: str) -> None:
        self.query_one("#login-message", Static).update(text)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    def show_refusal(self, refused: LoginRefused) -> None:
        """Say why a login was refused, in words a person at the desk understands."""
        if refused.reason == "locked" and refused.locked_until is not None:
            self.show_error(t("login.locked", until=clock(refused.locked_until)))
        elif refused.reason == "no_role":
            self.show_error(t("login.no_role"))
        elif refused.reason == "empty":
            self.show_error(t("login.empty"))
        else:
            self.show_error(t("login.wrong", left=refused.attempts_left))

    def clear(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.query_one("#login-message", Static).update("")
        self.query_one("#initials", Input).focus()
