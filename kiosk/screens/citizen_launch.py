"""Turning the screen to the citizen from elsewhere than the check-in: a participant's FIT
session rating at a closed session's roster, and a stand-alone questionnaire (Ctrl+B) the desk
starts without a check-in. The answers are stored as after a check-in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.css.query import NoMatches

from kiosk.i18n import tr
from kiosk.screens.citizen_mode import Answered, CitizenModeScreen
from kiosk.screens.picker import PickerScreen
from kiosk.services.questionnaires import Offered
from kiosk.widgets.words import Words, spoken

if TYPE_CHECKING:
    from kiosk.screens.base import KioskScreen
    from kiosk.services.checkin import Outcome


def tell(screen: KioskScreen, words: Words, warning: bool = False) -> None:
    """Say ``words`` in the screen's status line, or as a notice where it has none (home)."""
    try:
        line = screen.query_one("#status")
    except NoMatches:
        line = None
    if line is not None and hasattr(line, "say"):
        screen.set_status(words, warning)
    else:
        screen.app.notify(spoken(words), severity="warning" if warning else "information")


def hand_to_citizen(screen: KioskScreen, offered: Offered, *, after: Any = None) -> None:
    """Show ``offered`` to the citizen; store what they answer as the member logged in now,
    and say on ``screen`` how it went (``after()`` runs once the answers are stored)."""
    app = screen.kiosk
    staff = app.guard.staff

    def scanned(outcome: Outcome) -> None:
        # The questions are gone by now: the scan's check-in is answered as on any screen.
        app.call_later(app.guard.show_scan, outcome)

    def answered(result: Answered | None) -> None:
        if result is None or result.reason == "scan":
            tell(screen, tr("citizen.scan_ended"), True)
            return
        if not result.answers:
            tell(screen, tr("citizen.skipped"))
            return
        words = "citizen.saved_rating" if offered.identified else "citizen.saved"
        feedback, now = app.services.feedback, app.clock()

        def stored(_id: object) -> None:
            tell(screen, tr(words))
            if after is not None:
                after()

        screen.request(lambda: feedback.record(offered, result.answers, now, staff), stored)

    app.push_screen(CitizenModeScreen(offered, scanned=scanned), answered)


def start_standalone(screen: KioskScreen) -> None:
    """Open the site's stand-alone questionnaire (a picker first when there are several)."""
    feedback = screen.kiosk.services.feedback

    def found(offers: list[Offered]) -> None:
        if not offers:
            tell(screen, tr("citizen.no_standalone"), True)
            return
        if len(offers) == 1:
            hand_to_citizen(screen, offers[0])
            return
        english = screen.kiosk.language == "en"
        labels = [o.title_en if english else o.title_da for o in offers]

        def picked(offered: Offered | None) -> None:
            if offered is not None:
                hand_to_citizen(screen, offered)

        screen.app.push_screen(PickerScreen(tr("citizen.standalone.pick"), labels, offers), picked)

    screen.request(feedback.standalone, found)  # asked once: no screen read is replaced
