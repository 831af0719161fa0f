"""SQLModel tables for the kiosk and the central server; nothing is created at import time.

A table module is imported when one of its names is first used (PEP 562), so a command pays
only for the tables it touches: the kiosk never loads the central server's own tables, and
``mestring --help`` loads none. Code that works on the whole schema (migrations, schema
checks) calls ``load_all()`` first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.catalogue import Offer, Site, SiteDevice, SiteOffer, Topic
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

    REFERENCE_TABLES: tuple[type, ...]
    EVENT_TABLES: tuple[type, ...]
    KIOSK_ONLY_TABLES: tuple[type, ...]
    CENTRAL_ONLY_TABLES: tuple[type, ...]
    KIOSK_TABLE_NAMES: set[str]
    CENTRAL_TABLE_NAMES: set[str]

#: Which module of this package defines each table class.
_HOMES: dict[str, str] = {
    "Offer": "catalogue",
    "Site": "catalogue",
    "SiteOffer": "catalogue",
    "SiteDevice": "catalogue",
    "Topic": "catalogue",
    "ChangeFeed": "central_state",
    "Device": "central_state",
    "EnrolmentCode": "central_state",
    "FeedCounter": "central_state",
    "Rejection": "central_state",
    "ServerMeta": "central_state",
    "SiteScope": "central_state",
    "AnonymousContact": "events",
    "AttendanceMark": "events",
    "AuditEntry": "events",
    "CheckIn": "events",
    "QueueTicket": "events",
    "QueueTicketEvent": "events",
    "SessionStateChange": "events",
    "LocalRejection": "kiosk_state",
    "LoginLockout": "kiosk_state",
    "Outbox": "kiosk_state",
    "SyncState": "kiosk_state",
    "Citizen": "people",
    "Staff": "people",
    "StaffSiteRole": "people",
    "Appointment": "schedule",
    "Course": "schedule",
    "Enrolment": "schedule",
    "Group": "schedule",
    "GroupSession": "schedule",
}

#: Names of the table groups below; computed (and every table loaded) on first use.
_GROUPS = frozenset(
    {
        "REFERENCE_TABLES",
        "EVENT_TABLES",
        "KIOSK_ONLY_TABLES",
        "CENTRAL_ONLY_TABLES",
        "KIOSK_TABLE_NAMES",
        "CENTRAL_TABLE_NAMES",
    }
)


def load_all() -> None:
    """Import every table module, so ``SQLModel.metadata`` holds the whole schema."""
    for module in sorted(set(_HOMES.values())):
        importlib.import_module(f"models.{module}")


def table_names(tables: tuple[type, ...]) -> set[str]:
    """Names of the SQL tables behind the given model classes."""
    return {str(t.__tablename__) for t in tables}  # type: ignore[attr-defined]


def _table_groups() -> dict[str, Any]:
    from models.catalogue import Offer, Site, SiteDevice, SiteOffer, Topic
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
        SiteDevice,
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

    return {
        "REFERENCE_TABLES": REFERENCE_TABLES,
        "EVENT_TABLES": EVENT_TABLES,
        "KIOSK_ONLY_TABLES": KIOSK_ONLY_TABLES,
        "CENTRAL_ONLY_TABLES": CENTRAL_ONLY_TABLES,
        "KIOSK_TABLE_NAMES": table_names(REFERENCE_TABLES + EVENT_TABLES + KIOSK_ONLY_TABLES),
        "CENTRAL_TABLE_NAMES": table_names(REFERENCE_TABLES + EVENT_TABLES + CENTRAL_ONLY_TABLES),
    }


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is not None:
        value = getattr(importlib.import_module(f"models.{home}"), name)
        globals()[name] = value
        return value
    if name in _GROUPS:
        groups = _table_groups()
        globals().update(groups)
        return groups[name]
    raise AttributeError(f"module 'models' has no attribute {name!r}")


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
    "SiteDevice",
    "SiteOffer",
    "SiteScope",
    "Staff",
    "StaffSiteRole",
    "SyncState",
    "Topic",
]
