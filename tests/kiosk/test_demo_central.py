"""`mestring demo`'s central half: today's data in a central database, a real central server
in a child process, the Hornslet kiosk enrolled and given its share by the first sync; a
rerun on the same day reuses all of it. Announced step by step (``DemoProgress``)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from kiosk.demo import MARKER, demo_with_central
from kiosk.demo_progress import DemoProgress
from kiosk.i18n import set_language
from models import ChangeFeed, CheckIn, Citizen, SiteScope, SyncState
from models.config import Settings
from models.db import make_engine, read_session
from models.filemodes import tighten_tree
from sync.credential import Credential
from sync.demo import SEEDED, DemoFailed, _listening

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _count(engine, model, *where) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _run(settings: Settings) -> tuple[list[str], int]:
    """One demo start: the progress lines, and the port the server listened on."""
    out = io.StringIO()
    with demo_with_central(settings, DemoProgress(steps=3, out=out)) as url:
        assert httpx.get(f"{url}/health", timeout=5).status_code == 200
        port = int(url.rsplit(":", 1)[1])
    assert not _listening(port)  # the server stops with the block
    return out.getvalue().splitlines(), port


def test_a_fresh_home_gets_a_synced_kiosk_and_a_rerun_reuses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the server child runs `python -m cli`
    set_language("da")
    settings = Settings(home=tmp_path / "home")
    settings.ensure_home()
    lines, _port = _run(settings)
    assert [line.split(" …")[0] for line in lines[::2]] == [
        "[1/3] Lægger dagens demodata i centralens database",
        "[2/3] Starter centralserveren på 127.0.0.1",
        "[3/3] Tilmelder Hornslet-kiosken og synkroniserer første gang",
    ]
    assert all(" ✓ " in line for line in lines[1::2]), lines
    central = make_engine(f"sqlite:///{settings.home / 'central' / 'central.db'}")
    kiosk = make_engine(f"sqlite:///{settings.home / 'kiosk.db'}")
    scoped = _count(central, SiteScope, SiteScope.site_id == "hornslet")
    feed = _count(central, ChangeFeed)
    assert scoped > 100 and _count(kiosk, Citizen) == scoped  # the share, by the feed
    assert _count(kiosk, CheckIn) > 0  # the history this site's kiosk made
    with read_session(kiosk) as session:
        state = session.get(SyncState, 1)
        assert state is not None and state.site_id == "hornslet" and state.cursor > 0
    # Every file the demo made is private from the start (nothing left to tighten, here
    # or by the server, which checks its own home when it starts).
    assert tighten_tree(settings.home) == []
    assert "tightened" not in (settings.home / "central" / "server.log").read_text()
    device = Credential.load(settings.credential_path).device_id
    seeded = (settings.home / "central" / SEEDED).read_text()
    assert (settings.home / MARKER).exists()

    lines, _port = _run(settings)  # the same day again: nothing re-made
    assert len(lines) == 6 and all(" ✓ " in line for line in lines[1::2]), lines
    assert (settings.home / "central" / SEEDED).read_text() == seeded
    assert _count(central, ChangeFeed) == feed
    assert Credential.load(settings.credential_path).device_id == device
    assert _count(kiosk, Citizen) == scoped
    central.dispose()
    kiosk.dispose()


def test_a_home_that_is_not_a_demo_home_is_refused_before_anything_starts(tmp_path):
    settings = Settings(home=tmp_path / "home")
    settings.ensure_home()
    (settings.home / "kiosk.db").write_bytes(b"")  # someone's kiosk, not the demo's
    out = io.StringIO()
    with pytest.raises(DemoFailed, match="not a demo home"):
        with demo_with_central(settings, DemoProgress(steps=3, out=out)):
            pass
    assert out.getvalue() == "" and not (settings.home / "central").exists()
    assert os.path.getsize(settings.home / "kiosk.db") == 0
