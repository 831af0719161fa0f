"""Demo history at the desk: weekly §82b meetings, check-ins for past appointments, walk-ins
and anonymous contacts, for the weeks before today (deterministic, like the rest)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from models.demo_catalogue import AKUT_SITES, SITE_IDS
from models.demo_history import HistoryBuilder, hlc_stamp, jitter, uuid7_at
from models.schedule import Appointment, Course
from models.timeutil import local_datetime

if TYPE_CHECKING:
    from models.demo import DemoData

APPOINTMENT_SHOW_RATE = 0.87
#: Walk-ins (identified) and anonymous contacts per opening day, by site.
WALK_INS = {"ronde": (1, 4), "hornslet": (0, 2), "ebeltoft": (0, 2), "kolind": (0, 2)}
ANONYMOUS = {"ronde": (2, 7), "hornslet": (1, 4), "ebeltoft": (1, 4), "kolind": (0, 3)}
WALK_IN_OFFERS = ("beskaeftigelse", "borgerservice")
TOPICS = ("oekonomi", "bolig", "job-uddannelse", "ensomhed", "psykisk-trivsel", "misbrug",
          "find-vej", "andet")  # fmt: skip
AGE_BANDS = (None, "u18", "18-29", "30-49", "50-66", "67+")
HISTORY_WEEKS = 12
HOUR_MS = 3_600_000


def _weekday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def course_appointments(data: DemoData, rng: random.Random, ids: Callable[[], str]) -> None:
    """Weekly §82b meetings from each course's start until yesterday (some cancelled)."""
    for course in data.courses:
        for week in range(60):
            day = _weekday(course.starts_on + timedelta(weeks=week, days=rng.randint(0, 1)))
            if day >= data.today:
                break
            starts = local_datetime(day, time(rng.randint(9, 14), rng.choice((0, 15, 30, 45))))
            data.appointments.append(_meeting(course, ids(), starts, week, rng.random() < 0.05))


def _meeting(course: Course, id_: str, starts: datetime, week: int, cancelled: bool) -> Appointment:
    return Appointment(
        id=id_,
        citizen_id=course.citizen_id,
        site_id=course.site_id,
        offer_id=course.offer_id,
        staff_id=course.counsellor_staff_id,
        course_id=course.id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        cancelled=cancelled,
        reference=f"AP-{(course.reference or course.id)[3:]}-U{week + 1:02d}",
    )


def _appointment_check_ins(builder: HistoryBuilder) -> None:
    rng = builder.rng
    for a in builder.data.appointments:
        if a.starts_at >= builder.midnight or a.cancelled or rng.random() >= APPOINTMENT_SHOW_RATE:
            continue
        at = a.starts_at - jitter(rng, 1, 12)
        builder.check_in(at, a.site_id, a.citizen_id, a.offer_id, appointment_id=a.id)


def _regulars(data: DemoData, site_id: str) -> list[str]:
    """Citizens a site's kiosk has held all along: visitors with a booking there today or
    later, or an older one-off visit (walk-ins keep central's scope as it is)."""
    return sorted(
        {
            a.citizen_id
            for a in data.appointments
            if a.site_id == site_id and a.course_id is None and a.starts_at >= _scope_floor(data)
        }
    )


def _scope_floor(data: DemoData) -> datetime:
    """Appointments this recent keep their citizen in scope today (sync.changes: 30 days)."""
    return local_datetime(data.today - timedelta(days=29), time.min)


def _opening_days(today: date) -> list[date]:
    first = today - timedelta(weeks=HISTORY_WEEKS)
    return [d for d in (first + timedelta(days=n) for n in range((today - first).days))
            if d.weekday() < 5]  # fmt: skip


def _walk_ins(builder: HistoryBuilder, day: date, site_id: str, pool: list[str]) -> None:
    rng = builder.rng
    for _ in range(rng.randint(*WALK_INS[site_id]) if pool else 0):
        at = local_datetime(day, time(rng.randint(9, 14))) + jitter(rng, 0, 59)
        builder.check_in(at, site_id, rng.choice(pool), rng.choice(WALK_IN_OFFERS))


def _anonymous(builder: HistoryBuilder, day: date, site_id: str) -> None:
    """Anonymous contacts, stamped as the kiosk does: id, time and HLC cut to the hour."""
    rng, device = builder.rng, builder.data.devices[site_id]
    offers = ["aaben-raadgivning", "aabent-samvaer", "borgerservice"]
    offers += ["akut"] if site_id in AKUT_SITES else []
    for _ in range(rng.randint(*ANONYMOUS[site_id])):
        hour = local_datetime(day, time(rng.randint(9, 15)))
        hour_ms = int(hour.timestamp() * 1000) // HOUR_MS * HOUR_MS
        topics = rng.sample(TOPICS, rng.choice((1, 1, 2)))
        builder.data.anonymous_contacts.append(
            {
                "id": uuid7_at(hour_ms, rng),
                "site_id": site_id,
                "device_id": device,
                "hlc": hlc_stamp(hour_ms, device),
                "created_at": datetime.fromtimestamp(hour_ms / 1000, UTC),
                "received_at": None,
                "offer_id": rng.choice(offers),
                "topics": ",".join(sorted(topics)),
                "age_band": rng.choice(AGE_BANDS),
                "contact_date": day,
            }
        )


def add_visits(builder: HistoryBuilder) -> None:
    """Check-ins for past appointments, then each opening day's walk-ins and anonymous
    contacts over the last twelve weeks."""
    _appointment_check_ins(builder)
    pools = {site: _regulars(builder.data, site) for site in SITE_IDS}
    for day in _opening_days(builder.data.today):
        for site_id in SITE_IDS:
            _walk_ins(builder, day, site_id, pools[site_id])
            _anonymous(builder, day, site_id)
