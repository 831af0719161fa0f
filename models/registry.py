"""The one list of tables: each class, the module defining it and its role in sync."""

from __future__ import annotations

from typing import Final, Literal

Role = Literal["reference", "event", "kiosk_only", "central_only"]

#: Every table class, in the order sync applies and snapshots them within each role
#: (reference rows before the rows whose foreign keys name them). ``models`` derives its
#: lazy names, its table groups and ``__all__`` from this; tests check the typing names.
TABLES: Final[tuple[tuple[str, str, Role], ...]] = (
    # Reference data: owned by central, replicated to the kiosks of the sites in scope.
    ("Site", "catalogue", "reference"),
    ("Offer", "catalogue", "reference"),
    ("Topic", "catalogue", "reference"),
    ("SiteOffer", "catalogue", "reference"),
    ("SiteDevice", "catalogue", "reference"),
    ("Citizen", "people", "reference"),
    ("Staff", "people", "reference"),
    ("StaffSiteRole", "people", "reference"),
    ("Group", "schedule", "reference"),
    ("GroupSession", "schedule", "reference"),
    ("Enrolment", "schedule", "reference"),
    ("Course", "schedule", "reference"),
    ("Appointment", "schedule", "reference"),
    ("Questionnaire", "feedback", "reference"),
    ("QuestionnaireQuestion", "feedback", "reference"),
    ("QuestionnaireUse", "feedback", "reference"),
    ("FitPlan", "feedback", "reference"),
    # Events: insert-only, created on kiosks, pushed to central.
    ("CheckIn", "events", "event"),
    ("AnonymousContact", "events", "event"),
    ("AttendanceMark", "events", "event"),
    ("QueueTicket", "events", "event"),
    ("QueueTicketEvent", "events", "event"),
    ("SessionStateChange", "events", "event"),
    ("QuestionnaireAnswer", "feedback", "event"),
    ("FitRating", "feedback", "event"),
    ("FitPlanChange", "feedback", "event"),
    ("AuditEntry", "events", "event"),
    # The kiosk's own bookkeeping.
    ("Outbox", "kiosk_state", "kiosk_only"),
    ("SyncState", "kiosk_state", "kiosk_only"),
    ("LocalRejection", "kiosk_state", "kiosk_only"),
    ("LoginLockout", "kiosk_state", "kiosk_only"),
    # The central server's own bookkeeping.
    ("Device", "central_state", "central_only"),
    ("EnrolmentCode", "central_state", "central_only"),
    ("ChangeFeed", "central_state", "central_only"),
    ("FeedCounter", "central_state", "central_only"),
    ("Rejection", "central_state", "central_only"),
    ("SiteScope", "central_state", "central_only"),
    ("ServerMeta", "central_state", "central_only"),
    ("ConsoleUser", "console", "central_only"),
    ("ConsoleSession", "console", "central_only"),
    ("ConsolePendingImport", "console", "central_only"),
)

#: The tuple of classes ``models`` exposes for each role.
GROUP_OF_ROLE: Final[dict[Role, str]] = {
    "reference": "REFERENCE_TABLES",
    "event": "EVENT_TABLES",
    "kiosk_only": "KIOSK_ONLY_TABLES",
    "central_only": "CENTRAL_ONLY_TABLES",
}

#: Which roles each database holds.
DATABASE_ROLES: Final[dict[str, tuple[Role, ...]]] = {
    "KIOSK_TABLE_NAMES": ("reference", "event", "kiosk_only"),
    "CENTRAL_TABLE_NAMES": ("reference", "event", "central_only"),
}
