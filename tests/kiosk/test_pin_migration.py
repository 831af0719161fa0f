"""A kiosk from before PIN sealing: sealed at start, nobody locked out, no raw hash left."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from kiosk.launch import open_kiosk_db
from kiosk.services.frontdesk import FrontDesk
from kiosk.services.pin_keys import pin_keys, seal_stored_pins
from models import Staff
from models.config import Settings
from models.db import read_session
from models.demo import staff_pins
from sync.credential import Credential
from sync.pin_seal import is_sealed, key_from_token


def _hashes(engine) -> dict[str, str]:
    with read_session(engine) as session:
        return {s.initials: s.pin_hash for s in session.exec(select(Staff))}


def test_an_existing_kiosk_is_sealed_at_start_and_staff_keep_their_pins(
    demo_db, tmp_path: Path, frozen_now
) -> None:
    raw = _hashes(demo_db)
    assert raw and not any(map(is_sealed, raw.values()))
    demo_db.dispose()
    engine = open_kiosk_db(Settings(home=tmp_path))
    sealed = _hashes(engine)
    assert all(map(is_sealed, sealed.values()))
    for path in tmp_path.glob("kiosk.db*"):
        data = path.read_bytes()
        assert not [i for i, h in raw.items() if h.rsplit("$", 1)[1].encode() in data], path
    front = FrontDesk(engine, Settings(home=tmp_path))
    assert front.log_in("MH", staff_pins()["MH"], frozen_now).initials == "MH"
    assert (tmp_path / "pin.key").stat().st_mode & 0o777 == 0o600
    assert seal_stored_pins(engine, pin_keys(Settings(home=tmp_path))[0]) == 0  # once only
    engine.dispose()


def test_an_enrolled_kiosk_seals_with_its_credential_key(demo_db, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    Credential("https://central.example", "d-1", "hornslet", "mst_abc_secret").save(
        settings.credential_path
    )
    assert pin_keys(settings) == [key_from_token("mst_abc_secret")]
    assert not (tmp_path / "pin.key").exists()
