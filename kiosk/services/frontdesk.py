"""The front desk's use cases for the screens: one object over the engine, settings and index."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from kiosk.services import anonymous, auth, checkin, corrections, queue
from kiosk.services.input_guard import search_refusal
from kiosk.services.plan import TodayItem
from kiosk.services.staff import StaffMember
from models.config import Settings
from models.timeutil import local_today

if TYPE_CHECKING:  # the index (and numpy) load with the check-in screen, not at start-up
    from kiosk.services.search import CitizenIndex, SearchResult


class FrontDesk:
    """Login, search, check-in, anonymous contacts and the queue for one kiosk.

    The search index is built on first use (in a worker thread) and kept; ``invalidate``
    after a sync pull makes the next use rebuild it with the new citizens and plan.
    """

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._lock = threading.Lock()
        self._index: CitizenIndex | None = None
        self._plan: dict[str, list[TodayItem]] = {}
        self._index_day: object = None

    # -- login ---------------------------------------------------------------------------

    def log_in(self, initials: str, pin: str, now: datetime) -> StaffMember:
        from kiosk.services.pin_keys import pin_keys

        policy = auth.LoginPolicy(self.settings.lockout_failures, self.settings.lockout_minutes)
        keys = pin_keys(self.settings)  # read each time: enrolment may change the credential
        return auth.log_in(
            self.engine, initials=initials, pin=pin, now=now, policy=policy, keys=keys
        )

    def lock(self, staff: StaffMember, now: datetime, reason: str) -> None:
        auth.audit_logout(self.engine, staff=staff, now=now, reason=reason)

    # -- search --------------------------------------------------------------------------

    def ensure_index(self, now: datetime) -> CitizenIndex:
        """The index over this kiosk's citizens, with today's plan (rebuilt on a new day)."""
        from kiosk.services import citizens

        with self._lock:
            day = local_today(now)
            if self._index is None or self._index_day != day:
                self._index, self._plan = citizens.load_index(self.engine, now=now)
                self._index_day = day
            return self._index

    def invalidate(self) -> None:
        """Forget the index (after a sync changed citizens or today's plan)."""
        with self._lock:
            self._index = None

    @property
    def ready(self) -> bool:
        return self._index is not None

    def search(self, text: str, *, limit: int = 20) -> SearchResult:
        """Search the loaded index (call ``ensure_index`` first, off the UI thread).

        A CPR-like query is not run (``search_refusal`` says why): no one is found by CPR.
        """
        from kiosk.services.search import SearchResult

        index = self._index
        if search_refusal(text) is not None:
            return SearchResult("")
        return index.search(text, limit=limit) if index else SearchResult(text)

    def search_refusal(self, text: str) -> str | None:
        """The i18n key of why ``text`` is not searched for, or ``None``."""
        return search_refusal(text)

    def plan(self, citizen_id: str) -> list[TodayItem]:
        return self._plan.get(citizen_id, [])

    def audit_search(self, staff: StaffMember, text: str, hits: int, now: datetime) -> None:
        """Audit a settled search: the citizens shown for ``text`` (ids), never the text."""
        from kiosk.services import citizens

        if search_refusal(text) is not None:
            citizens.audit_refused_search(self.engine, staff=staff, now=now)
            return
        shown = [hit.citizen_id for hit in self.search(text).hits][: max(hits, 0)]
        citizens.audit_search(self.engine, staff=staff, citizen_ids=shown, now=now)

    # -- check-in ------------------------------------------------------------------------

    def check_in(
        self,
        citizen_id: str,
        staff: StaffMember,
        now: datetime,
        target: checkin.Target | None = None,
    ) -> checkin.Outcome:
        return checkin.check_in(
            self.engine, citizen_id=citizen_id, staff=staff, now=now, target=target
        )

    def scan(self, token: str, staff: StaffMember | None, now: datetime) -> checkin.Outcome:
        return checkin.check_in_by_card(self.engine, token=token, staff=staff, now=now)

    def undo(self, check_in_id: str, staff: StaffMember, now: datetime) -> None:
        corrections.undo_check_in(
            self.engine, check_in_id=check_in_id, staff=staff, now=now,
            window_minutes=self.settings.undo_minutes,
        )  # fmt: skip

    def check_out(self, check_in_id: str, staff: StaffMember, now: datetime) -> None:
        corrections.check_out(self.engine, check_in_id=check_in_id, staff=staff, now=now)

    def todays_check_ins(self, now: datetime) -> list[checkin.CheckInRecord]:
        return corrections.todays_check_ins(self.engine, now=now)

    # -- anonymous contacts and the queue ------------------------------------------------

    def anonymous_choices(self) -> tuple[list[anonymous.Choice], list[anonymous.Choice]]:
        return anonymous.anonymous_choices(self.engine)

    def register_anonymous(
        self, offer_id: str, topic_ids: list[str], age_band: str | None, now: datetime
    ) -> str:
        return anonymous.register_anonymous(
            self.engine, offer_id=offer_id, topic_ids=topic_ids, age_band=age_band, now=now
        )

    def queue_today(self, now: datetime) -> list[queue.Ticket]:
        return queue.queue_today(self.engine, now=now)

    def add_ticket(self, staff: StaffMember, name: str | None, now: datetime) -> queue.Ticket:
        return queue.add_ticket(self.engine, staff=staff, now=now, name=name)

    def call_next(self, staff: StaffMember, now: datetime) -> queue.Ticket | None:
        return queue.call_next(self.engine, staff=staff, now=now)

    def finish_ticket(self, ticket_id: str, action: str, staff: StaffMember, now: datetime) -> None:
        queue.finish(self.engine, ticket_id=ticket_id, action=action, staff=staff, now=now)
