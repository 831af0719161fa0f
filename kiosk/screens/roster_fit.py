"""FIT at a session's roster (a mixin of the roster screen): the leader turns the ratings on or
off for the group (Ctrl+F), reads the group's trend (u), and, once the session is closed,
hands the kiosk to each participant who attended for the session rating (v)."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import tr
from kiosk.screens.citizen_launch import hand_to_citizen
from kiosk.screens.group_trend import open_group_trend
from kiosk.services.questionnaires import Offered
from models.feedback import FitTarget


class RosterFit:
    """``action_toggle_fit``, ``action_group_trend`` and ``action_session_rating``."""

    # Provided by the roster screen (KioskScreen and RosterScreen).
    kiosk: Any
    roster: Any
    session_id: str
    staff: Any
    request: Any
    set_status: Any
    refresh_bindings: Any
    selected: Any
    #: FIT ratings are on for this session's group (read with the roster).
    fit_on: bool = False

    def load_fit(self) -> None:
        """Read whether FIT is on for the group (the footer's v depends on it)."""
        if self.roster is None:
            return
        feedback, group_id = self.kiosk.services.feedback, self.roster.session.group_id
        # A request, not a read: a read would replace the roster read whose answer calls this.
        self.request(lambda: feedback.fit_is_on(group_id), self._fit_read)

    def _fit_read(self, on: bool) -> None:
        self.fit_on = on
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        if action == "session_rating":  # in the footer once a closed session can be rated
            return self.fit_on and self.roster is not None and self.roster.session.closed
        return True

    def fit_after_close(self) -> None:
        """Once the session is closed: say how the participants give their session rating."""
        self.refresh_bindings()
        if self.fit_on:
            self.set_status(tr("fit.roster.rate_now"))

    def action_toggle_fit(self) -> None:
        """Turn FIT outcome and session ratings on or off for this group."""
        staff, now = self.staff, self.kiosk.clock()
        if self.roster is None or staff is None:
            return
        feedback, group_id = self.kiosk.services.feedback, self.roster.session.group_id
        on = not self.fit_on

        def done(state: bool) -> None:
            self._fit_read(state)
            self.set_status(tr("fit.switched_on" if state else "fit.switched_off"))

        self.request(lambda: feedback.set_fit(FitTarget.GROUP, group_id, on, staff, now), done)

    def action_group_trend(self) -> None:
        """The group's ratings per session: averages only (its leader and admins)."""
        if self.roster is not None:
            open_group_trend(self, self.roster.session.group_id)  # type: ignore[arg-type]

    def action_session_rating(self) -> None:
        """Hand the kiosk to the selected participant for their session rating."""
        entry, staff = self.selected(), self.staff
        if entry is None or staff is None:
            return
        feedback, session_id = self.kiosk.services.feedback, self.session_id

        def rate(offered: Offered) -> None:
            hand_to_citizen(self, offered)  # type: ignore[arg-type]

        self.request(lambda: feedback.session_rating(session_id, entry.citizen_id, staff), rate)
