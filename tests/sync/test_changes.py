"""The central change feed and site scopes."""

from datetime import date, timedelta

from sqlmodel import select

from models import ChangeFeed, Citizen, Enrolment, Group, Offer, Site, SiteScope
from models.db import read_session, write_session
from sync.changes import DELETE, EVICT, UPSERT, publish, refresh_scope


def _seed(session, now):
    sites = [Site(id="hornslet", name="Hornslet"), Site(id="ebeltoft", name="Ebeltoft")]
    offer = Offer(
        id="gruppe",
        name_da="Gruppeforløb",
        name_en="Group course",
        kind="group",
        identity="identified",
    )
    publish(session, [*sites, offer], now=now)
    group = Group(
        id="g1",
        site_id="hornslet",
        offer_id="gruppe",
        title="ADHD i hverdagen",
        code="G-01",
        sensitive=True,
        starts_on=date(2026, 9, 1),
    )
    citizen = Citizen(id="c1", display_name="Åse Ømark", birth_year=1980)
    session.add(citizen)
    publish(session, [group], now=now)


def _feed(engine):
    with read_session(engine) as session:
        rows = session.exec(select(ChangeFeed).order_by(ChangeFeed.seq)).all()
    return [(r.seq, r.site_id, r.table_name, r.row_id, r.op) for r in rows]


def test_feed_sequence_is_gap_free_and_follows_commit_order(central_db, frozen_now):
    with write_session(central_db) as session:
        _seed(session, frozen_now)
    feed = _feed(central_db)
    assert [f[0] for f in feed] == list(range(1, len(feed) + 1))
    # Site and offer rows go to every site; the group only to its own.
    assert {(f[1], f[2]) for f in feed if f[3] == "g1"} == {("hornslet", "course_group")}
    assert {f[1] for f in feed if f[2] == "offer"} == {"hornslet", "ebeltoft"}


def test_enrolment_brings_the_citizen_into_scope_before_the_enrolment(central_db, frozen_now):
    with write_session(central_db) as session:
        _seed(session, frozen_now)
        publish(
            session,
            [
                Enrolment(
                    id="e1",
                    group_id="g1",
                    citizen_id="c1",
                    site_id="hornslet",
                    starts_on=date(2026, 9, 1),
                )
            ],
            now=frozen_now,
        )
    feed = [f for f in _feed(central_db) if f[2] in {"citizen", "enrolment"}]
    assert [(f[1], f[2], f[4]) for f in feed] == [
        ("hornslet", "citizen", UPSERT),
        ("hornslet", "enrolment", UPSERT),
    ]
    with read_session(central_db) as session:
        assert [s.site_id for s in session.exec(select(SiteScope)).all()] == ["hornslet"]


def test_ending_the_enrolment_evicts_the_citizen(central_db, frozen_now):
    with write_session(central_db) as session:
        _seed(session, frozen_now)
        enrolment = Enrolment(
            id="e1", group_id="g1", citizen_id="c1", site_id="hornslet", starts_on=date(2026, 9, 1)
        )
        publish(session, [enrolment], now=frozen_now)
    with write_session(central_db) as session:
        enrolment = session.get(Enrolment, "e1")
        session.delete(enrolment)
        session.flush()
        publish(session, [enrolment], now=frozen_now, op=DELETE, sites={"hornslet"})
        assert refresh_scope(session, "c1", now=frozen_now) == (set(), set())
    with read_session(central_db) as session:
        assert session.exec(select(SiteScope)).all() == []
    tail = _feed(central_db)[-2:]
    assert [(f[2], f[4]) for f in tail] == [("enrolment", DELETE), ("citizen", EVICT)]


def test_a_citizen_is_never_published_to_a_site_outside_their_scope(central_db, frozen_now):
    with write_session(central_db) as session:
        _seed(session, frozen_now)
        publish(
            session,
            [
                Enrolment(
                    id="e1",
                    group_id="g1",
                    citizen_id="c1",
                    site_id="hornslet",
                    starts_on=date(2026, 9, 1),
                    ends_on=frozen_now.date() + timedelta(days=30),
                )
            ],
            now=frozen_now,
        )
        citizen = session.get(Citizen, "c1")
        citizen.display_name = "Åse Ømark Hansen"
        publish(session, [citizen], now=frozen_now)
    sites = {f[1] for f in _feed(central_db) if f[2] == "citizen"}
    assert sites == {"hornslet"}


def test_feed_on_postgres_is_gap_free_across_transactions(pg_engine, frozen_now):
    from models.migrate import upgrade

    upgrade(pg_engine, "central")
    with write_session(pg_engine) as session:
        _seed(session, frozen_now)
    with write_session(pg_engine) as session:
        publish(
            session,
            [
                Enrolment(
                    id="e1",
                    group_id="g1",
                    citizen_id="c1",
                    site_id="hornslet",
                    starts_on=date(2026, 9, 1),
                )
            ],
            now=frozen_now,
        )
    feed = _feed(pg_engine)
    assert [f[0] for f in feed] == list(range(1, len(feed) + 1))
    assert feed[-1][2:] == ("enrolment", "e1", UPSERT)
