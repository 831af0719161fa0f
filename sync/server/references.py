"""The reference checks of the push rules: does each row a mutation names belong to the
device's site, or to its scope? Resolved in one query per reference class for a whole batch.

Every refusal reads the same whether the row exists at another site or nowhere, so a
device learns nothing about rows it may not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from models import (
    Appointment,
    CheckIn,
    Citizen,
    GroupSession,
    Offer,
    QueueTicket,
    SiteScope,
    StaffSiteRole,
    Topic,
)
from models.catalogue import IdentityRule
from sync.server import answer_checks, fit_changes
from sync.server.rules import RULES

#: reference class → the refusal a device sees (never naming the value).
REASONS = {
    "citizen_in_scope": "the citizen is not known at this site",
    "site_session": "the group session is not known at this site",
    "site_appointment": "the appointment is not known at this site",
    "site_check_in": "the check-in it refers to is not known at this site",
    "site_ticket": "the queue ticket is not known at this site",
    "site_staff": "the staff member has no role at this site",
    "offer": "the offer is not in the catalogue",
    "anonymous_offer": "the offer is not in the catalogue or does not allow anonymous contacts",
    "topics": "a topic is not in the catalogue",
    **answer_checks.REASONS,
    **fit_changes.REASONS,
}


@dataclass
class Known:
    """The ids of each reference class the calling site may name (for one batch)."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    #: Questions of the questionnaires the batch answers; the named courses' citizens.
    questions: dict[str, list[Any]] = field(default_factory=dict)
    courses: dict[str, str] = field(default_factory=dict)
    #: The site's courses and groups a FIT request names: id → ``course`` or ``group``.
    fit_targets: dict[str, str] = field(default_factory=dict)

    def has(self, what: str, value: str) -> bool:
        if what == "topics":
            return all(t in self.ids["topics"] for t in value.split(",") if t)
        return value in self.ids.get(what, set())


def wanted(items: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, set[str]]:
    """Reference class → the values the batch names."""
    named: dict[str, set[str]] = {what: set() for what in REASONS}
    for kind, params in items:
        for name, rule in RULES[kind].items():
            value = params.get(name)
            if rule.what in named and value:
                named[rule.what].add(str(value))
    return named


def resolve(
    session: Session,
    site_id: str,
    items: list[tuple[str, dict[str, Any]]],
    *,
    sent_citizens: Iterable[str] = (),
) -> Known:
    """Which of the named ids the site may use; rows the same batch adds count as known.

    ``sent_citizens`` are the ids the device sent before merges were followed: a guest
    merged since is still known at its site under either id.
    """
    named = wanted(items)
    named["citizen_in_scope"] |= set(sent_citizens)
    known = Known()
    citizens = named["citizen_in_scope"]
    scoped = select(SiteScope.citizen_id).where(
        SiteScope.site_id == site_id, col(SiteScope.citizen_id).in_(citizens)
    )
    guests = select(Citizen.id).where(
        col(Citizen.id).in_(citizens), Citizen.created_site_id == site_id
    )
    known.ids["citizen_in_scope"] = set(session.exec(scoped).all()) | set(
        session.exec(guests).all()
    )
    known.ids["site_session"] = _at_site(session, GroupSession, site_id, named["site_session"])
    known.ids["site_appointment"] = _at_site(
        session, Appointment, site_id, named["site_appointment"]
    )
    known.ids["site_check_in"] = _at_site(session, CheckIn, site_id, named["site_check_in"])
    known.ids["site_ticket"] = _at_site(session, QueueTicket, site_id, named["site_ticket"])
    for kind, params in items:  # rows of this very batch (a check-out after its check-in)
        if kind == "check_in":
            known.ids["site_check_in"].add(str(params["id"]))
        elif kind == "queue_ticket":
            known.ids["site_ticket"].add(str(params["id"]))
    staff = select(StaffSiteRole.staff_id).where(
        StaffSiteRole.site_id == site_id, col(StaffSiteRole.staff_id).in_(named["site_staff"])
    )
    known.ids["site_staff"] = set(session.exec(staff).all())
    offers = session.exec(select(Offer.id, Offer.identity)).all()
    known.ids["offer"] = {offer_id for offer_id, _identity in offers}
    known.ids["anonymous_offer"] = {
        offer_id for offer_id, identity in offers if identity != IdentityRule.IDENTIFIED
    }
    known.ids["topics"] = set(session.exec(select(Topic.id)).all())
    known.ids.update(answer_checks.known_ids(session, site_id, named))
    answered = {str(p["questionnaire_id"]) for k, p in items if k in answer_checks.ANSWER_KINDS}
    known.questions = answer_checks.questions_of(session, answered)
    known.courses = answer_checks.course_citizens(session, site_id, named["site_course"])
    known.fit_targets = fit_changes.known_targets(session, site_id, named["site_fit_target"])
    known.ids["site_fit_target"] = set(known.fit_targets)
    return known


def _at_site(session: Session, model: Any, site_id: str, ids: set[str]) -> set[str]:
    if not ids:
        return set()
    query = select(model.id).where(model.site_id == site_id, col(model.id).in_(ids))
    return set(session.exec(query).all())


def problem(kind: str, params: dict[str, Any], known: Known, *, sent_citizen: str = "") -> str:
    """Why the row names something its site may not use ('' when all is well)."""
    for name, rule in RULES[kind].items():
        value = params.get(name)
        if rule.what not in REASONS or not value:
            continue
        if rule.what == "citizen_in_scope" and sent_citizen and known.has(rule.what, sent_citizen):
            continue
        if not known.has(rule.what, str(value)):
            return REASONS[rule.what]
    return answer_checks.row_problem(
        kind, params, known.questions, known.courses
    ) or fit_changes.row_problem(kind, params, known.fit_targets)
