"""Insert-only events made on kiosks. Corrections are new events, never updates or deletes.

Every event carries a UUIDv7 id, the site and device that made it, and a Hybrid Logical
Clock stamp (``hlc``, the packed form from ``sync.hlc``) that orders it. Events refer to
reference rows by id without foreign keys: an event is a fact about the past and must
survive a citizen leaving a kiosk's scope or being merged.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class CheckInAction(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    RETRACTION = "retraction"  # undoes the check-in named by ``ref_id``


class CheckInMethod(StrEnum):
    NAME = "name"  # searched and picked by staff
    CARD = "card"  # card scan while logged in
    CARD_LOCKED = "card_locked"  # card scan on a locked kiosk


class Outcome(StrEnum):
    """What a participant's session comes to in the figures (``docs/figures.md``)."""

    ATTENDED = "attended"  # mødt: present, late or left early
    EXCUSED = "excused"  # afbud: sent word in advance
    NO_SHOW = "no_show"  # udeblevet: absent without notice (or unmarked once closed)
    UNMARKED = "unmarked"  # ikke registreret: nobody has said yet


class Mark(StrEnum):
    """A leader's attendance mark for one participant of one session."""

    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"  # afbud
    LATE = "late"
    LEFT_EARLY = "left_early"

    @property
    def outcome(self) -> Outcome:
        """Attended for present/late/left early, excused for afbud, no-show for absent."""
        if self is Mark.EXCUSED:
            return Outcome.EXCUSED
        if self is Mark.ABSENT:
            return Outcome.NO_SHOW
        return Outcome.ATTENDED

    @property
    def attended(self) -> bool:
        return self.outcome is Outcome.ATTENDED


#: Marks that count as having attended the session.
ATTENDED_MARKS = frozenset(m for m in Mark if m.attended)


class QueueAction(StrEnum):
    CALLED = "called"
    SERVED = "served"
    LEFT = "left"  # left without being served


class TicketStatus(StrEnum):
    """Where a queue ticket stands: its latest ``QueueAction``, or waiting before any."""

    WAITING = "waiting"
    CALLED = "called"
    SERVED = "served"
    LEFT = "left"

    @property
    def done(self) -> bool:
        return self in (TicketStatus.SERVED, TicketStatus.LEFT)


class VisitKind(StrEnum):
    """The kinds of contact the visit figures count."""

    CHECK_IN = "check_in"  # an identified citizen checked in (not retracted)
    ANONYMOUS = "anonymous"  # an anonymous contact: no identity at all


class SessionRequest(StrEnum):
    HELD = "held"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    REOPENED = "reopened"


class EventBase(SQLModel):
    """Columns every event has."""

    id: str = Field(primary_key=True, max_length=36)
    # site, device, stamp and time are filled in by ``sync.outbox.record`` on the kiosk.
    site_id: str = Field(default="", index=True, max_length=32)
    device_id: str = Field(default="", max_length=36)
    hlc: str = Field(default="", max_length=80)
    # The device's raw wall clock, kept even when central clamps the HLC.
    created_at: datetime = Field(default=None, nullable=False)
    received_at: datetime | None = None  # set by central when the event arrives


class CheckIn(EventBase, table=True):
    """A check-in, a check-out (``ref_id`` = the check-in) or a retraction of a check-in."""

    __tablename__ = "check_in"
    __table_args__ = (Index("ix_check_in_site_created", "site_id", "created_at"),)
    action: str = Field(max_length=16)  # CheckInAction
    citizen_id: str = Field(index=True, max_length=36)
    offer_id: str = Field(max_length=40)
    session_id: str | None = Field(default=None, index=True, max_length=36)
    appointment_id: str | None = Field(default=None, index=True, max_length=36)
    ref_id: str | None = Field(default=None, index=True, max_length=36)
    method: str = Field(default="name", max_length=16)  # CheckInMethod
    staff_id: str | None = Field(default=None, max_length=36)


class AnonymousContact(EventBase, table=True):
    """An anonymous contact: offer, topics and an optional age band. No identity at all.

    Neither staff nor a precise time is stored: ``hlc``, ``created_at`` and the id are
    coarsened to the hour so the record cannot be tied to a person seen at the desk.
    """

    __tablename__ = "anonymous_contact"
    offer_id: str = Field(max_length=40)
    topics: str = Field(default="", max_length=400)  # comma-separated topic ids
    age_band: str | None = Field(default=None, max_length=16)
    contact_date: date = Field(index=True)


class AttendanceMark(EventBase, table=True):
    """A mark for (session, citizen); the current mark is the one with the latest HLC."""

    __tablename__ = "attendance_mark"
    # The current mark of (session, citizen) is the one with the greatest HLC.
    __table_args__ = (Index("ix_attendance_mark_current", "session_id", "citizen_id", "hlc"),)
    session_id: str = Field(index=True, max_length=36)
    citizen_id: str = Field(index=True, max_length=36)
    mark: str = Field(max_length=16)  # Mark
    staff_id: str | None = Field(default=None, max_length=36)


class QueueTicket(EventBase, table=True):
    """A walk-in queue ticket; its progress is recorded as ``QueueTicketEvent`` rows."""

    __tablename__ = "queue_ticket"
    queue_date: date = Field(index=True)
    number: int
    offer_id: str = Field(max_length=40)
    name: str | None = Field(default=None, max_length=80)  # optional; never on the public view
    staff_id: str | None = Field(default=None, max_length=36)


class QueueTicketEvent(EventBase, table=True):
    """A ticket called, served, or left without being served."""

    __tablename__ = "queue_ticket_event"
    ticket_id: str = Field(index=True, max_length=36)
    action: str = Field(max_length=16)  # QueueAction
    staff_id: str | None = Field(default=None, max_length=36)


class SessionStateChange(EventBase, table=True):
    """A kiosk's request to set a group session held, cancelled, closed or reopened."""

    __tablename__ = "session_state_change"
    session_id: str = Field(index=True, max_length=36)
    state: str = Field(max_length=16)  # SessionRequest
    reason: str = Field(default="", max_length=200)
    staff_id: str | None = Field(default=None, max_length=36)


class AuditEntry(EventBase, table=True):
    """Who did what to whom: every read, search (per citizen shown), change, export and delete."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_created", "created_at"),)
    staff_id: str | None = Field(default=None, index=True, max_length=36)
    citizen_id: str | None = Field(default=None, index=True, max_length=36)
    action: str = Field(max_length=32)
    detail: str = Field(default="", max_length=400)
