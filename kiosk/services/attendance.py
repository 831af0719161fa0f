"""Group attendance, read side: today's sessions at this site and a session's roster."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kiosk.services.audit import audit
from kiosk.services.duplicates import AlsoAt, session_visits
from kiosk.services.privacy import display_title, may_see_members
from kiosk.services.refusals import Refused
from kiosk.services.staff import StaffMember
from models import Citizen, Group, GroupSession
from models.db import read_session, write_session
from models.events import Mark
from models.figures.facts import load_session_facts, mark_facts, session_check_ins
from models.figures.marks import CurrentMarks, current_marks
from models.figures.rules import (
    SessionCounting,
    SessionFigures,
    participant_so_far,
    session_figures,
)
from models.people import Role
from models.schedule import SessionStatus
from models.text import danish_sort_key
from models.timeutil import LOCAL_TZ, local_day_bounds, local_today
from sync.outbox import load_state

#: Roles that may take attendance and add guests (admins hold every role).
ATTENDANCE_ROLES = (Role.GROUP_LEADER, Role.FRONT_DESK, Role.COUNSELLOR)

_MESSAGES = {
    "session_unknown": "No such group session on this kiosk.",
    "session_cancelled": "The session is cancelled; marks cannot be changed.",
    "session_closed": "The session is closed; a group leader must reopen it first.",
    "not_on_roster": "The citizen is not on this session's roster; add them as a guest.",
    "mark_unknown": "Unknown mark.",
    "role_required": "Your role at this site does not allow this.",
    "reason_required": "A reason is required.",
    "reason_too_long": "The reason is too long (at most 200 characters).",
    "not_closed": "The session is not closed.",
    "already_closed": "The session is already closed.",
    "attended_marks_exist": "Participants are marked as attending; a held session cannot be "
    "cancelled.",
    "name_required": "The guest needs a name.",
    "name_too_long": "The name is too long (at most 120 characters).",
    "birth_year_invalid": "The birth year must be a year between 1900 and this year.",
    "cpr_like": "That looks like a CPR number, and CPR numbers are never stored here.",
    "pin_like": "That looks like initials and a PIN; a PIN goes only into the login field.",
    "control_char": "The text holds a control character.",
    "need_to_know": "A group's participants are shown only to its leaders, the site's "
    "counsellors and admins.",
}


class AttendanceRefused(Refused):
    """An attendance action was refused; nothing was changed.

    ``reason`` is a stable key (screens translate ``attendance.refused.<reason>``).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(_MESSAGES.get(reason, reason))
        self.reason = reason


def require_role(staff: StaffMember, roles: Iterable[Role]) -> None:
    """Raise ``AttendanceRefused`` unless ``staff`` holds one of ``roles`` (or is admin)."""
    if not any(staff.has(role) for role in roles):
        raise AttendanceRefused("role_required")


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One group session as the sessions list shows it; figures by ``models.figures.rules``."""

    id: str
    group_id: str
    title: str
    code: str
    sensitive: bool
    starts_at: datetime
    ends_at: datetime
    location: str
    status: str
    status_reason: str
    closed: bool
    own: bool  # the logged-in member leads this group
    enrolled: int
    marked: int  # participants with a mark (a desk check-in counts as present)
    attended: int = 0  # participants who attended, guests included ("Mødt")
    participants: int = 0  # enrolled citizens and guests

    def shown_title(self, *, private: bool) -> str:
        return display_title(self, private=private)

    @property
    def markable(self) -> bool:
        return not self.closed and self.status != SessionStatus.CANCELLED


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """A participant of a session: enrolled citizen or guest, with their current mark."""

    citizen_id: str
    display_name: str
    birth_year: int | None
    guest: bool  # not enrolled in the group (added at the kiosk or marked by another device)
    provisional: bool
    mark: str | None  # the mark that counts: the leader's, else "present" for a desk check-in
    checked_in: bool  # checked in at the desk for this session
    attended_before: int  # attended sessions of the group so far, this session excluded
    counted_before: int  # sessions that count so far, this session excluded
    counts_this_session: bool  # this session is in the figures (held or anything recorded)
    explicit: bool = True  # ``mark`` is the leader's own (not just the desk's check-in)
    #: Other devices that checked the citizen in for this session too (desks while apart).
    also: tuple[AlsoAt, ...] = ()

    @property
    def attended(self) -> int:
        here = self.counts_this_session and self.mark is not None and Mark(self.mark).attended
        return self.attended_before + int(here)

    @property
    def counted(self) -> int:
        return self.counted_before + int(self.counts_this_session)

    @property
    def arrived_at_desk(self) -> bool:
        """Checked in at the desk and not (yet) marked otherwise by the leader."""
        return self.checked_in and not self.explicit


@dataclass(frozen=True, slots=True)
class Roster:
    session: SessionSummary
    entries: tuple[RosterEntry, ...]


def session_counts(status: str, closed: bool, entries: Iterable[RosterEntry]) -> bool:
    """Whether a session in this state, with these entries, is in the figures (the rule of
    ``SessionFacts.counting`` for a session being taken now)."""
    if status == SessionStatus.CANCELLED:
        return False
    return status == SessionStatus.HELD or closed or any(e.mark for e in entries)


def after_mark(
    entries: Mapping[str, RosterEntry], citizen_id: str, mark: Mark | str
) -> dict[str, RosterEntry]:
    """The roster's entries once ``citizen_id`` has the leader's ``mark``: the session now
    counts for every participant (a marked session is a held one)."""
    updated = {
        key: entry if entry.counts_this_session else replace(entry, counts_this_session=True)
        for key, entry in entries.items()
    }
    if citizen_id in updated:
        updated[citizen_id] = replace(updated[citizen_id], mark=Mark(mark).value, explicit=True)
    return updated


def session_day(gs: GroupSession) -> date:
    return gs.starts_at.astimezone(LOCAL_TZ).date()


def site_of_kiosk(session: Session) -> str:
    return load_state(session).site_id


def todays_sessions(
    engine: Engine, *, now: datetime, staff: StaffMember | None = None
) -> list[SessionSummary]:
    """Today's group sessions at this kiosk's site; the member's own groups first."""
    start, end = local_day_bounds(local_today(now))
    with read_session(engine) as session:
        site_id = site_of_kiosk(session)
        rows = session.exec(
            select(GroupSession, Group)
            .join(Group, col(Group.id) == col(GroupSession.group_id))
            .where(GroupSession.site_id == site_id)
            .where(GroupSession.starts_at >= start, GroupSession.starts_at < end)
        ).all()
        facts = load_session_facts(session, [gs for gs, _ in rows])
    summaries = [
        summarise(gs, g, staff=staff, figures=session_figures(f, now))
        for (gs, g), f in zip(rows, facts, strict=True)
    ]
    return sorted(summaries, key=lambda s: (not s.own, s.starts_at, danish_sort_key(s.title)))


def summarise(
    gs: GroupSession, group: Group, *, staff: StaffMember | None, figures: SessionFigures
) -> SessionSummary:
    return SessionSummary(
        id=gs.id,
        group_id=group.id,
        title=group.title,
        code=group.code,
        sensitive=group.sensitive,
        starts_at=gs.starts_at,
        ends_at=gs.ends_at,
        location=gs.location,
        status=gs.status,
        status_reason=gs.status_reason,
        closed=gs.closed,
        own=staff is not None and group.leader_staff_id == staff.id,
        enrolled=figures.enrolled,
        marked=figures.marked,
        attended=figures.attended,
        participants=figures.participants,
    )


def load_marks(session: Session, session_ids: Iterable[str]) -> CurrentMarks:
    """The current marks (latest HLC) of the given sessions."""
    return current_marks(mark_facts(session, list(session_ids)))


def checked_in_citizens(session: Session, session_id: str) -> set[str]:
    """Citizens with a check-in to ``session_id`` that has not been retracted."""
    return session_check_ins(session, [session_id]).get(session_id, set())


def open_roster(engine: Engine, *, session_id: str, staff: StaffMember, now: datetime) -> Roster:
    """The roster of a session, Danish-sorted; the read is audited per citizen shown."""
    require_role(staff, ATTENDANCE_ROLES)
    with write_session(engine) as session:
        gs = session.get(GroupSession, session_id)
        if gs is None:
            raise AttendanceRefused("session_unknown")
        group = session.get(Group, gs.group_id)
        assert group is not None  # foreign key
        roster = build_roster(session, gs, group, staff=staff, now=now)
        for entry in roster.entries:
            audit(
                session,
                action="roster_view",
                staff_id=staff.id,
                citizen_id=entry.citizen_id,
                detail=f"session={gs.id}",
                now=now,
            )
    return roster


def build_roster(
    session: Session, gs: GroupSession, group: Group, *, staff: StaffMember, now: datetime
) -> Roster:
    """The roster of ``gs``: every participant with the mark that counts and their figures so
    far, by the shared rules (``models.figures.rules``)."""
    if not may_see_members(staff, leader_staff_id=group.leader_staff_id):
        raise AttendanceRefused("need_to_know")
    group_sessions = session.exec(
        select(GroupSession).where(GroupSession.group_id == group.id)
    ).all()
    facts = {f.id: f for f in load_session_facts(session, group_sessions)}
    here = facts[gs.id]
    others = [f for f in facts.values() if f.id != gs.id]
    counts_here = here.counting(now) is SessionCounting.COUNTED
    desk = session_visits(session, gs.id, device_id=load_state(session).device_id)
    entries = []
    for citizen in _citizens(session, set(here.participants())):
        attended, total = participant_so_far(citizen.id, others, now)
        mark = here.mark_of(citizen.id)
        entries.append(
            RosterEntry(
                citizen_id=citizen.id,
                display_name=citizen.display_name,
                birth_year=citizen.birth_year,
                guest=citizen.id not in here.enrolled,
                provisional=citizen.provisional,
                mark=mark.value if mark else None,
                checked_in=citizen.id in here.checked_in,
                attended_before=attended,
                counted_before=total,
                counts_this_session=counts_here,
                explicit=citizen.id in here.marks,
                also=desk[citizen.id][1] if citizen.id in desk else (),
            )
        )
    entries.sort(key=lambda e: (danish_sort_key(e.display_name), e.birth_year or 0))
    summary = summarise(gs, group, staff=staff, figures=session_figures(here, now))
    return Roster(session=summary, entries=tuple(entries))


def _citizens(session: Session, ids: set[str]) -> list[Citizen]:
    if not ids:
        return []
    return list(session.exec(select(Citizen).where(col(Citizen.id).in_(ids))).all())
