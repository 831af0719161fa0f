"""Check-in corrections: undo the last check-in, check someone out (a mixin of the screen)."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import tr
from kiosk.i18n.formats import clock
from kiosk.screens.checkin_words import refusal_words
from kiosk.screens.picker import PickerScreen
from kiosk.services.checkin import CheckInRecord
from kiosk.services.refusals import Refused
from kiosk.widgets.words import Words


class CheckInCorrections:
    """Ctrl+Z and Ctrl+O of the check-in screen; refusals in the screen's own words."""

    # Provided by the screen (KioskScreen and CheckInScreen).
    last: CheckInRecord | None
    kiosk: Any
    frontdesk: Any
    app: Any
    set_status: Any
    request: Any
    read_check_ins: Any

    def action_undo(self) -> None:
        """Undo the last check-in made here (within the undo window)."""
        last, staff = self.last, self.kiosk.guard.staff
        if last is None or staff is None:
            self.set_status(tr("checkin.undo_nothing"), True)
            return
        now = self.kiosk.clock()

        def undone(_none: None) -> None:
            self.last = None
            self.set_status(tr("checkin.undone", name=last.display_name))
            self.read_check_ins()

        self.request(lambda: self.frontdesk.undo(last.id, staff, now), undone)

    def refusal_text(self, refusal: Refused) -> Words:
        return refusal_words(refusal, self.kiosk.services.settings.undo_minutes)

    def action_check_out(self) -> None:
        """Check out someone checked in today to an offer that wants a check-out."""
        now = self.kiosk.clock()
        self.request(lambda: self.frontdesk.todays_check_ins(now), self._pick_checkout)

    def _pick_checkout(self, records: list[CheckInRecord]) -> None:
        open_ = [r for r in records if r.wants_checkout and not r.checked_out]
        if not open_:
            self.set_status(tr("checkin.checkout_none"), True)
            return
        labels = [f"{r.display_name} · {r.label} · {clock(r.at)}" for r in open_]
        self.app.push_screen(
            PickerScreen(tr("picker.title_checkout"), labels, open_), self._check_out
        )

    def _check_out(self, record: CheckInRecord | None) -> None:
        staff = self.kiosk.guard.staff
        if record is None or staff is None:
            return
        now = self.kiosk.clock()
        self.request(
            lambda: self.frontdesk.check_out(record.id, staff, now),
            lambda _none: self.set_status(
                tr("checkin.checked_out", name=record.display_name, time=clock(now))
            ),
        )
