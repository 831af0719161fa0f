"""Two desks at Hornslet that were apart: the same visits checked in on both (hand-computed).

This kiosk is "Skranke 1" (``HERE``); "Skranke 2" (``THERE``) checked in on its own, and its
rows arrived by a pull. Danish times, 24.11.2026 (the frozen day; now is 09:30):

| citizen        | what                          | Skranke 1 | Skranke 2            | visits |
|----------------|-------------------------------|-----------|----------------------|--------|
| Søren Pedersen | group session gs-today 10:00  | 09:00     | 09:02                | 1      |
| Mette K.       | appointment a-mette 13:00     | 09:07     | 09:05                | 1      |
| Jens N. (1950) | Åben rådgivning               | 09:10     | 09:12                | 1      |
| Aase Møller    | Åben rådgivning               | –         | 09:15                | 1      |
| Bjørn Aagaard  | Åben rådgivning               | 09:16     | 09:18, undone 09:19  | 1      |
| Jens N. (1950) | Åben rådgivning, 23.11 10:00  | –         | yes                  | 1      |

Six visits by five citizens; three of them checked in twice (Søren, Mette, Jens today).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from models import CheckIn, Citizen, SiteDevice, Staff
from models.db import write_session
from models.timeutil import local_datetime
from sync.hlc import Stamp
from tests.conftest import KIOSK_DEVICE
from tests.kiosk.attendance_world import LEADER
from tests.kiosk.frontdesk_data import CITIZENS, TODAY, seed_frontdesk
from tests.kiosk.frontdesk_data import _schedule as frontdesk_schedule

HERE = KIOSK_DEVICE
THERE = "0193f3a0-0000-7000-8000-00000000b002"
YESTERDAY = TODAY - timedelta(days=1)


def at(hour: int, minute: int, day: date = TODAY) -> datetime:
    return local_datetime(day, time(hour, minute))


def _check_in(id_: str, device: str, when: datetime, citizen: str, offer: str,
              **fields: str) -> CheckIn:  # fmt: skip
    return CheckIn(
        id=id_, action=fields.pop("action", "check_in"), citizen_id=citizen, offer_id=offer,
        site_id="hornslet", device_id=device, created_at=when, received_at=when,
        hlc=Stamp(int(when.timestamp() * 1000), 0, device).pack(), **fields,
    )  # fmt: skip


def devices() -> list[SiteDevice]:
    return [
        SiteDevice(id=HERE, site_id="hornslet", name="Skranke 1", queue_prefix="A"),
        SiteDevice(id=THERE, site_id="hornslet", name="Skranke 2", queue_prefix="B"),
    ]


def check_ins() -> list[CheckIn]:
    walk_in = "aaben-raadgivning"
    return [
        _check_in("h-soeren", HERE, at(9, 0), "c-soeren", "gruppeforloeb", session_id="gs-today"),
        _check_in("t-soeren", THERE, at(9, 2), "c-soeren", "gruppeforloeb", session_id="gs-today"),
        _check_in("t-mette", THERE, at(9, 5), "c-mette-k", "forloeb-82b", appointment_id="a-mette"),
        _check_in("h-mette", HERE, at(9, 7), "c-mette-k", "forloeb-82b", appointment_id="a-mette"),
        _check_in("h-jens", HERE, at(9, 10), "c-jens", walk_in),
        _check_in("t-jens", THERE, at(9, 12), "c-jens", walk_in),
        _check_in("t-aase", THERE, at(9, 15), "c-aase", walk_in),
        _check_in("h-bjoern", HERE, at(9, 16), "c-bjoern", walk_in),
        _check_in("t-bjoern", THERE, at(9, 18), "c-bjoern", walk_in),
        _check_in("t-bjoern-undo", THERE, at(9, 19), "c-bjoern", walk_in, action="retraction",
                  ref_id="t-bjoern"),
        _check_in("t-jens-before", THERE, at(10, 0, YESTERDAY), "c-jens", walk_in),
    ]  # fmt: skip


def add(engine: Engine, rows: list[SQLModel]) -> None:
    with write_session(engine) as session:
        for row in rows:
            session.add(row)
            session.flush()


def seed_two_desks(engine: Engine) -> None:
    """The front-desk kiosk (``seed_frontdesk``), its sibling desk, a group leader and the
    check-ins above."""
    seed_frontdesk(engine)
    leader = Staff(id=LEADER.id, initials=LEADER.initials, display_name=LEADER.display_name,
                   pin_hash="x")  # fmt: skip
    add(engine, [leader, *devices(), *check_ins()])


def central_rows() -> list[SQLModel]:
    """What central holds after both desks pushed: the citizens, today's group session and
    appointment, and both desks' check-ins (central's catalogue has the sites and offers)."""
    citizens = [Citizen(id=cid, display_name=name, birth_year=year)
                for cid, (name, year, _card) in CITIZENS.items()]  # fmt: skip
    return [*citizens, *frontdesk_schedule(), *check_ins()]
