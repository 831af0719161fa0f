"""Counting rules for §82b courses and appointments: course weeks, lengths, arrivals, no-shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

#: Weeks before the planned end from which a course is flagged (week 10 of 12).
WARN_WEEKS_BEFORE_END = 2


class CourseAlert(StrEnum):
    NONE = "none"
    NEARING_END = "nearing_end"  # from week 10 of a 12-week course
    OVERDUE = "overdue"  # past the planned 12 weeks


class AppointmentOutcome(StrEnum):
    """What a booked (not cancelled) appointment comes to."""

    ARRIVED = "arrived"  # checked in, and the check-in was not retracted
    NO_SHOW = "no_show"  # over (its end has passed) without a check-in
    PENDING = "pending"  # not over yet and nobody checked in (yet)


def course_week(starts_on: date, today: date) -> int:
    """The course's current week: 1 during its first seven days, 0 before it starts."""
    if today < starts_on:
        return 0
    return (today - starts_on).days // 7 + 1


def course_alert(week: int, planned_weeks: int = 12) -> CourseAlert:
    """Flag a course from week ``planned - 2`` (10 of 12) and once past its planned weeks."""
    if week > planned_weeks:
        return CourseAlert.OVERDUE
    if week >= planned_weeks - WARN_WEEKS_BEFORE_END:
        return CourseAlert.NEARING_END
    return CourseAlert.NONE


def appointment_outcome(arrived: bool, ends_at: datetime, now: datetime) -> AppointmentOutcome:
    """Arrived if checked in; a no-show once it is over without a check-in; else pending."""
    if arrived:
        return AppointmentOutcome.ARRIVED
    return AppointmentOutcome.NO_SHOW if ends_at <= now else AppointmentOutcome.PENDING


@dataclass(frozen=True, slots=True)
class CourseLength:
    """One course's length up to ``last_day``: its end, or the day figures are made for."""

    course_id: str
    site_id: str
    offer_id: str
    reference: str
    starts_on: date
    ends_on: date | None
    planned_weeks: int
    last_day: date

    @property
    def ongoing(self) -> bool:
        return self.ends_on is None or self.ends_on > self.last_day

    @property
    def days(self) -> int:
        return max(0, (self.last_day - self.starts_on).days)

    @property
    def weeks(self) -> float:
        return round(self.days / 7, 1)

    @property
    def over_planned(self) -> bool:
        """Past its planned weeks: the same rule as F8's "overdue" flag."""
        return course_alert(course_week(self.starts_on, self.last_day), self.planned_weeks) is (
            CourseAlert.OVERDUE
        )


def course_length(
    *,
    course_id: str,
    site_id: str,
    offer_id: str,
    reference: str,
    starts_on: date,
    ends_on: date | None,
    planned_weeks: int,
    until: date,
) -> CourseLength:
    """The course's length to its end or to ``until``, whichever comes first."""
    last = min(until, ends_on) if ends_on is not None else until
    last = max(last, starts_on)
    return CourseLength(
        course_id, site_id, offer_id, reference, starts_on, ends_on, planned_weeks, last
    )
