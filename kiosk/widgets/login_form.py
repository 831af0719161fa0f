"""Initials + masked PIN, with one line for what went wrong."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input

from kiosk.i18n import tr
from kiosk.i18n.formats import clock
from kiosk.services.auth import LoginRefused
from kiosk.widgets.words import Caption, Phrase, Words


class InitialsInput(Input):
    """Initials never contain digits: a digit typed here (a fast typist's PIN, before the
    focus has moved) goes to the masked PIN field instead of showing in clear."""

    async def _on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit():
            event.stop()
            event.prevent_default()
            pin = self.screen.query_one("#pin", Input)
            pin.insert_text_at_cursor(event.character)
            pin.focus()
            return
        await super()._on_key(event)


class LoginForm(Vertical):
    """Posts ``LoginForm.Submitted`` when both fields are filled and Enter is pressed.

    After a language switch its labels and message are redrawn; typed text stays."""

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

    def __init__(self, hint_key: str = "login.hint") -> None:
        super().__init__()
        self.hint_key = hint_key

    def compose(self) -> ComposeResult:
        yield Caption(tr("login.initials"))
        yield InitialsInput(id="initials", max_length=8, classes="clear-on-scan")
        yield Caption(tr("login.pin"))
        yield Input(id="pin", password=True, max_length=8, restrict=r"[0-9]*",
                    classes="clear-on-scan")  # fmt: skip
        yield Phrase("", id="login-message")
        yield Phrase(tr(self.hint_key), id="login-hint")

    def on_mount(self) -> None:
        self.query_one("#initials", Input).focus()

    @on(Input.Submitted, "#initials")
    def _initials_done(self, event: Input.Submitted) -> None:
        event.stop()
        if self.query_one("#pin", Input).value and event.value.strip():
            # Typed fast ("MH", Tab, PIN, Enter), the Enter can reach the initials field
            # before the focus has moved on: it is the Enter after the PIN, so log in.
            self._submit()
            return
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _pin_done(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def _submit(self) -> None:
        initials = self.query_one("#initials", Input).value
        pin = self.query_one("#pin", Input).value
        if not initials.strip():
            self.query_one("#initials", Input).focus()
            self.query_one("#login-message", Phrase).say(tr("login.empty"))
            return
        if not pin:
            self.show_error(tr("login.empty"))
            return
        self.post_message(self.Submitted(initials, pin))

    def show_error(self, text: Words) -> None:
        self.query_one("#login-message", Phrase).say(text)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    def show_refusal(self, refused: LoginRefused) -> None:
        """Say why a login was refused, in words a person at the desk understands."""
        if refused.reason == "locked" and refused.locked_until is not None:
            self.show_error(tr("login.locked", until=clock(refused.locked_until)))
        elif refused.reason == "no_role":
            self.show_error(tr("login.no_role"))
        elif refused.reason == "empty":
            self.show_error(tr("login.empty"))
        else:
            self.show_error(tr("login.wrong", left=refused.attempts_left))

    def clear(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.query_one("#login-message", Phrase).say("")
        self.query_one("#initials", Input).focus()
