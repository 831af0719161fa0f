"""Groups, their sessions, enrolments, §82b courses and appointments (reference data)."""

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

import models.catalogue  # noqa: F401  (site, offer: tables its foreign keys name)
import models.people  # noqa: F401  (citizen, staff)


class SessionStatus(StrEnum):
    """State of a group session; kiosks request changes, central decides."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class GroupBase(SQLModel):
    title: str = Field(max_length=120)
    code: str = Field(max_length=16)  # neutral code shown where the title must not be
    sensitive: bool = False  # the title reveals a diagnosis: health data
    starts_on: date
    ends_on: date | None = None
    active: bool = True


class Group(GroupBase, table=True):
    """A §82a group course at one site."""

    __tablename__ = "course_group"
    id: str = Field(primary_key=True, max_length=36)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=32)
    offer_id: str = Field(foreign_key="offer.id", max_length=40)
    leader_staff_id: str | None = Field(default=None, foreign_key="staff.id", max_length=36)
    reference: str | None = Field(default=None, max_length=40, unique=True)


class GroupSession(SQLModel, table=True):
    """One meeting of a group; ``status``/``closed`` are set by central from kiosk requests.

    ``state_hlc`` is the HLC of the request that last set the state (last writer wins).
    """

    __tablename__ = "group_session"
    id: str = Field(primary_key=True, max_length=36)
    group_id: str = Field(foreign_key="course_group.id", index=True, max_length=36)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=32)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    location: str = Field(default="", max_length=80)
    status: str = Field(default=SessionStatus.PLANNED, max_length=16)
    status_reason: str = Field(default="", max_length=200)
    closed: bool = False
    state_hlc: str = Field(default="", max_length=80)
    reference: str | None = Field(default=None, max_length=40, unique=True)


class Enrolment(SQLModel, table=True):
    """A citizen enrolled in a group."""

    __tablename__ = "enrolment"
    id: str = Field(primary_key=True, max_length=36)
    group_id: str = Field(foreign_key="course_group.id", index=True, max_length=36)
    citizen_id: str = Field(foreign_key="citizen.id", index=True, max_length=36)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=32)
    starts_on: date
    ends_on: date | None = None
    reference: str | None = Field(default=None, max_length=40, unique=True)


class Course(SQLModel, table=True):
    """An individual time-limited course (SEL §82b), usually up to 12 weeks."""

    __tablename__ = "course"
    id: str = Field(primary_key=True, max_length=36)
    citizen_id: str = Field(foreign_key="citizen.id", index=True, max_length=36)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=32)
    offer_id: str = Field(foreign_key="offer.id", max_length=40)
    counsellor_staff_id: str | None = Field(default=None, foreign_key="staff.id", max_length=36)
    starts_on: date
    planned_weeks: int = 12
    ends_on: date | None = None
    reference: str | None = Field(default=None, max_length=40, unique=True)


class Appointment(SQLModel, table=True):
    """A booked appointment for a citizen (often part of a §82b course)."""

    __tablename__ = "appointment"
    id: str = Field(primary_key=True, max_length=36)
    citizen_id: str = Field(foreign_key="citizen.id", index=True, max_length=36)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=32)
    offer_id: str = Field(foreign_key="offer.id", max_length=40)
    staff_id: str | None = Field(default=None, foreign_key="staff.id", max_length=36)
    course_id: str | None = Field(default=None, foreign_key="course.id", max_length=36)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    cancelled: bool = False
    reference: str | None = Field(default=None, max_length=40, unique=True)
