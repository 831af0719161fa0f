"""A full sync of a kiosk from a central holding the demo data delivers exactly the
site's share (an independent statement of the scope rule, in ``sync.demo_seed``)."""

from __future__ import annotations

from models.db import make_engine, write_session
from models.demo import build_demo
from models.migrate import upgrade
from models.timeutil import local_today
from sync.demo_seed import seed_central, site_share
from sync.local import local_summary
from sync.rows import REFERENCE, encode, table_digest
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
            count, digest = table_digest(encode(table, r.model_dump()) for r in rows)
            expected[name] = (count, digest)
    actual = {name: (s.count, s.hash) for name, s in local_summary(kiosk.engine).items()}
    for name, figures in expected.items():
        assert actual[name] == figures, name
    central.dispose()
