"""Demo history: past group sessions held or cancelled and closed, with attendance marks.

Every event is one a site's (earlier) kiosk would have made: a UUIDv7 id from its time, the
site's history device, a packed HLC stamp and ``created_at``. All of it lies before today,
so today's sessions and appointments are untouched. Same data and seed → same history.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from models.events import CheckInAction, CheckInMethod, Mark, SessionRequest
from models.people import Role
from models.schedule import GroupSession, SessionStatus
from models.timeutil import LOCAL_TZ, local_datetime

if TYPE_CHECKING:
    from models.demo import DemoData

#: Reasons staff give when they cancel a session (shown on the roster and in reports).
CANCEL_REASONS = (
    "Gruppelederen er syg",
    "Lokalet er optaget af et arrangement",
    "Helligdag",
    "For få tilmeldte denne uge",
    "Personalets kursusdag",
)
#: Share of past sessions that were cancelled (at least two in every demo).
CANCELLED_SHARE = 0.07
#: How likely an ordinary participant comes (drawn per citizen) and a rare one.
USUAL_ATTENDANCE = (0.74, 0.92)
RARE_ATTENDANCE = (0.12, 0.3)


def hlc_stamp(ms: int, node: str, counter: int = 0) -> str:
    """A packed HLC stamp, laid out as ``sync.hlc.Stamp.pack`` does (models never import sync)."""
    return f"{ms:015d}-{counter:06d}-{node}"


def uuid7_at(ms: int, rng: random.Random) -> str:
    """A UUIDv7 for the millisecond ``ms`` with seeded random bits."""
    rand = rng.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62)
    return str(uuid.UUID(int=value | (rand & ((1 << 62) - 1))))


#: One event as its column values (events are many: plain dicts build ten times faster).
EventRow = dict[str, Any]


@dataclass
class _Recorder:
    """Stamps history events as each site's kiosk did: one device per site, its own clock."""

    rng: random.Random
    devices: dict[str, str]
    used_ms: dict[str, set[int]] = field(default_factory=dict)

    def stamp(self, site_id: str, at: datetime, columns: EventRow) -> EventRow:
        device = self.devices[site_id]
        used = self.used_ms.setdefault(device, set())
        ms = int(at.timestamp() * 1000)
        while ms in used:  # one event per millisecond per device: the HLC counter stays 0
            ms += 1
        used.add(ms)
        return {
            "id": uuid7_at(ms, self.rng),
            "site_id": site_id,
            "device_id": device,
            "hlc": hlc_stamp(ms, device),
            "created_at": datetime.fromtimestamp(ms / 1000, UTC),
            "received_at": None,
            **columns,
        }


def jitter(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(minutes=rng.randint(low, high), seconds=rng.randint(0, 59))


def _front_desk(data: DemoData) -> dict[str, list[str]]:
    desk: dict[str, list[str]] = {}
    for role in data.staff_roles:
        if role.role == Role.FRONT_DESK:
            desk.setdefault(role.site_id, []).append(role.staff_id)
    return desk


class HistoryBuilder:
    """Adds the history to ``data`` (events, plus the state of past sessions)."""

    def __init__(self, data: DemoData, rng: random.Random) -> None:
        self.data, self.rng = data, rng
        self.midnight = local_datetime(data.today, time.min)
        self.recorder = _Recorder(rng, data.devices)
        self.desk = _front_desk(data)

    def check_in(
        self,
        at: datetime,
        site_id: str,
        citizen_id: str,
        offer_id: str,
        *,
        session_id: str | None = None,
        appointment_id: str | None = None,
    ) -> None:
        draw = self.rng.random()
        method = CheckInMethod.CARD if draw < 0.45 else CheckInMethod.NAME
        staff = self.rng.choice(self.desk[site_id]) if site_id in self.desk else None
        if draw > 0.94:  # a card scanned on the locked kiosk
            method, staff = CheckInMethod.CARD_LOCKED, None
        columns = {
            "action": CheckInAction.CHECK_IN.value,
            "citizen_id": citizen_id,
            "offer_id": offer_id,
            "session_id": session_id,
            "appointment_id": appointment_id,
            "ref_id": None,
            "method": method.value,
            "staff_id": staff,
        }
        self.data.check_ins.append(self.recorder.stamp(site_id, at, columns))

    def state(
        self,
        gs: GroupSession,
        state: SessionRequest,
        at: datetime,
        staff: str | None,
        reason: str = "",
    ) -> str:
        columns = {"session_id": gs.id, "state": state.value, "reason": reason, "staff_id": staff}
        event = self.recorder.stamp(gs.site_id, at, columns)
        self.data.session_changes.append(event)
        return str(event["hlc"])

    def mark(
        self, gs: GroupSession, citizen_id: str, mark: Mark, at: datetime, staff: str | None
    ) -> None:
        columns = {
            "session_id": gs.id,
            "citizen_id": citizen_id,
            "mark": mark.value,
            "staff_id": staff,
        }
        self.data.attendance_marks.append(self.recorder.stamp(gs.site_id, at, columns))

    def cancelled(self, gs: GroupSession, leader: str | None) -> None:
        reason = self.rng.choice(CANCEL_REASONS)
        day = gs.starts_at - timedelta(days=self.rng.randint(1, 3))
        asked = local_datetime(day.astimezone(LOCAL_TZ).date(), time(9)) + jitter(self.rng, 0, 300)
        self.state(gs, SessionRequest.CANCELLED, asked, leader, reason)
        closed = self.state(gs, SessionRequest.CLOSED, gs.ends_at + jitter(self.rng, 5, 60), leader)
        gs.status, gs.status_reason, gs.closed, gs.state_hlc = (
            SessionStatus.CANCELLED, reason, True, closed
        )  # fmt: skip

    def held(
        self,
        gs: GroupSession,
        leader: str | None,
        propensity: dict[str, float],
        guests: Sequence[str],
    ) -> None:
        rng, start = self.rng, gs.starts_at
        self.state(gs, SessionRequest.HELD, start + jitter(rng, 1, 10), leader)
        for citizen_id, chance in propensity.items():
            self.participant(gs, citizen_id, chance, leader)
        if guests and rng.random() < 0.15:  # a member of another group here tries this one
            guest = rng.choice(guests)
            arrived = start - jitter(rng, 2, 12)
            self.check_in(arrived, gs.site_id, guest, "gruppeforloeb", session_id=gs.id)
            self.mark(gs, guest, Mark.PRESENT, start + jitter(rng, 5, 15), leader)
        closed = self.state(gs, SessionRequest.CLOSED, gs.ends_at + jitter(rng, 5, 90), leader)
        gs.status, gs.status_reason, gs.closed, gs.state_hlc = SessionStatus.HELD, "", True, closed

    def participant(
        self, gs: GroupSession, citizen_id: str, chance: float, leader: str | None
    ) -> None:
        rng, start = self.rng, gs.starts_at
        if rng.random() >= chance:
            if rng.random() < 0.55:  # afbud, phoned in that morning
                at = local_datetime(start.astimezone(LOCAL_TZ).date(), time(8, 5))
                self.mark(gs, citizen_id, Mark.EXCUSED, at + jitter(rng, 0, 40), leader)
            else:
                self.mark(gs, citizen_id, Mark.ABSENT, start + jitter(rng, 3, 15), leader)
            return
        draw = rng.random()
        mark, arrived = Mark.PRESENT, start - jitter(rng, 1, 14)
        if draw < 0.09:
            mark, arrived = Mark.LATE, start + jitter(rng, 15, 30)
            if rng.random() < 0.4:  # marked absent first, corrected when they arrived
                self.mark(gs, citizen_id, Mark.ABSENT, start + jitter(rng, 3, 12), leader)
        elif draw < 0.12:
            mark = Mark.LEFT_EARLY
        if rng.random() < 0.6:
            self.check_in(arrived, gs.site_id, citizen_id, "gruppeforloeb", session_id=gs.id)
        at = arrived + jitter(rng, 1, 5) if mark == Mark.LATE else start + jitter(rng, 2, 12)
        if mark == Mark.LEFT_EARLY:
            at = gs.ends_at - jitter(rng, 20, 40)
        self.mark(gs, citizen_id, mark, at, leader)


def _propensities(rng: random.Random, members: list[str]) -> dict[str, float]:
    chances = {c: rng.uniform(*USUAL_ATTENDANCE) for c in members}
    if members and rng.random() < 0.6:
        chances[rng.choice(members)] = rng.uniform(*RARE_ATTENDANCE)  # rarely comes
    return chances


def _group_history(builder: HistoryBuilder) -> None:
    data, rng = builder.data, builder.rng
    past = [s for s in data.sessions if s.starts_at < builder.midnight]
    cancelled = {
        s.id for s in rng.sample(past, min(len(past), max(2, round(len(past) * CANCELLED_SHARE))))
    }
    members: dict[str, list[str]] = {}
    for e in data.enrolments:
        members.setdefault(e.group_id, []).append(e.citizen_id)
    for group in data.groups:
        mine = members.get(group.id, [])
        chances = _propensities(rng, mine)
        here = {c for g in data.groups if g.site_id == group.site_id for c in members.get(g.id, [])}
        guests = sorted(here - set(mine))
        for gs in (s for s in past if s.group_id == group.id):
            if gs.id in cancelled:
                builder.cancelled(gs, group.leader_staff_id)
            else:
                builder.held(gs, group.leader_staff_id, chances, guests)


def add_history(data: DemoData, rng: random.Random) -> HistoryBuilder:
    """Close past group sessions (a few cancelled) and mark their attendance; returns the
    builder, which the desk's history (``models.demo_visits``) goes on with."""
    builder = HistoryBuilder(data, rng)
    _group_history(builder)
    return builder
