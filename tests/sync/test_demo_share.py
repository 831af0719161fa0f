"""A full sync of a kiosk from a central holding the demo data delivers exactly the
site's share (an independent statement of the scope rule, in ``sync.demo_seed``)."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import insert
from sqlmodel import select

from models import (
    AnonymousContact,
    AttendanceMark,
    ChangeFeed,
    CheckIn,
    SessionStateChange,
    SiteScope,
)
from models.db import make_engine, read_session, write_session
from models.demo import build_demo
from models.migrate import upgrade
from models.timeutil import local_today
from sync.changes import CITIZEN_ROWS, publish, scoped_sites, wanted_sites
from sync.demo_seed import fresh_copies, seed_central, seed_kiosk_history, site_share
from sync.local import local_summary
from sync.pin_seal import key_from_token, seal
from sync.rows import REFERENCE, WireRow, encode, table_digest
from tests.conftest import FROZEN_NOW
from tests.sync.world import World, sync


async def test_a_first_sync_delivers_exactly_the_sites_share_of_the_demo_data(tmp_path):
    central = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    upgrade(central, "central")
    data = build_demo(local_today(FROZEN_NOW), citizens=300)
    with write_session(central) as session:
        seed_central(session, data, now=FROZEN_NOW)
    world = World(central, tmp_path, FROZEN_NOW)
    kiosk = world.kiosk("hornslet")
    report = await sync(kiosk, FROZEN_NOW)
    assert report.resynced_tables == []  # the feed alone got it right
    expected = {}
    for rows in site_share(data, "hornslet", now=FROZEN_NOW):
        if rows:
            name = str(rows[0].__tablename__)
            table = REFERENCE[name]
            wire = [_as_sent(name, encode(table, r.model_dump()), kiosk.token) for r in rows]
            count, digest = table_digest(wire)
            expected[name] = (count, digest)
    actual = {name: (s.count, s.hash) for name, s in local_summary(kiosk.engine).items()}
    for name, figures in expected.items():
        assert actual[name] == figures, name
    with read_session(central) as session:  # the history's visits change no one's scope
        for citizen in data.citizens:
            scoped = scoped_sites(session, citizen.id)
            assert wanted_sites(session, citizen.id, now=FROZEN_NOW) == scoped, citizen.id
    central.dispose()


def _as_sent(name: str, row: WireRow, token: str) -> WireRow:
    """A staff row reaches a kiosk with its PIN hash sealed with that device's key."""
    if name == "staff":
        row["pin_hash"] = seal(str(row["pin_hash"]), key_from_token(token))
    return row


async def test_the_kiosks_history_is_already_central_so_the_first_sync_pushes_nothing(tmp_path):
    central = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    upgrade(central, "central")
    data = build_demo(local_today(FROZEN_NOW), citizens=300)
    with write_session(central) as session:
        seed_central(session, data, now=FROZEN_NOW)
    world = World(central, tmp_path, FROZEN_NOW)
    kiosk = world.kiosk("hornslet")
    written = seed_kiosk_history(kiosk.engine, data, "hornslet", now=FROZEN_NOW)
    before = _events(central)
    report = await sync(kiosk, FROZEN_NOW)
    assert written > 0 and report.pushed == 0 and report.rejected == 0
    assert _events(central) == before
    held = _events(kiosk.engine)
    assert held and all(before[key] == row for key, row in held.items())  # the same events
    assert {key[1] for key in held} == {"hornslet"}
    central.dispose()


def _events(engine) -> dict[tuple[str, str, str], tuple[object, ...]]:
    """Every event as ((table, site, id) → its columns other than ``received_at``)."""
    found = {}
    with read_session(engine) as session:
        for model in (AnonymousContact, AttendanceMark, CheckIn, SessionStateChange):
            for row in session.exec(select(model)).all():
                values = row.model_dump(exclude={"received_at"})
                values["created_at"] = row.created_at.astimezone(UTC)
                key = (str(model.__tablename__), row.site_id, row.id)
                found[key] = tuple(sorted(values.items()))
    return found


def _publish_row_by_row(session, data, *, now) -> None:
    """The reference: each table added and flushed (staff with their roles, which give
    their sites), then published with ``publish``, the citizens' scopes refreshed one by
    one; the history's events inserted last."""
    tables = [fresh_copies(rows) for rows in data.tables()]
    for n, copies in enumerate(tables):
        session.add_all(copies)
        if copies and copies[0].__tablename__ == "staff":
            session.add_all(tables[n + 1])
        session.flush()
        publish(session, copies, now=now)
        session.flush()
    for model, events in data.events():
        if events:
            session.execute(insert(model), [{**e, "received_at": e["created_at"]} for e in events])


def _feed_and_scopes(engine):
    with read_session(engine) as session:
        feed = session.exec(select(ChangeFeed).order_by(ChangeFeed.seq)).all()
        scopes = {(s.site_id, s.citizen_id) for s in session.exec(select(SiteScope)).all()}
    return [(f.seq, f.site_id, f.table_name, f.row_id, f.op) for f in feed], scopes


def test_the_bulk_seed_publishes_what_publishing_row_by_row_does(tmp_path):
    """Same scopes, each feed entry of ``publish`` once (no duplicates), gap-free sequence
    numbers, and at each site a citizen's upsert before every row of theirs there."""
    data = build_demo(local_today(FROZEN_NOW), citizens=150)
    engines = {}
    for name, seed in (("bulk", seed_central), ("reference", _publish_row_by_row)):
        engines[name] = make_engine(f"sqlite:///{tmp_path / name}.db")
        upgrade(engines[name], "central")
        with write_session(engines[name]) as session:
            seed(session, data, now=FROZEN_NOW)
    feed, scopes = _feed_and_scopes(engines["bulk"])
    reference_feed, reference_scopes = _feed_and_scopes(engines["reference"])
    entries = [entry[1:] for entry in feed]
    assert scopes == reference_scopes and len(scopes) > 100
    assert len(entries) == len(set(entries))
    assert set(entries) == {entry[1:] for entry in reference_feed}
    assert [entry[0] for entry in feed] == list(range(1, len(feed) + 1))
    owner = {
        (str(row.__tablename__), row.id): row.citizen_id
        for rows in (data.enrolments, data.courses, data.appointments)
        for row in rows
    }
    citizen_rows = {str(model.__tablename__) for model in CITIZEN_ROWS}
    arrived: set[tuple[str, str]] = set()
    for _seq, site, table, row_id, _op in feed:
        if table == "citizen":
            arrived.add((site, row_id))
        elif table in citizen_rows:
            assert (site, owner[(table, row_id)]) in arrived, (site, table, row_id)
    for engine in engines.values():
        engine.dispose()
