"""Two Hornslet kiosk processes and a real uvicorn central: what one desk records, the other
sees after its next sync (a second scan is refused, a mark shows on the other's roster)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from kiosk.cli import main
from models import Rejection, Staff, StaffSiteRole
from models.config import Settings
from models.db import read_session, write_session
from models.ids import new_id
from models.people import Citizen
from models.timeutil import utcnow
from sync.changes import publish
from sync.server import create_app
from tests.sync.server_thread import serve
from tests.sync.world import World, migrated_central

ROOT = Path(__file__).resolve().parents[2]
LEADER = {"id": new_id(), "initials": "JK", "name": "Jens Kjær"}

#: Run inside a kiosk process: one scan, one mark or one roster read on that kiosk's database.
KIOSK_STEP = """
import json, sys
from kiosk.services.attendance import open_roster
from kiosk.services.attendance_marks import mark_attendance
from kiosk.services.checkin import check_in_by_card
from kiosk.services.staff import StaffMember
from models.config import Settings
from models.db import make_engine
from models.timeutil import utcnow
home, step, arg, staff_id = sys.argv[1:5]
engine = make_engine(Settings(home=home).kiosk_database_url())
staff = StaffMember(staff_id, "JK", "Jens Kjær", frozenset({"group_leader", "front_desk"}))
if step == "scan":
    outcome = check_in_by_card(engine, token=arg, staff=staff, now=utcnow())
    print(json.dumps({"status": outcome.status}))
elif step == "mark":
    session_id, citizen_id = arg.split(",")
    mark_attendance(engine, session_id=session_id, citizen_id=citizen_id, mark="late",
                    staff=staff, now=utcnow())
    print(json.dumps({"ok": True}))
else:
    roster = open_roster(engine, session_id=arg, staff=staff, now=utcnow())
    print(json.dumps({e.citizen_id: e.mark for e in roster.entries}))
"""


def _process(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _kiosk_step(home: Path, step: str, arg: str) -> dict[str, object]:
    done = _process("-c", KIOSK_STEP, str(home), step, arg, LEADER["id"])
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _sync(home: Path) -> None:
    done = _process("-m", "kiosk.cli", "--home", str(home), "sync")
    assert done.returncode == 0, done.stdout[-1000:] + done.stderr[-2000:]


def _enrol(
    home: Path, url: str, central_home: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["--home", str(central_home), "central", "device", "add", "--site", "hornslet"]
    assert main([*add, "--name", name]) == 0
    code = capsys.readouterr().out.split()[0]
    done = _process(
        "-m", "kiosk.cli", "--home", str(home), "kiosk", "enroll", "--server", url, "--code", code
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_scan_and_a_mark_at_one_kiosk_reach_the_other(tmp_path: Path, capsys) -> None:
    now = utcnow()
    central_home = tmp_path / "central"
    central_home.mkdir()
    central = migrated_central(f"sqlite:///{central_home / 'central.db'}", now)
    world = World(central, tmp_path, now)
    citizen_id, (session_id,) = world.add_group_with_citizen("hornslet")
    with write_session(central) as session:
        citizen = session.get(Citizen, citizen_id)
        assert citizen is not None
        citizen.card_token = "CARD4711"
        publish(session, [citizen], now=now)
        staff = Staff(id=LEADER["id"], initials="JK", display_name=LEADER["name"], pin_hash="x")
        publish(session, [staff], now=now)
        roles = [
            StaffSiteRole(staff_id=staff.id, site_id="hornslet", role=r)
            for r in ("group_leader", "front_desk")
        ]
        publish(session, roles, now=now)
    desk, room = tmp_path / "desk", tmp_path / "room"
    with serve(create_app(Settings(home=central_home), engine=central)) as url:
        _enrol(desk, url, central_home, "Skranke 1", capsys)
        _enrol(room, url, central_home, "Grupperum", capsys)
        assert main(["--home", str(central_home), "central", "device", "list"]) == 0
        listing = capsys.readouterr().out
        assert "Skranke 1" in listing and "Grupperum" in listing
        for home in (desk, room):
            _sync(home)
        assert _kiosk_step(desk, "scan", "CARD4711") == {"status": "checked_in"}
        _sync(desk)
        with read_session(central) as session:
            assert session.exec(select(Rejection)).all() == []
        _sync(room)
        assert _kiosk_step(room, "scan", "CARD4711") == {"status": "duplicate"}
        _kiosk_step(room, "mark", f"{session_id},{citizen_id}")
        _sync(room)
        # Not yet synced: the desk's own check-in counts as present (docs/figures.md)…
        assert _kiosk_step(desk, "roster", session_id) == {citizen_id: "present"}
        _sync(desk)
        assert _kiosk_step(desk, "roster", session_id) == {citizen_id: "late"}
