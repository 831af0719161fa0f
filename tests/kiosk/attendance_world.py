"""A small Hornslet world for attendance tests: a leader, a group with weekly sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine

from kiosk.services.staff import StaffMember
from models import (
    Appointment,
    Citizen,
    Course,
    Enrolment,
    Group,
    GroupSession,
    Offer,
    Site,
    Staff,
)
from models.db import write_session
from models.ids import new_id
from models.timeutil import local_datetime, local_today

LEADER = StaffMember("staff-leader", "GL", "Gitte Leder", frozenset({"group_leader"}))
DESK = StaffMember("staff-desk", "FD", "Frank Skranke", frozenset({"front_desk"}))
COUNSELLOR = StaffMember("staff-coach", "MV", "Mette Vejleder", frozenset({"counsellor"}))
ADMIN = StaffMember("staff-admin", "AD", "Anne Admin", frozenset({"admin"}))
NAMES = [
    "Østergaard, Ida", "Aagaard, Bo", "Andersen, Anne", "Ærø, Per", "Jensen, Kirsten",
    "Nielsen, Henrik", "Christensen, Lis", "Kristensen, Ole", "Møller, Sanne", "Holm, Jens",
]  # fmt: skip


@dataclass
class World:
    group_id: str
    today_session: str
    past_sessions: list[str]
    citizens: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


def seed_reference(engine: Engine) -> None:
    """Sites, offers and the test staff."""
    with write_session(engine) as s:
        s.add(Site(id="hornslet", name="Hornslet", place="Alpedalen"))
        s.add(Site(id="ronde", name="Rønde", place="Byens Hus", is_base=True))
        for offer_id, kind in (("gruppeforloeb", "group"), ("forloeb-82b", "appointment")):
            s.add(Offer(id=offer_id, name_da=offer_id, name_en=offer_id, kind=kind,
                        identity="identified"))  # fmt: skip
        for member in (LEADER, DESK, COUNSELLOR, ADMIN):
            s.add(Staff(id=member.id, initials=member.initials,
                        display_name=member.display_name, pin_hash="x"))  # fmt: skip


def seed_group(
    engine: Engine,
    now: datetime,
    *,
    participants: int = 5,
    past_weeks: int = 3,
    sensitive: bool = False,
    leader: str | None = LEADER.id,
    title: str = "Forstå din ADHD",
    code: str = "G-101",
) -> World:
    """A weekly group at Hornslet with ``past_weeks`` earlier sessions and one today."""
    today = local_today(now)
    with write_session(engine) as s:
        group = Group(id=new_id(), site_id="hornslet", offer_id="gruppeforloeb", title=title,
                      code=code, sensitive=sensitive, starts_on=today - timedelta(weeks=8),
                      leader_staff_id=leader)  # fmt: skip
        s.add(group)
        sessions = []
        for weeks_ago in range(past_weeks, -1, -1):
            day = today - timedelta(weeks=weeks_ago)
            gs = GroupSession(id=new_id(), group_id=group.id, site_id="hornslet",
                              starts_at=local_datetime(day, time(10, 0)),
                              ends_at=local_datetime(day, time(12, 0)))  # fmt: skip
            s.add(gs)
            sessions.append(gs.id)
        world = World(group.id, sessions[-1], sessions[:-1])
        for i in range(participants):
            name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}")
            citizen = Citizen(id=new_id(), display_name=name, birth_year=1960 + i)
            s.add(citizen)
            s.flush()
            s.add(Enrolment(id=new_id(), group_id=group.id, citizen_id=citizen.id,
                            site_id="hornslet", starts_on=today - timedelta(weeks=8)))  # fmt: skip
            world.citizens.append(citizen.id)
            world.names[citizen.id] = name
    return world


def seed_course(
    engine: Engine, *, starts_on: date, counsellor: str = COUNSELLOR.id, name: str = "Bo Berg"
) -> tuple[str, str]:
    """A §82b course; returns (course id, citizen id)."""
    with write_session(engine) as s:
        citizen = Citizen(id=new_id(), display_name=name, birth_year=1980)
        s.add(citizen)
        s.flush()
        course = Course(id=new_id(), citizen_id=citizen.id, site_id="hornslet",
                        offer_id="forloeb-82b", counsellor_staff_id=counsellor,
                        starts_on=starts_on)  # fmt: skip
        s.add(course)
    return course.id, citizen.id


def seed_appointment(
    engine: Engine, *, citizen_id: str, at: datetime, course_id: str | None = None,
    staff_id: str = COUNSELLOR.id, cancelled: bool = False,
) -> str:  # fmt: skip
    with write_session(engine) as s:
        appointment = Appointment(id=new_id(), citizen_id=citizen_id, site_id="hornslet",
                                  offer_id="forloeb-82b", staff_id=staff_id, course_id=course_id,
                                  starts_at=at, ends_at=at + timedelta(hours=1),
                                  cancelled=cancelled)  # fmt: skip
        s.add(appointment)
    return appointment.id


def seed_login(engine: Engine, member: StaffMember, pin: str, site_id: str = "hornslet") -> None:
    """Give ``member`` a real PIN and their roles at ``site_id`` so the login dialog works."""
    from argon2 import PasswordHasher

    from models import StaffSiteRole

    with write_session(engine) as s:
        staff = s.get(Staff, member.id)
        assert staff is not None
        staff.pin_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(pin)
        for role in member.roles:
            s.add(StaffSiteRole(staff_id=member.id, site_id=site_id, role=role))
