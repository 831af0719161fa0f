"""Central trusts no device: each attack with one kiosk's credential is rejected and gains the
attacker's site nothing, while the honest version of the same action still works."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from models import AnonymousContact, CheckIn, Citizen, QueueTicket
from models.db import read_session
from models.ids import new_id
from sync.server.decisions import GUEST_REFUSED
from sync.server.references import REASONS
from sync.server.rules import RULES, check_rules_cover_models
from tests.conftest import FROZEN_NOW
from tests.sync.trust_world import (
    add_staff,
    base_row,
    check_in_row,
    feed_text,
    push_one,
    push_rows,
    scope_of,
    stored_rejections,
)
from tests.sync.world import World

NOW = FROZEN_NOW
CPRS = ["120385-1234", "1203851234", "Ole 010190-1111"]


@pytest.fixture
async def sites(world: World):
    """Hornslet with a citizen, a session and a staff member; an Ebeltoft kiosk (the attacker)."""
    citizen, sessions = world.add_group_with_citizen("hornslet", citizen_name="Hanne Hornslet")
    hornslet, ebeltoft = world.kiosk("hornslet"), world.kiosk("ebeltoft")
    staff = add_staff(world, "hornslet", "HS")
    return world, hornslet, ebeltoft, citizen, sessions[0], staff


async def test_a_visit_cannot_pull_another_sites_citizen_into_scope(sites):
    world, hornslet, ebeltoft, citizen, _session, _staff = sites
    future = NOW + timedelta(days=3650)
    row = check_in_row(ebeltoft, future, citizen)
    assert await push_one(world, ebeltoft, "check_in", row) == REASONS["citizen_in_scope"]
    assert citizen not in scope_of(world, "ebeltoft")
    assert "Hanne Hornslet" not in feed_text(world, ebeltoft)
    # The honest version: Hornslet checks its own citizen in.
    assert await push_one(world, hornslet, "check_in", check_in_row(hornslet, NOW, citizen)) == ""
    assert citizen in scope_of(world, "hornslet")


async def test_another_sites_check_in_cannot_be_retracted(sites):
    world, hornslet, ebeltoft, citizen, _session, _staff = sites
    visit = check_in_row(hornslet, NOW, citizen)
    assert await push_one(world, hornslet, "check_in", visit) == ""
    forged = check_in_row(ebeltoft, NOW, citizen, action="retraction", ref_id=visit["id"])
    assert await push_one(world, ebeltoft, "check_in", forged) != ""
    own = check_in_row(hornslet, NOW, citizen, action="retraction", ref_id=visit["id"])
    assert await push_one(world, hornslet, "check_in", own) == ""


async def test_references_to_another_sites_session_appointment_or_ticket_are_rejected(sites):
    world, hornslet, ebeltoft, citizen, session_id, _staff = sites
    guest_id = new_id()
    guest = {"id": guest_id, "display_name": "Gæst", "birth_year": None, "provisional": True,
             "created_site_id": "ebeltoft", "updated_at": NOW.isoformat()}  # fmt: skip
    assert await push_one(world, ebeltoft, "citizen", guest) == ""
    into_session = check_in_row(ebeltoft, NOW, guest_id, session_id=session_id)
    assert await push_one(world, ebeltoft, "check_in", into_session) == REASONS["site_session"]
    appointment = check_in_row(ebeltoft, NOW, guest_id, appointment_id=new_id())
    assert await push_one(world, ebeltoft, "check_in", appointment) == REASONS["site_appointment"]
    mark = base_row(ebeltoft, NOW, session_id=session_id, citizen_id=guest_id, mark="present",
                    staff_id=None)  # fmt: skip
    assert await push_one(world, ebeltoft, "attendance_mark", mark) == REASONS["site_session"]
    event = base_row(ebeltoft, NOW, ticket_id=new_id(), action="called", staff_id=None)
    assert await push_one(world, ebeltoft, "queue_ticket_event", event) == REASONS["site_ticket"]
    # Honest: a ticket and its event in one batch; a mark in Hornslet's own session.
    ticket = base_row(hornslet, NOW, queue_date=NOW.date().isoformat(), number=1,
                      offer_id="aaben-raadgivning", name=None, staff_id=None)  # fmt: skip
    called = base_row(hornslet, NOW, ticket_id=ticket["id"], action="called", staff_id=None)
    result = await push_rows(
        world, hornslet, ("queue_ticket", ticket), ("queue_ticket_event", called)
    )
    assert result.rejections == []
    own_mark = base_row(hornslet, NOW, session_id=session_id, citizen_id=citizen, mark="present",
                        staff_id=None)  # fmt: skip
    assert await push_one(world, hornslet, "attendance_mark", own_mark) == ""


async def test_forged_audit_entries_about_another_sites_citizen_are_rejected(sites):
    world, hornslet, ebeltoft, citizen, _session, staff = sites
    forged = base_row(ebeltoft, NOW, staff_id=staff, citizen_id=citizen, action="view", detail="")
    assert await push_one(world, ebeltoft, "audit_entry", forged) != ""
    only_staff = base_row(ebeltoft, NOW, staff_id=staff, citizen_id=None, action="login", detail="")
    assert await push_one(world, ebeltoft, "audit_entry", only_staff) == REASONS["site_staff"]
    honest = base_row(hornslet, NOW, staff_id=staff, citizen_id=citizen, action="view", detail="")
    assert await push_one(world, hornslet, "audit_entry", honest) == ""


@pytest.mark.parametrize("cpr", CPRS)
async def test_cpr_numbers_are_refused_in_every_free_text_field_and_not_kept(sites, cpr):
    world, hornslet, _ebeltoft, _citizen, session_id, _staff = sites
    attempts = [
        ("citizen", {"id": new_id(), "display_name": f"Gæst {cpr}", "birth_year": None,
                     "provisional": True, "created_site_id": "hornslet", "updated_at": None}),
        ("queue_ticket", base_row(hornslet, NOW, queue_date=NOW.date().isoformat(), number=3,
                                  offer_id="aaben-raadgivning", name=cpr, staff_id=None)),
        ("session_state_change", base_row(hornslet, NOW, session_id=session_id,
                                          state="cancelled", reason=cpr, staff_id=None)),
        ("audit_entry", base_row(hornslet, NOW, staff_id=None, citizen_id=None, action="search",
                                 detail=cpr)),
        ("citizen", {"id": new_id(), "display_name": "Gæst", "birth_year": None,
                     "reference": cpr, "provisional": True, "created_site_id": "hornslet"}),
    ]  # fmt: skip
    for kind, row in attempts:
        assert await push_one(world, hornslet, kind, row) != "", kind
    digits = re.sub(r"\D", "", cpr)
    for rejection in stored_rejections(world):
        assert digits not in re.sub(r"\D", "", rejection.payload + rejection.reason)
    assert digits not in re.sub(r"\D", "", feed_text(world, hornslet))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("topics", "Lars Kristensen 010203-1234"),
        ("topics", '=HYPERLINK("http://x","klik")'),
        ("topics", "no-such-topic"),
        ("age_band", "x" * 16),
        ("offer_id", "gruppeforloeb"),  # an identified offer cannot be anonymous
    ],
)
async def test_anonymous_contacts_take_only_catalogue_codes(sites, field, value):
    world, hornslet, _ebeltoft, _citizen, _session, _staff = sites
    row = base_row(hornslet, NOW, offer_id="aaben-raadgivning", topics="", age_band=None,
                   contact_date=NOW.date().isoformat())  # fmt: skip
    assert await push_one(world, hornslet, "anonymous_contact", dict(row)) == ""
    bad = {**base_row(hornslet, NOW, **{k: v for k, v in row.items() if k not in
           ("id", "hlc")}), field: value}  # fmt: skip
    assert await push_one(world, hornslet, "anonymous_contact", bad) != ""
    with read_session(world.central) as session:
        assert len(session.exec(select(AnonymousContact)).all()) == 1


@pytest.mark.parametrize(
    "name", ["Ib \x1b]0;pwned\x07Aa", "Ib\x00Aa", "Ib \x1b[5mAa", "Ib\u202eaA", "Ib\x9bAa"]
)
async def test_control_characters_are_refused(sites, name):
    world, hornslet, _ebeltoft, _citizen, _session, _staff = sites
    guest = {"id": new_id(), "display_name": name, "birth_year": 1970, "provisional": True,
             "created_site_id": "hornslet", "updated_at": None}  # fmt: skip
    assert "control character" in await push_one(world, hornslet, "citizen", guest)
    with read_session(world.central) as session:
        assert session.get(Citizen, guest["id"]) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("created_at", "0001-01-01T00:00:00+00:00"),
        ("created_at", "2026-11-24T08:30:00"),  # no zone
        ("id", "../../etc/passwd"),
        ("id", "G" * 36),
        ("hlc", "0000001764000000000-0000-some-other-node"),
        ("offer_id", "x" * 200),
        ("method", "magic"),
        ("citizen_id", 12),
    ],
)
async def test_loose_fields_are_rejected(sites, field, value):
    world, hornslet, _ebeltoft, citizen, _session, _staff = sites
    row = {**check_in_row(hornslet, NOW, citizen), field: value}
    assert await push_one(world, hornslet, "check_in", row) != ""


async def test_a_row_far_in_the_future_is_clamped_and_a_replay_is_still_idempotent(sites):
    world, hornslet, _ebeltoft, citizen, _session, _staff = sites
    row = check_in_row(hornslet, NOW, citizen, created_at="9999-12-31T00:00:00+00:00")
    assert await push_one(world, hornslet, "check_in", row) == ""
    assert await push_one(world, hornslet, "check_in", row) == ""  # a replay: no "conflict"
    with read_session(world.central) as session:
        stored = session.get(CheckIn, row["id"])
    assert stored is not None and stored.created_at <= NOW + timedelta(minutes=5)


async def test_a_refusal_reads_the_same_for_another_sites_row_and_for_no_row(sites):
    world, _hornslet, ebeltoft, citizen, session_id, _staff = sites
    real = await push_one(world, ebeltoft, "check_in", check_in_row(ebeltoft, NOW, citizen))
    ghost = await push_one(world, ebeltoft, "check_in", check_in_row(ebeltoft, NOW, new_id()))
    assert real == ghost
    guest = {"id": citizen, "display_name": "x", "birth_year": None, "provisional": True,
             "created_site_id": "ebeltoft", "updated_at": None}  # fmt: skip
    # Overwriting a citizen of another site reads like any other refused guest.
    assert await push_one(world, ebeltoft, "citizen", guest) == GUEST_REFUSED
    with read_session(world.central) as session:
        assert session.get(Citizen, citizen).display_name == "Hanne Hornslet"  # type: ignore[union-attr]


@pytest.mark.parametrize("number", [2**31, 2**63, -1, 0, 1.5])
async def test_numbers_out_of_range_are_rejected_and_the_queue_drains(sites, number):
    world, hornslet, _ebeltoft, _citizen, _session, _staff = sites
    ticket = base_row(hornslet, NOW, queue_date=NOW.date().isoformat(), number=number,
                      offer_id="aaben-raadgivning", name=None, staff_id=None)  # fmt: skip
    assert await push_one(world, hornslet, "queue_ticket", ticket) != ""
    with read_session(world.central) as session:
        assert session.exec(select(QueueTicket)).all() == []


def test_every_pushed_kind_and_field_has_a_rule_and_is_in_the_docs():
    check_rules_cover_models()
    doc = (Path(__file__).parents[2] / "docs" / "authorisation.md").read_text()
    for kind, fields in RULES.items():
        assert f"`{kind}`" in doc
        for field in fields:
            assert f"`{field}`" in doc, (kind, field)
