"""The report pages' cache: the last built report per page, while the data has not changed.

Only the console's report *pages* use it. Downloads (CSV, XLSX), ``mestring report`` and the
committee workbook always compute afresh, so every official figure is exact; a page shows
when its figures were computed ("Tallene er beregnet kl. HH:MM") and has a "Beregn igen"
button that rebuilds them.

An entry is served only while all of these hold:

* the **data version** (``data_version``) is the one read just before the entry was built;
* the entry is younger than ``MAX_AGE`` (five minutes) by the console's clock;
* it was built on the same Danish calendar day ("today" figures move with the clock).

The data version is one query of index-only aggregates. It sees:

* every publish to the change feed (``FeedCounter``): CSV imports, guest merges and
  confirmations, FIT plans, reference data and scope changes made on central;
* every accepted push from a kiosk (the devices' ``last_seq``, summed, and their number);
* every row added or deleted in the event tables the figures read (check-ins, anonymous
  contacts, attendance marks, queue tickets and their events, questionnaire answers, FIT
  ratings) and in the reference tables they read (citizens, groups, group sessions,
  enrolments, courses, appointments, questionnaires, sites, offers, topics): rows loaded
  without a push or feed entry, and retention purges;
* every merge of a guest (the number of merged citizens), even one no site's feed carries.

It cannot see an *in-place update* that neither goes through a push nor leaves a feed
entry (e.g. an imported change to the appointment of a citizen no site holds, or a row
edited directly in the database): ``MAX_AGE`` bounds how long such a change goes unseen,
and the page's computed-at time and "Beregn igen" make it visible and curable.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from models import (
    AnonymousContact,
    Appointment,
    AttendanceMark,
    CheckIn,
    Citizen,
    Course,
    Device,
    Enrolment,
    FeedCounter,
    FitRating,
    Group,
    GroupSession,
    Offer,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireQuestion,
    QueueTicket,
    QueueTicketEvent,
    Site,
    Topic,
)
from models.db import read_session
from models.timeutil import local_today

#: How long a cached report is served at most (covers the changes the version cannot see).
MAX_AGE = timedelta(minutes=5)
#: Reports kept (per site, period, committee flag, role and language).
MAX_ENTRIES = 32
#: Tables whose row count is part of the data version (what the figures read).
COUNTED: tuple[Any, ...] = (
    CheckIn,
    AnonymousContact,
    AttendanceMark,
    QueueTicket,
    QueueTicketEvent,
    QuestionnaireAnswer,
    FitRating,
    Citizen,
    Group,
    GroupSession,
    Enrolment,
    Course,
    Appointment,
    Questionnaire,
    QuestionnaireQuestion,
    Site,
    Offer,
    Topic,
)

Version = tuple[int, ...]


def data_version(engine: Engine) -> Version:
    """The data version (see the module's docstring), read in one query."""
    parts = [
        select(col(FeedCounter.value)).where(col(FeedCounter.id) == 1).scalar_subquery(),
        select(func.count()).select_from(Device).scalar_subquery(),
        select(func.coalesce(func.sum(col(Device.last_seq)), 0)).scalar_subquery(),
        select(func.count())
        .select_from(Citizen)
        .where(col(Citizen.merged_into).is_not(None))
        .scalar_subquery(),
        *(select(func.count()).select_from(model).scalar_subquery() for model in COUNTED),
    ]
    with read_session(engine) as session:
        row = session.execute(select(*parts)).one()
    return tuple(int(value or 0) for value in row)


@dataclass(frozen=True, slots=True)
class PageKey:
    """Everything the built page model depends on besides the data and the clock."""

    site: str | None
    start: date
    end: date
    committee: bool
    role: str  # admins see sensitive group titles, leadership their neutral codes
    language: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A built report page model, when it was built and on which data version."""

    value: Any
    built_at: datetime
    version: Version


class ReportCache:
    """A bounded (LRU) in-process cache of report page models; safe across threads."""

    def __init__(self, size: int = MAX_ENTRIES, max_age: timedelta = MAX_AGE) -> None:
        self.size = size
        self.max_age = max_age
        self._entries: OrderedDict[PageKey, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries

    def get(self, key: PageKey, version: Version, now: datetime) -> Entry | None:
        """The entry for ``key`` if it is still good at ``now`` on ``version``, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if not self.fresh(entry, version, now):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def fresh(self, entry: Entry, version: Version, now: datetime) -> bool:
        age = now - entry.built_at
        return (
            entry.version == version
            and timedelta(0) <= age < self.max_age
            and local_today(now) == local_today(entry.built_at)
        )

    def put(self, key: PageKey, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
