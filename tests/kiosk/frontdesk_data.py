"""A small Hornslet kiosk database for the front-desk tests: catalogue, staff, citizens, today."""

from __future__ import annotations

from datetime import date, time

from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from models import (
    Appointment,
    Citizen,
    Enrolment,
    Group,
    GroupSession,
    Offer,
    Site,
    SiteOffer,
    Staff,
    StaffSiteRole,
    Topic,
)
from models.db import write_session
from models.timeutil import local_datetime

#: Cheap argon2 parameters: test PINs only.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
TODAY = date(2026, 11, 24)

CITIZENS = {
    "c-soeren": ("Søren Pedersen", 1960, "SP1234AB"),
    "c-soren": ("Soren Petersen", 1985, None),
    "c-mette-k": ("Mette Kristensen", 1970, "MK7777CD"),
    "c-mette-c": ("Mette Christensen", 1990, None),
    "c-jens": ("Jens Nielsen", 1950, "JN0001EF"),
    "c-jens2": ("Jens Nielsen", 1982, None),
    "c-aase": ("Aase Møller", 1944, None),
    "c-bjoern": ("Bjørn Aagaard", 1971, None),
    "c-philip": ("Philip Thomsen", 1999, None),
}


def _catalogue() -> list[object]:
    offers = [
        Offer(id="aaben-raadgivning", name_da="Åben rådgivning", name_en="Open counselling",
              kind="walkin", identity="anonymous", sort_order=1),
        Offer(id="aabent-samvaer", name_da="Åbent samværstilbud", name_en="Open drop-in",
              kind="walkin", identity="anonymous", wants_checkout=True, sort_order=2),
        Offer(id="forloeb-82b", name_da="Individuelt mestringsforløb", name_en="Course",
              kind="appointment", identity="identified", sort_order=3),
        Offer(id="gruppeforloeb", name_da="Gruppeforløb", name_en="Group course",
              kind="group", identity="identified", sort_order=4),
        Offer(id="beskaeftigelse", name_da="Beskæftigelse", name_en="Employment",
              kind="either", identity="either", sort_order=5),
    ]  # fmt: skip
    topics = [
        Topic(id="oekonomi", name_da="økonomi", name_en="finances", sort_order=1),
        Topic(id="bolig", name_da="bolig", name_en="housing", sort_order=2),
        Topic(id="ensomhed", name_da="ensomhed", name_en="loneliness", sort_order=3),
    ]
    sites = [Site(id="hornslet", name="Hornslet"), Site(id="ronde", name="Rønde", is_base=True)]
    links = [SiteOffer(site_id="hornslet", offer_id=o.id) for o in offers]
    return [*sites, *offers, *topics, *links]


def _people() -> list[object]:
    staff = [
        Staff(id="s-mh", initials="MH", display_name="Mette Holm",
              pin_hash=FAST_HASHER.hash("2001")),
        Staff(id="s-jk", initials="JK", display_name="Jens Kjær",
              pin_hash=FAST_HASHER.hash("2002")),
    ]  # fmt: skip
    roles = [
        StaffSiteRole(staff_id="s-mh", site_id="hornslet", role="front_desk"),
        StaffSiteRole(staff_id="s-jk", site_id="ronde", role="group_leader"),
    ]
    citizens = [
        Citizen(id=cid, display_name=name, birth_year=year, card_token=card)
        for cid, (name, year, card) in CITIZENS.items()
    ]
    return [*staff, *roles, *citizens]


def _schedule() -> list[object]:
    group = Group(
        id="g-adhd",
        site_id="hornslet",
        offer_id="gruppeforloeb",
        title="Forstå din ADHD",
        code="G-H1",
        sensitive=True,
        starts_on=date(2026, 9, 1),
    )
    session = GroupSession(
        id="gs-today",
        group_id="g-adhd",
        site_id="hornslet",
        starts_at=local_datetime(TODAY, time(10, 0)),
        ends_at=local_datetime(TODAY, time(12, 0)),
    )
    enrolments = [
        Enrolment(
            id=f"e-{cid}",
            group_id="g-adhd",
            citizen_id=cid,
            site_id="hornslet",
            starts_on=date(2026, 9, 1),
        )
        for cid in ("c-soeren", "c-mette-k")
    ]
    appointment = Appointment(
        id="a-mette",
        citizen_id="c-mette-k",
        site_id="hornslet",
        offer_id="forloeb-82b",
        starts_at=local_datetime(TODAY, time(13, 0)),
        ends_at=local_datetime(TODAY, time(14, 0)),
    )
    return [group, session, *enrolments, appointment]  # fmt: skip


def seed_frontdesk(engine: Engine) -> None:
    """Fill a fresh Hornslet kiosk database with the rows above."""
    with write_session(engine) as session:
        for row in (*_catalogue(), *_people(), *_schedule()):
            session.add(row)
            session.flush()  # parents before children: no relationships tell the ORM
