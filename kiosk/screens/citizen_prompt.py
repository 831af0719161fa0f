"""The desk's side of the citizen mode (a mixin of the check-in screen): after a check-in,
F5 turns the screen to the citizen, or it turns by itself where the offer asks for it."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import tr
from kiosk.screens.citizen_mode import Answered, CitizenModeScreen
from kiosk.services.checkin import CheckInRecord
from kiosk.services.questionnaires import Offered


class CitizenPrompt:
    """``action_citizen_mode`` (F5) and ``offer_questionnaire`` after each check-in."""

    # Provided by the screen (KioskScreen and CheckInScreen).
    kiosk: Any
    app: Any
    set_status: Any
    read: Any
    request: Any
    show_scan: Any
    refresh_bindings: Any
    #: What the latest check-in here offers the citizen (one questionnaire per check-in).
    offered: Offered | None = None

    def offer_questionnaire(self, record: CheckInRecord, *, ratings_only: bool = False) -> None:
        """Look up what the check-in offers; open it at once where the offer asks for it.

        ``ratings_only``: a citizen already checked in comes back (after the meeting): only a
        FIT session rating is offered, never the anonymous questionnaire a second time."""
        feedback, now = self.kiosk.services.feedback, self.kiosk.clock()

        def found(offered: Offered | None) -> None:
            if offered is not None and ratings_only and not offered.identified:
                offered = None
            self.offered = offered
            self.refresh_bindings()
            if offered is not None and offered.automatic:
                self.action_citizen_mode()

        self.read(lambda: feedback.offered_after_check_in(record.id, now), found)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        if action == "citizen_mode":
            return self.offered is not None  # in the footer once a check-in offers one
        return True

    def action_citizen_mode(self) -> None:
        """Turn the screen to the citizen for the latest check-in's questionnaire."""
        offered = self.offered
        if offered is None:
            self.set_status(tr("citizen.nothing_yet"), True)
            return
        self.offered = None
        self.refresh_bindings()
        staff = self.kiosk.guard.staff

        def answered(result: Answered | None) -> None:
            if result is None or result.reason == "scan":
                self.set_status(tr("citizen.scan_ended"), True)
                return
            if not result.answers:
                self.set_status(tr("citizen.skipped"))
                return
            words = "citizen.saved_rating" if offered.identified else "citizen.saved"
            feedback, now = self.kiosk.services.feedback, self.kiosk.clock()
            self.request(lambda: feedback.record(offered, result.answers, now, staff),
                         lambda _id: self.set_status(tr(words)))  # fmt: skip

        self.app.push_screen(CitizenModeScreen(offered, scanned=self.show_scan), answered)
