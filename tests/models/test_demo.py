"""Demo data invariants: deterministic, consistent, realistic, and free of CPR-like data."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from models import ChangeFeed, Citizen, GroupSession, Staff, SyncState
from models.db import read_session, write_session
from models.demo import DemoData, build_demo, citizen_records, demo_names, staff_pins
from models.demo_catalogue import SITE_IDS
from models.timeutil import local_today
from sync.demo_seed import seed_central, seed_kiosk, site_share

TODAY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return build_demo(TODAY)


def _dump(data: DemoData) -> list[list[dict[str, object]]]:
    return [[row.model_dump() for row in rows] for rows in data.tables()]  # type: ignore[attr-defined]


def test_same_seed_and_day_give_identical_data(demo: DemoData) -> None:
    assert _dump(build_demo(TODAY)) == _dump(demo)


def test_another_seed_gives_other_citizens(demo: DemoData) -> None:
    other = build_demo(TODAY, seed=7, citizens=50)
    assert [c.display_name for c in other.citizens] != [c.display_name for c in demo.citizens[:50]]


def test_every_reference_resolves(demo: DemoData) -> None:
    ids = {
        "site": {s.id for s in demo.sites},
        "offer": {o.id for o in demo.offers},
        "citizen": {c.id for c in demo.citizens},
        "staff": {s.id for s in demo.staff},
        "group": {g.id for g in demo.groups},
        "course": {c.id for c in demo.courses},
    }
    for so in demo.site_offers:
        assert so.site_id in ids["site"] and so.offer_id in ids["offer"]
    for role in demo.staff_roles:
        assert role.staff_id in ids["staff"] and role.site_id in ids["site"]
    for g in demo.groups:
        assert g.site_id in ids["site"] and g.offer_id in ids["offer"]
        assert g.leader_staff_id in ids["staff"]
    for s in demo.sessions:
        assert s.group_id in ids["group"] and s.site_id in ids["site"]
    for e in demo.enrolments:
        assert e.group_id in ids["group"] and e.citizen_id in ids["citizen"]
    for c in demo.courses:
        assert c.citizen_id in ids["citizen"] and c.counsellor_staff_id in ids["staff"]
    for a in demo.appointments:
        assert a.citizen_id in ids["citizen"] and a.offer_id in ids["offer"]
        assert a.staff_id in ids["staff"] and (a.course_id is None or a.course_id in ids["course"])


def test_staff_named_on_a_site_row_hold_a_role_at_that_site(demo: DemoData) -> None:
    roles = {(r.staff_id, r.site_id) for r in demo.staff_roles}
    for g in demo.groups:
        assert (g.leader_staff_id, g.site_id) in roles
    for c in demo.courses:
        assert (c.counsellor_staff_id, c.site_id) in roles
    for a in demo.appointments:
        assert (a.staff_id, a.site_id) in roles


def test_every_site_has_a_group_session_and_appointments_today(demo: DemoData) -> None:
    for site in SITE_IDS:
        sessions = [s for s in demo.sessions if s.site_id == site]
        appointments = [a for a in demo.appointments if a.site_id == site]
        assert any(local_today(s.starts_at) == TODAY for s in sessions), site
        assert any(local_today(a.starts_at) == TODAY for a in appointments), site


def test_groups_run_twelve_weekly_sessions_with_eight_to_fourteen_enrolled(
    demo: DemoData,
) -> None:
    for g in demo.groups:
        sessions = sorted(s.starts_at for s in demo.sessions if s.group_id == g.id)
        assert len(sessions) == 12
        assert {(b - a).days for a, b in zip(sessions, sessions[1:], strict=False)} == {7}
        assert 8 <= sum(e.group_id == g.id for e in demo.enrolments) <= 14


def test_diagnosis_titles_are_sensitive_and_have_neutral_codes(demo: DemoData) -> None:
    by_title = {g.title: g for g in demo.groups}
    for title in ("Forstå din autisme", "ADHD i hverdagen", "Angst – små skridt"):
        assert by_title[title].sensitive
        assert re.fullmatch(r"G-\d{3}", by_title[title].code)
    assert any(not g.sensitive for g in demo.groups)
    assert len({g.code for g in demo.groups}) == len(demo.groups)


def test_courses_include_some_near_or_past_twelve_weeks(demo: DemoData) -> None:
    weeks = [(TODAY - c.starts_on).days // 7 for c in demo.courses if c.site_id == "hornslet"]
    assert any(10 <= w < 12 for w in weeks) and any(w >= 12 for w in weeks)


def test_same_name_pairs_exist_with_different_birth_years(demo: DemoData) -> None:
    years: dict[str, set[int | None]] = {}
    for c in demo.citizens:
        years.setdefault(c.display_name, set()).add(c.birth_year)
    assert sum(len(y) > 1 for y in years.values()) >= 20


def test_names_use_danish_letters_and_spelling_variants(demo: DemoData) -> None:
    text = " ".join(c.display_name for c in demo.citizens)
    for letter in "æøåÆØÅ":
        if letter.isupper():
            continue
        assert letter in text
    assert "Ø" in text or "Å" in text
    for name in ("Christensen", "Kristensen", "Pedersen", "Petersen"):
        assert name in text
    assert ("Aase" in text or "Aage" in text) and ("Åse" in text or "Åge" in text)


def test_references_and_card_tokens_are_unique_and_scanner_safe(demo: DemoData) -> None:
    tokens = [c.card_token for c in demo.citizens]
    refs = [c.reference for c in demo.citizens]
    assert len(set(tokens)) == len(tokens) and len(set(refs)) == len(refs)
    assert all(t and re.fullmatch(r"[0-9A-Z]+", t) for t in tokens)


def test_nothing_looks_like_a_cpr_number(demo: DemoData) -> None:
    cpr = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")
    for rows in demo.tables():
        for row in rows:
            for name, value in row.model_dump().items():  # type: ignore[attr-defined]
                if name == "id" or name.endswith("_id") or name == "pin_hash":
                    continue  # UUIDs and hashes are random hex, not personal data
                assert not (isinstance(value, str) and cpr.search(value)), value


def test_demo_pins_verify_against_stored_hashes(demo: DemoData) -> None:
    pins = staff_pins()
    assert {s.initials for s in demo.staff} == set(pins)
    member = demo.staff_by_initials("MH")
    assert PasswordHasher().verify(member.pin_hash, pins["MH"])


def test_demo_names_make_a_hundred_thousand_deterministically() -> None:
    names = demo_names(100_000, seed=1)
    assert len(names) == 100_000 and names[:100] == demo_names(100, seed=1)
    assert any("ø" in n for n in names) and len(set(names)) < len(names)


def test_kiosk_seed_holds_only_its_sites_citizens(
    demo: DemoData, fresh_db: Engine, frozen_now: datetime
) -> None:
    share = site_share(demo, "hornslet", now=frozen_now)
    seed_kiosk(fresh_db, demo, "hornslet", now=frozen_now, device_id="dev-1")
    with read_session(fresh_db) as session:
        count = session.exec(select(func.count()).select_from(Citizen)).one()
        state = session.get(SyncState, 1)
        sites = set(session.exec(select(GroupSession.site_id)).all())
    assert count == len(share[4]) and 0 < count < len(demo.citizens)
    assert sites == {"hornslet"}
    assert state is not None and state.site_id == "hornslet" and state.last_sync_ok_at is None


def test_central_seed_publishes_each_sites_share(central_db: Engine, frozen_now: datetime) -> None:
    data = build_demo(TODAY, citizens=120)
    with write_session(central_db) as session:
        seed_central(session, data, now=frozen_now)
    with read_session(central_db) as session:
        feed = session.exec(
            select(ChangeFeed.table_name).where(ChangeFeed.site_id == "hornslet")
        ).all()
        staff = session.exec(select(func.count()).select_from(Staff)).one()
    share = site_share(data, "hornslet", now=frozen_now)
    counts = Counter(feed)
    assert staff == len(data.staff)
    assert counts["citizen"] == len(share[4])
    assert counts["group_session"] == len(share[8])
    assert counts["staff"] == len(share[5])


def test_readme_lists_every_demo_login_with_its_pin() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for initials, pin in staff_pins().items():
        assert re.search(rf"^\| {initials} \|.*\| {pin} \|$", readme, re.M), initials


def test_readme_logins_cover_the_hornslet_roles_the_features_need(demo: DemoData) -> None:
    roles = {(r.staff_id, r.site_id, r.role) for r in demo.staff_roles}
    front, leader = demo.staff_by_initials("MH"), demo.staff_by_initials("JK")
    counsellor, admin = demo.staff_by_initials("LP"), demo.staff_by_initials("AB")
    assert (front.id, "hornslet", "front_desk") in roles
    assert all((admin.id, site, "admin") in roles for site in SITE_IDS)
    todays = [
        g
        for g in demo.groups
        for s in demo.sessions
        if s.group_id == g.id and s.site_id == "hornslet" and local_today(s.starts_at) == TODAY
    ]
    assert any(g.leader_staff_id == leader.id for g in todays)
    assert any(
        c.counsellor_staff_id == counsellor.id and c.site_id == "hornslet" for c in demo.courses
    )


def test_citizen_records_equal_the_demo_citizens(demo: DemoData) -> None:
    records = citizen_records(len(demo.citizens), today=TODAY)
    assert records == [
        c.model_dump(exclude={"merged_into", "created_site_id", "updated_at"})
        for c in demo.citizens
    ]
