"""Bulk publishing keeps exactly the scope rules and feed order of ``sync.changes``."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from models import (
    Appointment,
    ChangeFeed,
    CheckIn,
    Citizen,
    Course,
    Enrolment,
    Group,
    SiteScope,
)
from models.db import read_session, write_session
from models.demo_catalogue import offers, sites
from sync.changes import publish, wanted_sites
from sync.changes_bulk import publish_bulk, wanted_sites_bulk


def _seed(session, now):
    publish(session, [*sites(), *offers()], now=now)
    for site in ("hornslet", "ebeltoft"):
        group = Group(id=f"g-{site}", site_id=site, offer_id="gruppeforloeb", title="Hold",
                      code="G", starts_on=date(2026, 9, 1))  # fmt: skip
        publish(session, [group], now=now)
    session.add_all([Citizen(id=f"c{n}", display_name=f"Borger {n}") for n in range(1, 8)])
    session.add(Citizen(id="guest", display_name="Gæst", provisional=True,
                        created_site_id="kolind"))  # fmt: skip
    session.flush()


def test_bulk_scope_rules_agree_with_the_single_citizen_rules(central_db, frozen_now):
    today = frozen_now.date()
    with write_session(central_db) as session:
        _seed(session, frozen_now)
        session.add_all([
            Enrolment(id="e1", group_id="g-hornslet", citizen_id="c1", site_id="hornslet",
                      starts_on=date(2026, 9, 1)),
            Enrolment(id="e2", group_id="g-ebeltoft", citizen_id="c2", site_id="ebeltoft",
                      starts_on=date(2026, 9, 1), ends_on=today - timedelta(days=1)),
            Course(id="k1", citizen_id="c3", site_id="kolind", offer_id="forloeb-82b",
                   starts_on=date(2026, 9, 1)),
            Appointment(id="a1", citizen_id="c4", site_id="ronde", offer_id="fritidsguide",
                        starts_at=frozen_now - timedelta(days=40), ends_at=frozen_now),
            Appointment(id="a2", citizen_id="c5", site_id="ronde", offer_id="fritidsguide",
                        starts_at=frozen_now + timedelta(days=3), ends_at=frozen_now),
            CheckIn(id="v1", site_id="ebeltoft", device_id="d", hlc="x", action="check_in",
                    citizen_id="c6", offer_id="aaben-raadgivning",
                    created_at=frozen_now - timedelta(days=2)),
        ])  # fmt: skip
        session.flush()
        ids = [f"c{n}" for n in range(1, 8)] + ["guest"]
        bulk = wanted_sites_bulk(session, ids, now=frozen_now)
        assert bulk == {cid: wanted_sites(session, cid, now=frozen_now) for cid in ids}
        assert bulk["c1"] == {"hornslet"} and bulk["c2"] == set() and bulk["guest"] == {"kolind"}


def test_a_moved_enrolment_leaves_a_tombstone_before_the_evict(central_db, frozen_now):
    with write_session(central_db) as session:
        _seed(session, frozen_now)
        enrolment = Enrolment(id="e1", group_id="g-hornslet", citizen_id="c1",
                              site_id="hornslet", starts_on=date(2026, 9, 1))  # fmt: skip
        publish_bulk(session, [enrolment], now=frozen_now)
        start = max(session.exec(select(ChangeFeed.seq)).all())
        enrolment.group_id, enrolment.site_id = "g-ebeltoft", "ebeltoft"
        publish_bulk(session, [enrolment], now=frozen_now, moved=[(enrolment, "hornslet")])
    with read_session(central_db) as session:
        feed = session.exec(select(ChangeFeed).where(ChangeFeed.seq > start)).all()
        scopes = session.exec(select(SiteScope.site_id)).all()
    assert [(f.site_id, f.table_name, f.op) for f in feed] == [
        ("ebeltoft", "citizen", "upsert"),
        ("ebeltoft", "enrolment", "upsert"),
        ("hornslet", "enrolment", "delete"),
        ("hornslet", "citizen", "evict"),
    ]
    assert scopes == ["ebeltoft"]


def test_bulk_scope_rules_skip_retracted_check_outs_and_future_visits(central_db, frozen_now):
    """Only a standing check-in counts as a visit (``wanted_sites``): not one retracted,
    not a check-out or retraction row itself, not one stamped more than a day ahead."""
    recent = frozen_now - timedelta(days=2)

    def visit(row_id, citizen, site, action="check_in", at=recent, ref=None):
        return CheckIn(id=row_id, site_id=site, device_id="d", hlc=row_id, action=action,
                       citizen_id=citizen, offer_id="aaben-raadgivning", created_at=at,
                       ref_id=ref)  # fmt: skip

    with write_session(central_db) as session:
        _seed(session, frozen_now)
        session.add_all([
            visit("v1", "c1", "ebeltoft"),
            visit("r1", "c1", "ebeltoft", action="retraction", ref="v1"),
            visit("o2", "c2", "kolind", action="check_out", ref="elsewhere"),
            visit("v3", "c3", "ronde", at=frozen_now + timedelta(days=3)),
            visit("v4", "c4", "hornslet"),
        ])  # fmt: skip
        session.flush()
        ids = ["c1", "c2", "c3", "c4"]
        bulk = wanted_sites_bulk(session, ids, now=frozen_now)
        assert bulk == {cid: wanted_sites(session, cid, now=frozen_now) for cid in ids}
        assert bulk == {"c1": set(), "c2": set(), "c3": set(), "c4": {"hornslet"}}
