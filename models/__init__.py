"""SQLModel tables for the kiosk and the central server; nothing is created at import time.

A table module is imported when one of its names is first used (PEP 562), so a command pays
only for the tables it touches: the kiosk never loads the central server's own tables, and
``mestring --help`` loads none. Code that works on the whole schema (migrations, schema
checks) calls ``load_all()`` first. The tables and their groups are listed once, in
``models.registry``; the names below are only for type checkers (a test keeps them equal).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from models.registry import DATABASE_ROLES, GROUP_OF_ROLE, TABLES, Role

if TYPE_CHECKING:  # the registry's classes, spelled out for type checkers only
    from models.catalogue import Offer as Offer
    from models.catalogue import Site as Site
    from models.catalogue import SiteDevice as SiteDevice
    from models.catalogue import SiteOffer as SiteOffer
    from models.catalogue import Topic as Topic
    from models.central_state import ChangeFeed as ChangeFeed
    from models.central_state import Device as Device
    from models.central_state import EnrolmentCode as EnrolmentCode
    from models.central_state import FeedCounter as FeedCounter
    from models.central_state import Rejection as Rejection
    from models.central_state import ServerMeta as ServerMeta
    from models.central_state import SiteScope as SiteScope
    from models.console import ConsolePendingImport as ConsolePendingImport
    from models.console import ConsoleSession as ConsoleSession
    from models.console import ConsoleUser as ConsoleUser
    from models.events import AnonymousContact as AnonymousContact
    from models.events import AttendanceMark as AttendanceMark
    from models.events import AuditEntry as AuditEntry
    from models.events import CheckIn as CheckIn
    from models.events import QueueTicket as QueueTicket
    from models.events import QueueTicketEvent as QueueTicketEvent
    from models.events import SessionStateChange as SessionStateChange
    from models.feedback import FitPlan as FitPlan
    from models.feedback import FitPlanChange as FitPlanChange
    from models.feedback import FitRating as FitRating
    from models.feedback import Questionnaire as Questionnaire
    from models.feedback import QuestionnaireAnswer as QuestionnaireAnswer
    from models.feedback import QuestionnaireQuestion as QuestionnaireQuestion
    from models.feedback import QuestionnaireUse as QuestionnaireUse
    from models.kiosk_state import LocalRejection as LocalRejection
    from models.kiosk_state import LoginLockout as LoginLockout
    from models.kiosk_state import Outbox as Outbox
    from models.kiosk_state import SyncState as SyncState
    from models.people import Citizen as Citizen
    from models.people import Staff as Staff
    from models.people import StaffSiteRole as StaffSiteRole
    from models.schedule import Appointment as Appointment
    from models.schedule import Course as Course
    from models.schedule import Enrolment as Enrolment
    from models.schedule import Group as Group
    from models.schedule import GroupSession as GroupSession

    REFERENCE_TABLES: tuple[type, ...]
    EVENT_TABLES: tuple[type, ...]
    KIOSK_ONLY_TABLES: tuple[type, ...]
    CENTRAL_ONLY_TABLES: tuple[type, ...]
    KIOSK_TABLE_NAMES: set[str]
    CENTRAL_TABLE_NAMES: set[str]

#: Which module of this package defines each table class.
_HOMES: dict[str, str] = {name: module for name, module, _role in TABLES}

#: Names of the table groups; computed (and every table loaded) on first use.
_GROUPS = frozenset({*GROUP_OF_ROLE.values(), *DATABASE_ROLES})


def load_all() -> None:
    """Import every table module, so ``SQLModel.metadata`` holds the whole schema."""
    for module in sorted(set(_HOMES.values())):
        importlib.import_module(f"models.{module}")


def table_names(tables: tuple[type, ...]) -> set[str]:
    """Names of the SQL tables behind the given model classes."""
    return {str(t.__tablename__) for t in tables}  # type: ignore[attr-defined]


def _table_groups() -> dict[str, Any]:
    classes = {name: getattr(importlib.import_module(f"models.{m}"), name) for name, m, _ in TABLES}
    by_role: dict[Role, tuple[type, ...]] = {
        role: tuple(classes[name] for name, _m, r in TABLES if r == role) for role in GROUP_OF_ROLE
    }
    groups: dict[str, Any] = {GROUP_OF_ROLE[role]: by_role[role] for role in GROUP_OF_ROLE}
    for group, roles in DATABASE_ROLES.items():
        groups[group] = table_names(tuple(c for role in roles for c in by_role[role]))
    return groups


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


__all__ = sorted({*_GROUPS, *_HOMES})  # derived from the registry
