"""The counting rules behind every attendance, appointment and course figure (docs/figures.md).

Pure functions over plain facts: the kiosk's screens, the kiosk's report and central's reports
all count with these, so the same history gives the same numbers wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from models.events import Mark, Outcome
from models.figures.marks import effective_mark
from models.schedule import SessionStatus
from models.timeutil import LOCAL_TZ


class SessionCounting(StrEnum):
    """Whether a group session is in the attendance rate, and if not, why not."""

    COUNTED = "counted"  # held: marked held or closed, or anyone was marked or checked in
    CANCELLED = "cancelled"
    UNRECORDED = "unrecorded"  # started, not cancelled, but nothing at all was recorded
    NOT_YET = "not_yet"  # not started and nothing recorded: not in the rate


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """One group session and what was recorded on it (merges already applied)."""

    id: str
    group_id: str
    starts_at: datetime
    status: SessionStatus
    closed: bool
    enrolled: frozenset[str]  # citizens enrolled on the session's (Danish) day
    marks: Mapping[str, Mark] = field(default_factory=dict)  # current explicit mark
    checked_in: frozenset[str] = frozenset()  # desk check-ins for the session, not retracted

    @property
    def day(self) -> date:
        return self.starts_at.astimezone(LOCAL_TZ).date()

    @property
    def recorded(self) -> bool:
        return bool(self.marks) or bool(self.checked_in)

    def counting(self, now: datetime) -> SessionCounting:
        """Cancelled sessions and sessions not yet held are never in the rate."""
        if self.status == SessionStatus.CANCELLED:
            return SessionCounting.CANCELLED
        if self.status == SessionStatus.HELD or self.closed or self.recorded:
            return SessionCounting.COUNTED
        return SessionCounting.UNRECORDED if self.starts_at <= now else SessionCounting.NOT_YET

    def participants(self) -> frozenset[str]:
        """Enrolled citizens and guests (anyone else marked or checked in for the session)."""
        return self.enrolled | self.marks.keys() | self.checked_in

    def mark_of(self, citizen_id: str) -> Mark | None:
        return effective_mark(self.marks.get(citizen_id), citizen_id in self.checked_in)

    def outcome_of(self, citizen_id: str) -> Outcome:
        """Unmarked participants count as no-shows once the session is closed."""
        mark = self.mark_of(citizen_id)
        if mark is not None:
            return mark.outcome
        return Outcome.NO_SHOW if self.closed else Outcome.UNMARKED


@dataclass(frozen=True, slots=True)
class SessionFigures:
    """A session's attendance: every participant once, guests included."""

    counting: SessionCounting
    enrolled: int
    guests: int
    attended: int
    excused: int
    no_show: int
    unmarked: int

    @property
    def participants(self) -> int:
        return self.enrolled + self.guests

    @property
    def marked(self) -> int:
        """Participants with a mark (a desk check-in counts) or, once closed, a no-show."""
        return self.participants - self.unmarked

    @property
    def counted(self) -> bool:
        return self.counting is SessionCounting.COUNTED

    @property
    def rate(self) -> float | None:
        """Attended ÷ participants in per cent, only for a session that is in the rate."""
        return percent(self.attended, self.participants) if self.counted else None


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def session_figures(facts: SessionFacts, now: datetime) -> SessionFigures:
    """Count one session by the rules."""
    people = facts.participants()
    outcomes = [facts.outcome_of(citizen) for citizen in people]
    return SessionFigures(
        counting=facts.counting(now),
        enrolled=len(facts.enrolled),
        guests=len(people - facts.enrolled),
        attended=outcomes.count(Outcome.ATTENDED),
        excused=outcomes.count(Outcome.EXCUSED),
        no_show=outcomes.count(Outcome.NO_SHOW),
        unmarked=outcomes.count(Outcome.UNMARKED),
    )


@dataclass(slots=True)
class GroupTotals:
    """A group's attendance over sessions: only counted sessions add to the figures."""

    sessions: int = 0  # counted (held)
    cancelled: int = 0
    unrecorded: int = 0
    not_yet: int = 0
    participants: int = 0  # participant places over counted sessions (guests included)
    guests: int = 0
    attended: int = 0
    excused: int = 0
    no_show: int = 0
    unmarked: int = 0

    def add(self, figures: SessionFigures) -> None:
        if figures.counting is SessionCounting.CANCELLED:
            self.cancelled += 1
        elif figures.counting is SessionCounting.UNRECORDED:
            self.unrecorded += 1
        elif figures.counting is SessionCounting.NOT_YET:
            self.not_yet += 1
        else:
            self.sessions += 1
            self.participants += figures.participants
            self.guests += figures.guests
            self.attended += figures.attended
            self.excused += figures.excused
            self.no_show += figures.no_show
            self.unmarked += figures.unmarked

    @property
    def rate(self) -> float | None:
        return percent(self.attended, self.participants)


def participant_so_far(
    citizen_id: str, sessions: Iterable[SessionFacts], now: datetime
) -> tuple[int, int]:
    """(attended, counted) for one citizen: the counted sessions they took part in (enrolled
    on the day, or a guest with a mark or check-in), and how many of those they attended."""
    attended = counted = 0
    for facts in sessions:
        if facts.counting(now) is not SessionCounting.COUNTED:
            continue
        if citizen_id not in facts.participants():
            continue
        counted += 1
        attended += facts.outcome_of(citizen_id) is Outcome.ATTENDED
    return attended, counted
