"""Acceptance over a real uvicorn on loopback, driven through the `mestring` command line."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from kiosk.cli import main
from models import CheckIn, Citizen
from models.config import Settings
from models.db import make_engine, read_session, write_session
from models.events import CheckIn as CheckInEvent
from models.ids import new_id
from models.timeutil import utcnow
from sync.outbox import record
from sync.server import create_app
from tests.sync.server_thread import serve
from tests.sync.world import World, migrated_central


@pytest.fixture
def central_home(tmp_path: Path) -> Path:
    home = tmp_path / "central"
    home.mkdir()
    return home


def _code(capsys: pytest.CaptureFixture[str], central_home: Path) -> str:
    assert (
        main(["--home", str(central_home), "central", "device", "add", "--site", "hornslet"]) == 0
    )
    return capsys.readouterr().out.split()[0]


def test_an_offline_check_in_reaches_central_after_mestring_sync(tmp_path, central_home, capsys):
    now = utcnow()
    central = migrated_central(f"sqlite:///{central_home / 'central.db'}", now)
    world = World(central, tmp_path, now)
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk_home = tmp_path / "kiosk"
    with serve(create_app(Settings(home=central_home), engine=central)) as url:
        code = _code(capsys, central_home)
        assert (
            main(["--home", str(kiosk_home), "kiosk", "enroll", "--server", url, "--code", code])
            == 0
        )
        credential = kiosk_home / "device.credential"
        assert stat.S_IMODE(credential.stat().st_mode) == 0o600
        assert main(["--home", str(kiosk_home), "sync"]) == 0

        kiosk = make_engine(f"sqlite:///{kiosk_home / 'kiosk.db'}")
        with read_session(kiosk) as session:
            assert session.get(Citizen, citizen_id) is not None
        event = CheckInEvent(
            id=new_id(),
            action="check_in",
            citizen_id=citizen_id,
            offer_id="gruppeforloeb",
            site_id="",
            device_id="",
            hlc="",
            created_at=utcnow(),
        )
        with write_session(kiosk) as session:  # the kiosk is offline: only local
            record(session, [event], now=utcnow())
        assert main(["--home", str(kiosk_home), "sync"]) == 0

        with read_session(central) as session:
            arrived = session.exec(select(CheckIn).where(CheckIn.id == event.id)).one()
        assert arrived.site_id == "hornslet"

        # The same code does not work twice.
        again = tmp_path / "kiosk2"
        assert main(["--home", str(again), "kiosk", "enroll", "--server", url, "--code", code]) == 2
        assert "already used" in capsys.readouterr().err

        # No credential: 401.
        response = httpx.post(f"{url}/v1/sync/push", json={"first_seq": 1, "mutations": []})
        assert response.status_code == 401
        assert httpx.get(f"{url}/health").json() == {"status": "ok"}
    kiosk.dispose()
    central.dispose()


def test_sync_without_a_running_server_fails_with_a_clear_message(
    tmp_path, central_home, capsys, monkeypatch
):
    now = utcnow()
    central = migrated_central(f"sqlite:///{central_home / 'central.db'}", now)
    kiosk_home = tmp_path / "kiosk"
    with serve(create_app(Settings(home=central_home), engine=central)) as url:
        code = _code(capsys, central_home)
        assert (
            main(["--home", str(kiosk_home), "kiosk", "enroll", "--server", url, "--code", code])
            == 0
        )
    capsys.readouterr()
    # The server is gone now; retries back off and give up with a message, exit 1.
    monkeypatch.setenv("MESTRING_SYNC_RETRY_BASE_SECONDS", "0.001")
    assert main(["--home", str(kiosk_home), "sync"]) == 1
    assert "cannot reach the central server" in capsys.readouterr().err
    central.dispose()


def test_central_init_is_idempotent_and_revoke_locks_a_device_out(tmp_path, capsys):
    home = tmp_path / "central"
    assert main(["--home", str(home), "central", "init"]) == 0
    assert main(["--home", str(home), "central", "init"]) == 0
    assert "0 catalogue rows added" in capsys.readouterr().out
    central = make_engine(f"sqlite:///{home / 'central.db'}")
    world = World(central, tmp_path, utcnow())
    device_id, token = world.enrol("hornslet")
    assert main(["--home", str(home), "central", "device", "revoke", device_id]) == 0
    assert main(["--home", str(home), "central", "device", "revoke", "nope"]) == 2
    assert main(["--home", str(home), "central", "device", "add", "--site", "aarhus"]) == 2
    with serve(create_app(Settings(home=home), engine=central)) as url:
        response = httpx.get(f"{url}/v1/sync/pull", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    central.dispose()
