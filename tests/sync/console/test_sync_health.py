"""Rows waiting and the last good integrity check, end to end: kiosks sync against a real
uvicorn central, and the sync-health overview, the device page and `mestring central device
list` show what each kiosk reported."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from sync.server.auth import revoke_device
from sync.transport import CredentialRejected, SyncClient
from tests.conftest import FROZEN_NOW
from tests.sync.console.conftest import Console
from tests.sync.server_thread import serve
from tests.sync.world import FAST_RETRY, Kiosk, World, check_in, sync

CELL = re.compile(r'<td class="(?:num )?(waiting|verified|error)">(.*?)</td>', re.S)


def _row(page: str, device_id: str) -> dict[str, str]:
    """The waiting, verified and error cells of a device's row on the health/device page."""
    row = page.split(f'data-device="{device_id}"')[1].split("</tr>")[0]
    return {name: text.strip() for name, text in CELL.findall(row)}


async def _two_kiosks_synced_over_a_real_server(
    console: Console, world: World
) -> tuple[Kiosk, Kiosk]:
    """``synced`` pushes its three check-ins and verifies; ``stuck`` is revoked with two
    check-ins still waiting, so its sync is refused."""
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    synced, stuck = world.kiosk("hornslet"), world.kiosk("kolind")
    for minute in range(3):
        check_in(synced, citizen_id, FROZEN_NOW + timedelta(minutes=minute))
    for minute in range(2):
        check_in(stuck, citizen_id, FROZEN_NOW + timedelta(minutes=minute))
    revoke_device(console.engine, stuck.device_id, now=FROZEN_NOW)
    with serve(console.client.app) as url:
        for kiosk in (synced, stuck):
            kiosk.client = SyncClient(url, kiosk.token, retry=FAST_RETRY)
        report = await sync(synced, console.clock())
        with pytest.raises(CredentialRejected):
            await sync(stuck, console.clock())
        for kiosk in (synced, stuck):
            await kiosk.client.aclose()
    assert report.pushed == 3
    return synced, stuck


@pytest.fixture
def world(console: Console, tmp_path: Path) -> World:
    """Kiosks enrolled at the console's central (their databases in their own folder)."""
    home = tmp_path / "kiosks"
    home.mkdir()
    return World(console.engine, home, FROZEN_NOW)


async def test_the_pages_show_rows_waiting_and_the_last_good_check(
    console: Console, world: World
) -> None:
    synced, stuck = await _two_kiosks_synced_over_a_real_server(console, world)
    client = console.sign_in("anne")
    for path in ("/admin/", "/admin/devices"):
        page = client.get(path).text
        assert "Rækker i kø" in page and "Sidste gode kontrol" in page
        good, refused = _row(page, synced.device_id), _row(page, stuck.device_id)
        assert good == {"waiting": "0", "verified": "24.11.2026 09:30", "error": ""}
        assert refused["waiting"] == "2" and refused["verified"] == "aldrig"
        assert refused["error"].endswith("403 revoked")
    english = client.get("/admin/language?to=en&back=/admin/devices", follow_redirects=True)
    assert "Rows waiting" in english.text and "Last good check" in english.text


async def test_the_device_list_shows_rows_waiting_and_the_last_good_check(
    console: Console, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    synced, stuck = await _two_kiosks_synced_over_a_real_server(console, world)
    url = console.engine.url.render_as_string(hide_password=False)
    assert main(["central", "device", "list", "--db", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0]
    assert "waiting" in header and "last verified" in header
    waiting_at = header.index("waiting")
    verified_at = header.index("last verified")
    by_id = {line.split()[0]: line for line in lines[1:]}
    good, refused = by_id[synced.device_id], by_id[stuck.device_id]
    assert good[waiting_at:].split()[0] == "0"
    assert good[verified_at:].startswith("2026-11-24 09:30")
    assert refused[waiting_at:].split()[0] == "2"
    assert refused[verified_at:].split()[0] == "-" and "403 revoked" in refused
