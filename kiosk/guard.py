"""Who is logged in at the kiosk: login, lock hotkey, idle auto-lock, and card scans anywhere."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events

from kiosk.i18n import t
from kiosk.wedge import CardWedge

if TYPE_CHECKING:  # the services load after the first frame (kiosk.launch)
    from kiosk.app import KioskApp
    from kiosk.services.checkin import Outcome
    from kiosk.services.staff import StaffMember


class StaffGuard:
    """The app's login state. Nothing personal is shown unless ``staff`` is set.

    Screens that show names declare ``NEEDS_LOGIN = True``; opening one asks for a login
    first. Locking (hotkey or idle) audits the end of the session, closes every screen back
    to home and puts the lock screen on top, which still takes card scans.
    """

    def __init__(self, app: KioskApp, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.staff: StaffMember | None = None
        self.wedge = CardWedge()
        self.monotonic = monotonic
        self.last_activity = monotonic()

    @property
    def locked(self) -> bool:
        return self.staff is None

    # -- key stream ----------------------------------------------------------------------

    def intercept(self, event: events.Key) -> bool:
        """Watch every key; True when it completed a card scan (the Enter is then eaten)."""
        now = self.monotonic()
        self.last_activity = now
        token = self.wedge.feed(event.key, event.character, now, any_case=self._login_focused())
        if token is None:
            return False
        # The scanner's characters may still wait in the queues of the focused widget, its
        # parents and the app (a key bubbles up queue by queue, and a binding's action runs
        # when it reaches the app): tidy up only after they have passed all of them.
        self._after_queues(self._key_path(), token)
        self.scan(token)
        return True

    def _login_focused(self) -> bool:
        """True while a login field has the focus: there nobody types words, only initials
        and a PIN, so a fast run of letters is a scanner typing in lower case."""
        focused = self.app.focused
        return focused is not None and focused.has_class("clear-on-scan")

    def _key_path(self) -> list[Any]:
        """The message queues a key passes: focused widget (or screen), its parents, the app."""
        node: Any = self.app.focused or self.app.screen
        path = []
        while node is not None:
            path.append(node)
            node = node.parent
        return path

    def _after_queues(self, path: list[Any], token: str) -> None:
        if not path:
            self._after_scan_keys(token)
            return
        head, rest = path[0], path[1:]
        head.call_later(self._after_queues, rest, token)

    def _after_scan_keys(self, token: str) -> None:
        """Take the scan's characters out of the field they were typed into."""
        from textual.widgets import Input

        focused = self.app.focused
        interrupted = getattr(self.app.screen, "scan_interrupted", None)
        if callable(interrupted):
            interrupted()
        if not isinstance(focused, Input):
            return
        if focused.has_class("clear-on-scan"):
            focused.value = ""  # a login in progress: the scan's characters are in it
        elif focused.value.upper().endswith(token):
            focused.value = focused.value[: -len(token)]

    def scan(self, token: str) -> None:
        """Check the card's citizen in, in a worker thread (SQLite stays off the UI thread)."""
        staff, now = self.staff, self.app.clock()

        def work() -> None:
            try:
                outcome = self.app.services.frontdesk.scan(token, staff, now)
            except Exception as err:  # the kiosk keeps running; staff see why
                message = t("checkin.error", error=err)
                self.app.call_from_thread(self.app.notify, message, severity="error")
                return
            self.app.call_from_thread(self.show_scan, outcome)

        self.app.run_worker(work, thread=True, group="card-scan")

    def show_scan(self, outcome: Outcome) -> None:
        """Hand a scan's outcome to the screen in front, or say it in a notification."""
        if outcome.status in ("checked_in", "duplicate"):
            self.app.reload_screens()  # home's "Mødt", a roster, the check-in list's "I dag"
        show: Any = getattr(self.app.screen, "show_scan", None)
        if callable(show):
            show(outcome)
            return
        if outcome.status == "choose" and self.staff is not None:
            self.app.open_screen("checkin", then=lambda screen: screen.show_scan(outcome))
            return
        timeout = self.app.services.settings.clear_after_checkin_seconds
        first_names = self.app.services.settings.lock_screen_first_names
        self.app.notify(scan_message(outcome, first_names=first_names), timeout=timeout)

    # -- login and lock ------------------------------------------------------------------

    def logged_in(self, member: StaffMember) -> None:
        self.staff = member
        self.last_activity = self.monotonic()

    def lock(self, reason: str) -> None:
        """End the staff session: audit it, close personal screens, show the lock screen."""
        member, self.staff = self.staff, None
        if member is not None:
            self.app.services.frontdesk.lock(member, self.app.clock(), reason)
        from kiosk.screens.lock import LockScreen

        if isinstance(self.app.screen, LockScreen):
            return
        if getattr(self.app.screen, "keeps_public_view", False):
            return  # the public view stays in front; leaving it shows the lock screen
        while len(self.app.screen_stack) > 2:  # the default screen and home stay
            self.app.pop_screen()
        self.app.push_screen(LockScreen(reason=reason))

    def check_idle(self) -> None:
        """Lock after ``idle_lock_seconds`` without a key (called every second)."""
        if self.staff is None:
            return
        limit = self.app.services.settings.idle_lock_seconds
        if self.monotonic() - self.last_activity >= limit:
            self.lock("idle")


def scan_message(outcome: Outcome, *, first_names: bool = False) -> str:
    """What a citizen may read after scanning: no name ("Tak, du er tjekket ind"), or the
    first name where the site chose to allow it (``lock_screen_first_names``): the screen
    faces the waiting room (SPEC §6)."""
    if outcome.status not in ("checked_in", "duplicate", "no_plan", "choose"):
        return t("scan.unknown")
    if first_names and outcome.first_name:
        return t(f"scan.{SCAN_KEYS[outcome.status]}", name=outcome.first_name)
    return t(f"scan.{SCAN_KEYS[outcome.status]}.no_name")


SCAN_KEYS = {
    "checked_in": "done",
    "duplicate": "duplicate",
    "no_plan": "no_plan",
    "choose": "choose",
}
