"""Demo data: deterministic from a seed and relative to a given day (tests, benchmarks, demo).

``build_demo(today)`` returns plain (unsaved) SQLModel rows; ``sync.demo_seed`` writes them
into a central database (through the change feed) or straight into a kiosk database.
"""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from argon2.low_level import Type, hash_secret
from sqlmodel import SQLModel

from models.catalogue import Offer, Site, SiteOffer, Topic
from models.demo_catalogue import (
    GROUPS,
    SITE_IDS,
    SITE_WEIGHTS,
    STAFF,
    offers,
    site_offers,
    sites,
    topics,
)
from models.demo_history import EventRow, add_history, uuid7_at
from models.demo_names import demo_names
from models.demo_visits import add_visits, course_appointments
from models.events import AnonymousContact, AttendanceMark, CheckIn, SessionStateChange
from models.people import Citizen, Role, Staff, StaffSiteRole
from models.schedule import (
    Appointment,
    Course,
    Enrolment,
    Group,
    GroupSession,
    SessionStatus,
)
from models.timeutil import LOCAL_TZ, local_datetime

__all__ = ["DemoData", "build_demo", "citizen_records", "demo_names", "staff_pins"]

_TOKEN_ALPHABET = string.digits + string.ascii_uppercase
#: Low-cost argon2 parameters: demo PINs only. Real PINs use PasswordHasher's defaults.
_DEMO_ARGON2 = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1, "hash_len": 32}


@dataclass
class DemoData:
    """All demo rows, in an order that satisfies foreign keys when inserted front to back."""

    today: date
    seed: int
    sites: list[Site] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    site_offers: list[SiteOffer] = field(default_factory=list)
    citizens: list[Citizen] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    staff_roles: list[StaffSiteRole] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    sessions: list[GroupSession] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    #: The site each citizen mostly uses (not stored; scope follows from their rows).
    home_site: dict[str, str] = field(default_factory=dict)
    #: The device id of each site's kiosk that made the history events.
    devices: dict[str, str] = field(default_factory=dict)
    #: History events as column values (``models.demo_history``), per event table.
    session_changes: list[EventRow] = field(default_factory=list)
    attendance_marks: list[EventRow] = field(default_factory=list)
    check_ins: list[EventRow] = field(default_factory=list)
    anonymous_contacts: list[EventRow] = field(default_factory=list)

    def tables(self) -> list[list[SQLModel]]:
        """Row lists in foreign-key order."""
        return [
            list(rows)
            for rows in (
                self.sites,
                self.offers,
                self.topics,
                self.site_offers,
                self.citizens,
                self.staff,
                self.staff_roles,
                self.groups,
                self.sessions,
                self.enrolments,
                self.courses,
                self.appointments,
            )
        ]

    def events(self) -> list[tuple[type[SQLModel], list[EventRow]]]:
        """The history's events per event model (no foreign keys: any order inserts)."""
        return [
            (SessionStateChange, self.session_changes),
            (AttendanceMark, self.attendance_marks),
            (CheckIn, self.check_ins),
            (AnonymousContact, self.anonymous_contacts),
        ]

    def staff_by_initials(self, initials: str) -> Staff:
        return next(s for s in self.staff if s.initials == initials)


class _Ids:
    """Deterministic UUIDv7-shaped ids: a fixed timestamp plus a counter, seeded randomness."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.ms = int(datetime.combine(today, time.min, tzinfo=LOCAL_TZ).timestamp() * 1000)

    def __call__(self) -> str:
        self.ms += 1
        rand = self.rng.getrandbits(74)
        value = (self.ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62)
        value |= rand & ((1 << 62) - 1)
        return str(uuid.UUID(int=value))


def staff_pins() -> dict[str, str]:
    """Demo PIN per staff initials (also listed in the README)."""
    return {spec.initials: spec.pin for spec in STAFF}


def _pin_hash(pin: str, rng: random.Random) -> str:
    salt = rng.getrandbits(128).to_bytes(16, "big")
    return hash_secret(pin.encode(), salt, type=Type.ID, **_DEMO_ARGON2).decode()


def _card_token(rng: random.Random, taken: set[str]) -> str:
    while True:
        token = "".join(rng.choices(_TOKEN_ALPHABET, k=10)) + rng.choice(string.ascii_uppercase)
        if token not in taken and not token[:10].isdigit():  # never ten digits in a row
            taken.add(token)
            return token


def _citizen_records(
    rng: random.Random, ids: _Ids, count: int, seed: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """Citizen column values (and each one's home site), drawn from ``rng`` in a fixed order."""
    names = demo_names(count, seed=seed)
    tokens: set[str] = set()
    homes = rng.choices(SITE_IDS, weights=SITE_WEIGHTS, k=count)
    records: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        birth_year = rng.randint(1942, 2007)
        if i % 40 == 39:  # a same-name pair: same name as an earlier citizen, other birth year
            earlier = records[rng.randrange(len(records))]
            name = earlier["display_name"]
            born = earlier["birth_year"]
            birth_year = rng.choice(
                [y for y in (born - 17, born - 9, born + 6, born + 13) if y <= 2007]
            )
        records.append(
            {
                "id": ids(),
                "display_name": name,
                "birth_year": birth_year,
                "reference": f"FS-{100000 + i * 7:07d}",
                "card_token": _card_token(rng, tokens),
                "provisional": False,
            }
        )
    return records, homes


def citizen_records(count: int, *, today: date, seed: int = 2026) -> list[dict[str, Any]]:
    """The first ``count`` demo citizens as plain column dicts, fast (no ORM objects).

    For benchmarks that need 100,000 citizens: insert them with
    ``session.execute(insert(Citizen), records)``. They equal ``build_demo(today, seed,
    citizens=count).citizens``.
    """
    rng = random.Random(seed)
    return _citizen_records(rng, _Ids(rng, today), count, seed)[0]


def _add_citizens(data: DemoData, rng: random.Random, ids: _Ids, count: int) -> None:
    records, homes = _citizen_records(rng, ids, count, data.seed)
    for record, home in zip(records, homes, strict=True):
        citizen = Citizen(**record)
        data.citizens.append(citizen)
        data.home_site[citizen.id] = home


def _add_staff(data: DemoData, rng: random.Random, ids: _Ids) -> None:
    for spec in STAFF:
        member = Staff(
            id=ids(),
            initials=spec.initials,
            display_name=spec.display_name,
            pin_hash=_pin_hash(spec.pin, rng),
        )
        data.staff.append(member)
        for site_id, role in spec.roles:
            data.staff_roles.append(StaffSiteRole(staff_id=member.id, site_id=site_id, role=role))


def _citizens_at(data: DemoData, site_id: str) -> list[Citizen]:
    """Citizens whose home is ``site_id`` (all citizens when a tiny data set has none)."""
    return [c for c in data.citizens if data.home_site[c.id] == site_id] or data.citizens


def _sample(rng: random.Random, pool: list[Citizen], k: int) -> list[Citizen]:
    return rng.sample(pool, min(k, len(pool)))


def _add_groups(data: DemoData, rng: random.Random, ids: _Ids) -> None:
    for spec in GROUPS:
        hour, minute = (int(part) for part in spec.start.split(":"))
        first = data.today + timedelta(days=spec.weekday_offset) - timedelta(weeks=spec.weeks_run)
        last = first + timedelta(weeks=11)
        group = Group(
            id=ids(),
            site_id=spec.site_id,
            offer_id="gruppeforloeb",
            leader_staff_id=data.staff_by_initials(spec.leader).id,
            title=spec.title,
            code=spec.code,
            sensitive=spec.sensitive,
            starts_on=first,
            ends_on=last,
            reference=f"GR-{spec.code}",
        )
        data.groups.append(group)
        for week in range(12):
            day = first + timedelta(weeks=week)
            starts = local_datetime(day, time(hour, minute))
            past = day < data.today
            data.sessions.append(
                GroupSession(
                    id=ids(),
                    group_id=group.id,
                    site_id=spec.site_id,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=spec.minutes),
                    location="Mødelokale 1" if week % 2 else "Store sal",
                    status=SessionStatus.HELD if past else SessionStatus.PLANNED,
                    closed=past,
                    reference=f"GS-{spec.code}-{week + 1:02d}",
                )
            )
        members = _sample(rng, _citizens_at(data, spec.site_id), rng.randint(8, 14))
        for citizen in members:
            data.enrolments.append(
                Enrolment(
                    id=ids(),
                    group_id=group.id,
                    citizen_id=citizen.id,
                    site_id=spec.site_id,
                    starts_on=first,
                    ends_on=last,
                )
            )


def _counsellors(data: DemoData, site_id: str) -> list[Staff]:
    ids = {
        r.staff_id for r in data.staff_roles if r.site_id == site_id and r.role == Role.COUNSELLOR
    }
    return [s for s in data.staff if s.id in ids]


def _add_courses(data: DemoData, rng: random.Random, ids: _Ids) -> None:
    """§82b courses at every site, started 0–14 weeks ago (some near or past 12 weeks)."""
    for site_id in SITE_IDS:
        counsellors = _counsellors(data, site_id)
        people = _sample(rng, _citizens_at(data, site_id), 30 if site_id == "ronde" else 14)
        for i, citizen in enumerate(people):
            weeks_ago = (1, 3, 5, 8, 10, 11, 12, 13, 14)[i % 9] if i < 9 else rng.randint(0, 12)
            started = data.today - timedelta(weeks=weeks_ago, days=rng.randint(0, 6))
            data.courses.append(
                Course(
                    id=ids(),
                    citizen_id=citizen.id,
                    site_id=site_id,
                    offer_id="forloeb-82b",
                    counsellor_staff_id=counsellors[i % len(counsellors)].id,
                    starts_on=started,
                    planned_weeks=12,
                    reference=f"FB-{site_id[:3].upper()}-{i + 1:03d}",
                )
            )


def _appointment(
    data: DemoData, ids: _Ids, citizen: Citizen, site: str, when: datetime, **extra: object
) -> None:
    data.appointments.append(
        Appointment(
            id=ids(),
            citizen_id=citizen.id,
            site_id=site,
            starts_at=when,
            ends_at=when + timedelta(minutes=45),
            **extra,  # type: ignore[arg-type]
        )
    )


def _add_appointments(data: DemoData, rng: random.Random, ids: _Ids) -> None:
    """Today's appointments at every site, plus one recent or upcoming one per citizen."""
    for site_id in SITE_IDS:
        counsellors = _counsellors(data, site_id)
        courses = [c for c in data.courses if c.site_id == site_id]
        slots = [time(8, 30), time(9, 15), time(10, 0), time(11, 0), time(12, 30), time(13, 15)]
        slots += [time(14, 0), time(14, 45), time(15, 30)]
        for i, slot in enumerate(slots[: rng.randint(6, 9)]):
            when = local_datetime(data.today, slot)
            course = courses[i] if i % 3 != 2 and i < len(courses) else None
            if course is not None:
                citizen = next(c for c in data.citizens if c.id == course.citizen_id)
                offer, staff_id = "forloeb-82b", course.counsellor_staff_id
            else:
                citizen = rng.choice(_citizens_at(data, site_id))
                offer = rng.choice(("beskaeftigelse", "borgerservice", "fritidsguide"))
                staff_id = counsellors[i % len(counsellors)].id
            course_id = course.id if course else None
            _appointment(
                data, ids, citizen, site_id, when, offer_id=offer, staff_id=staff_id,
                course_id=course_id, reference=f"AP-{site_id[:3].upper()}-T{i + 1:02d}",
            )  # fmt: skip
    counsellors_at = {site_id: _counsellors(data, site_id) for site_id in SITE_IDS}
    days = [d for d in range(-25, 21) if d]
    for n, citizen in enumerate(data.citizens):
        site_id = data.home_site[citizen.id]
        day = data.today + timedelta(days=rng.choice(days))
        when = local_datetime(day, time(rng.randint(9, 14), rng.choice((0, 15, 30, 45))))
        offer = rng.choice(("aaben-raadgivning", "beskaeftigelse", "borgerservice", "fritidsguide"))
        _appointment(
            data, ids, citizen, site_id, when, offer_id=offer,
            staff_id=rng.choice(counsellors_at[site_id]).id, reference=f"AP-{n + 1:06d}",
        )  # fmt: skip


def build_demo(
    today: date, seed: int = 2026, citizens: int = 2000, *, history: bool = True
) -> DemoData:
    """The whole demo data set for ``today`` (a Danish calendar day), same input → same rows.

    With ``history``, the weeks before today come with weekly §82b meetings, closed past
    sessions (a few cancelled) and their attendance marks (``models.demo_history``), and
    check-ins, walk-ins and anonymous contacts (``models.demo_visits``).
    """
    rng = random.Random(seed)
    ids = _Ids(rng, today)
    data = DemoData(today=today, seed=seed)
    data.sites, data.offers, data.topics = sites(), offers(), topics()
    data.site_offers = site_offers()
    _add_citizens(data, rng, ids, citizens)
    _add_staff(data, rng, ids)
    _add_groups(data, rng, ids)
    _add_courses(data, rng, ids)
    _add_appointments(data, rng, ids)
    if history:
        past = random.Random(f"history-{seed}")
        start_ms = int(datetime.combine(today, time.min, tzinfo=LOCAL_TZ).timestamp() * 1000)
        start_ms -= 100 * 86_400_000  # the kiosks were set up about 14 weeks ago
        data.devices = {site: uuid7_at(start_ms + i, past) for i, site in enumerate(SITE_IDS)}
        course_appointments(data, past, ids)
        add_visits(add_history(data, past))
    return data
