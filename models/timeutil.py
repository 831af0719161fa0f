"""Time: every stored datetime is timezone-aware UTC; people see Europe/Copenhagen."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")

#: A clock is any callable returning an aware datetime; injected so tests can freeze time.
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def frozen_clock(at: datetime) -> Clock:
    """A clock that always answers ``at`` (which must be aware)."""
    if at.utcoffset() is None:
        raise ValueError("frozen_clock needs an aware datetime")
    return lambda: at


def local_today(now: datetime) -> date:
    """The date in Denmark at the instant ``now``."""
    return now.astimezone(LOCAL_TZ).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which the Danish calendar day ``day`` starts and ends."""
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_datetime(day: date, at: time) -> datetime:
    """The aware UTC instant of wall-clock time ``at`` on Danish day ``day``."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ).astimezone(UTC)
