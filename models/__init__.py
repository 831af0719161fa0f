"""SQLModel tables for the kiosk and the central server; nothing is created at import time."""

from models.catalogue import Offer, Site, SiteOffer, Topic
from models.central_state import (
    ChangeFeed,
    Device,
    EnrolmentCode,
    FeedCounter,
    Rejection,
    ServerMeta,
    SiteScope,
)
from models.events import (
    AnonymousContact,
    AttendanceMark,
    AuditEntry,
    CheckIn,
    QueueTicket,
    QueueTicketEvent,
    SessionStateChange,
)
from models.kiosk_state import LocalRejection, LoginLockout, Outbox, SyncState
from models.people import Citizen, Staff, StaffSiteRole
from models.schedule import Appointment, Course, Enrolment, Group, GroupSession

#: Reference data: owned by central, replicated to the kiosks of the sites in scope.
REFERENCE_TABLES: tuple[type, ...] = (
    Site,
    Offer,
    Topic,
    SiteOffer,
    Citizen,
    Staff,
    StaffSiteRole,
    Group,
    GroupSession,
    Enrolment,
    Course,
    Appointment,
)
#: Events: insert-only, created on kiosks, pushed to central.
EVENT_TABLES: tuple[type, ...] = (
    CheckIn,
    AnonymousContact,
    AttendanceMark,
    QueueTicket,
    QueueTicketEvent,
    SessionStateChange,
    AuditEntry,
)
KIOSK_ONLY_TABLES: tuple[type, ...] = (Outbox, SyncState, LocalRejection, LoginLockout)
CENTRAL_ONLY_TABLES: tuple[type, ...] = (
    Device,
    EnrolmentCode,
    ChangeFeed,
    FeedCounter,
    Rejection,
    SiteScope,
    ServerMeta,
)


def table_names(tables: tuple[type, ...]) -> set[str]:
    """Names of the SQL tables behind the given model classes."""
    return {str(t.__tablename__) for t in tables}  # type: ignore[attr-defined]


KIOSK_TABLE_NAMES = table_names(REFERENCE_TABLES + EVENT_TABLES + KIOSK_ONLY_TABLES)
CENTRAL_TABLE_NAMES = table_names(REFERENCE_TABLES + EVENT_TABLES + CENTRAL_ONLY_TABLES)

__all__ = [
    "CENTRAL_ONLY_TABLES",
    "CENTRAL_TABLE_NAMES",
    "EVENT_TABLES",
    "KIOSK_ONLY_TABLES",
    "KIOSK_TABLE_NAMES",
    "REFERENCE_TABLES",
    "AnonymousContact",
    "Appointment",
    "AttendanceMark",
    "AuditEntry",
    "ChangeFeed",
    "CheckIn",
    "Citizen",
    "Course",
    "Device",
    "Enrolment",
    "EnrolmentCode",
    "FeedCounter",
    "Group",
    "GroupSession",
    "LocalRejection",
    "LoginLockout",
    "Offer",
    "Outbox",
    "QueueTicket",
    "QueueTicketEvent",
    "Rejection",
    "ServerMeta",
    "SessionStateChange",
    "Site",
    "SiteOffer",
    "SiteScope",
    "Staff",
    "StaffSiteRole",
    "SyncState",
    "Topic",
]
