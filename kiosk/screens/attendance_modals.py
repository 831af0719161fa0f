"""Modal dialogs for attendance: add a guest, give a reason (cancel or reopen a session)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from kiosk.i18n import t, tr
from kiosk.screens.base import KioskModal
from kiosk.services.attendance import AttendanceRefused
from kiosk.services.attendance_marks import validate_guest
from kiosk.services.session_state import clean_reason
from kiosk.widgets.words import Caption


def dialog_help() -> str:
    """The keys of a dialog, ``Enter: OK   Esc: Fortryd``."""
    return f"{t('attendance.modal.ok')}   {t('attendance.modal.cancel')}"


class GuestNameInput(Input):
    """A name has no digits: a digit typed here (``Ib Aa`` Tab ``1970`` in one burst, before
    the focus has moved) goes to the birth-year field instead."""

    async def _on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit():
            event.stop()
            event.prevent_default()
            year = self.screen.query_one("#guest-year", Input)
            year.insert_text_at_cursor(event.character)
            year.focus()
            return
        await super()._on_key(event)


@dataclass(frozen=True, slots=True)
class GuestInput:
    display_name: str
    birth_year: int | None


class GuestModal(KioskModal[GuestInput | None]):
    """Name and optional birth year of a guest; Enter adds, Esc cancels."""

    CSS_PATH = "attendance_modals.tcss"
    BINDINGS = [
        Binding(
            "escape",
            "dismiss_modal",
            "attendance.modal.cancel",
            id="attendance.modal.cancel",
            tooltip="attendance.back.tooltip",
        ),
    ]

    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self._clock = clock

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Caption(tr("attendance.guest.title"), classes="dialog-title")
            yield Caption(tr("attendance.guest.name"))
            yield GuestNameInput(id="guest-name", max_length=120)
            yield Caption(tr("attendance.guest.year"))
            yield Input(id="guest-year", max_length=4, restrict=r"[0-9]*")
            yield Caption("", id="dialog-error", classes="dialog-error")
            yield Caption(dialog_help, classes="dialog-help")

    @on(Input.Submitted, "#guest-name")
    @on(Input.Submitted, "#guest-year")
    def _submit(self) -> None:
        """Enter adds the guest from either field ("OK (Enter)"); the year is optional."""
        name = self.query_one("#guest-name", Input).value
        year_text = self.query_one("#guest-year", Input).value.strip()
        error = self.query_one("#dialog-error", Caption)
        year = int(year_text) if year_text.isdigit() else None
        if year_text and year is None:
            error.say(tr("attendance.guest.year_invalid"))
            return
        try:
            clean = validate_guest(name, year, now=self._clock())
        except AttendanceRefused as refused:
            error.say(tr(f"attendance.refused.{refused.reason}"))
            if refused.reason.startswith("name"):
                self.query_one("#guest-name", Input).focus()
            return
        self.dismiss(GuestInput(clean, year))

    def action_dismiss_modal(self) -> None:
        self.dismiss(None)


class ReasonModal(KioskModal[str | None]):
    """Ask for a reason (cancelling or reopening a session); Enter confirms, Esc cancels."""

    CSS_PATH = "attendance_modals.tcss"
    BINDINGS = [
        Binding(
            "escape",
            "dismiss_modal",
            "attendance.modal.cancel",
            id="attendance.modal.cancel",
            tooltip="attendance.back.tooltip",
        ),
    ]

    def __init__(self, title_key: str) -> None:
        super().__init__()
        self._title_key = title_key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Caption(tr(self._title_key), classes="dialog-title")
            yield Caption(tr("attendance.reason"))
            yield Input(id="reason", max_length=200)
            yield Caption("", id="dialog-error", classes="dialog-error")
            yield Caption(dialog_help, classes="dialog-help")

    @on(Input.Submitted, "#reason")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            reason = clean_reason(event.value)
        except AttendanceRefused as refused:
            self.query_one("#dialog-error", Caption).say(tr(f"attendance.refused.{refused.reason}"))
            return
        self.dismiss(reason)

    def action_dismiss_modal(self) -> None:
        self.dismiss(None)
