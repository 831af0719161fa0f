"""Administration meets sync: a kiosk's check-in shows in the report; a merge reaches kiosks."""

from __future__ import annotations

from sqlmodel import select

from kiosk.cli import main
from models import CheckIn, Citizen
from models.db import read_session, write_session
from models.ids import new_id
from sync.admin.importer import import_csv
from sync.admin.provisional import merge_provisional
from sync.outbox import record
from tests.conftest import FROZEN_NOW
from tests.sync.admin.conftest import db_url
from tests.sync.world import World, check_in, migrated_central, sync


def _kiosk_citizens(kiosk) -> set[str]:
    with read_session(kiosk.engine) as session:
        return set(session.exec(select(Citizen.id)).all())


async def test_a_synced_check_in_shows_in_the_site_report(tmp_path, capsys):
    central = migrated_central(f"sqlite:///{tmp_path / 'central.db'}", FROZEN_NOW)
    world = World(central, tmp_path, FROZEN_NOW)
    kiosk = world.kiosk("hornslet")
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    await sync(kiosk, FROZEN_NOW)
    check_in(kiosk, citizen_id, FROZEN_NOW)  # made offline, only local until the next sync
    assert (await sync(kiosk, FROZEN_NOW)).pushed == 1
    assert main(["report", "--site", "hornslet", "--db", db_url(central)]) == 0
    out = capsys.readouterr().out
    assert "24.11.2026  Hornslet  Gruppeforløb      1" in out
    central.dispose()


async def test_a_merge_reaches_the_kiosk_on_its_next_sync(tmp_path):
    central = migrated_central(f"sqlite:///{tmp_path / 'central.db'}", FROZEN_NOW)
    world = World(central, tmp_path, FROZEN_NOW)
    kiosk = world.kiosk("hornslet")
    import_csv(central, "citizens", b"reference;display_name;birth_year;card_token\n"
               b"BOS-7;Jens Jensen;1975;\n", now=FROZEN_NOW)  # fmt: skip
    guest = Citizen(id=new_id(), display_name="Jens (gæst)", provisional=True,
                    created_site_id="hornslet")  # fmt: skip
    with write_session(kiosk.engine) as session:
        record(session, [guest], now=FROZEN_NOW, kind="citizen")
    check_in(kiosk, guest.id, FROZEN_NOW)
    await sync(kiosk, FROZEN_NOW)
    assert guest.id in _kiosk_citizens(kiosk)

    result = merge_provisional(central, guest.id, "BOS-7", now=FROZEN_NOW)
    assert result.sites == ["hornslet"]
    await sync(kiosk, FROZEN_NOW)
    known = result.into_id
    assert known in _kiosk_citizens(kiosk) and guest.id not in _kiosk_citizens(kiosk)
    with read_session(central) as session:
        assert session.exec(select(CheckIn.citizen_id)).all() == [known]
    central.dispose()


async def test_after_a_real_sync_only_confirmed_old_events_are_purged(tmp_path):
    from datetime import timedelta

    from models.config import Settings
    from sync.retention import purge_kiosk

    central = migrated_central(f"sqlite:///{tmp_path / 'central.db'}", FROZEN_NOW)
    world = World(central, tmp_path, FROZEN_NOW)
    kiosk = world.kiosk("hornslet")
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    old = FROZEN_NOW - timedelta(days=45)
    confirmed = check_in(kiosk, citizen_id, old)
    await sync(kiosk, FROZEN_NOW)
    waiting = check_in(kiosk, citizen_id, old, offer_id="aaben-raadgivning")  # not yet pushed
    result = purge_kiosk(kiosk.engine, Settings(event_retention_days=30), FROZEN_NOW)
    assert result.deleted["check_in"] == 1
    with read_session(kiosk.engine) as session:
        assert session.exec(select(CheckIn.id)).all() == [waiting]
    with read_session(central) as session:
        assert session.exec(select(CheckIn.id)).all() == [confirmed]  # central keeps its copy
    central.dispose()
