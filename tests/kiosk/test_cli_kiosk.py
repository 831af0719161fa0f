"""`mestring kiosk` and `mestring demo`: settings, friendly errors, idempotent demo seeding."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from kiosk.cli import UserError, build_parser, main, settings_from
from kiosk.demo import MARKER, prepare_demo
from kiosk.launch import build_services, open_kiosk_db
from models import CheckIn, Citizen, SyncState
from models.config import Settings
from models.db import read_session, write_session
from models.filemodes import tighten_tree
from models.ids import new_id
from sync.outbox import record


def test_kiosk_without_data_exits_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kiosk", "--home", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "mestring demo" in err


def test_config_file_sets_settings_and_home_flag_wins(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('language = "en"\nhome = "/elsewhere"\n', encoding="utf-8")
    args = build_parser().parse_args(["kiosk", "--config", str(config), "--home", str(tmp_path)])
    settings = settings_from(args)
    assert settings.language == "en" and settings.home == tmp_path


def test_config_file_with_a_misspelt_setting_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('langauge = "en"\n', encoding="utf-8")
    with pytest.raises(UserError, match="langauge"):
        settings_from(build_parser().parse_args(["kiosk", "--config", str(config)]))


def test_demo_defaults_to_its_own_home_not_the_real_one() -> None:
    settings = settings_from(build_parser().parse_args(["demo"]))
    assert settings.home == Path("demo-home")


def _count(settings: Settings, model: type) -> int:
    engine = open_kiosk_db(settings)
    with read_session(engine) as session:
        count = session.exec(select(func.count()).select_from(model)).one()
    engine.dispose()
    return int(count)


def test_demo_seeds_once_and_reopens_the_same_data(tmp_path: Path, frozen_now: datetime) -> None:
    settings = Settings(home=tmp_path)
    assert prepare_demo(settings, now=frozen_now)
    assert tighten_tree(tmp_path) == []  # its marker and database private from the start
    citizens = _count(settings, Citizen)
    assert not prepare_demo(settings, now=frozen_now + timedelta(hours=3))
    assert _count(settings, Citizen) == citizens > 0
    services = build_services(settings)
    assert services.today.site_id() == "hornslet"
    services.engine.dispose()


def test_demo_on_a_later_day_reseeds_only_when_nothing_waits_to_sync(
    tmp_path: Path, frozen_now: datetime
) -> None:
    settings = Settings(home=tmp_path)
    prepare_demo(settings, now=frozen_now)
    engine = open_kiosk_db(settings)
    with write_session(engine) as session:
        event = CheckIn(id=new_id(), action="check_in", citizen_id=new_id(), offer_id="akut")
        record(session, [event], now=frozen_now)
    engine.dispose()
    kept = _count(settings, CheckIn)  # the new one and the demo's history
    later = frozen_now + timedelta(days=60)
    assert not prepare_demo(settings, now=later)  # a check-in waits: keep everything
    assert _count(settings, CheckIn) == kept


def test_demo_never_reseeds_a_home_it_did_not_seed(tmp_path: Path, frozen_now: datetime) -> None:
    settings = Settings(home=tmp_path)
    prepare_demo(settings, now=frozen_now)
    (tmp_path / MARKER).unlink()
    assert not prepare_demo(settings, now=frozen_now + timedelta(days=60))
    assert _count(settings, SyncState) == 1


def test_stale_demo_home_with_nothing_pending_is_reseeded_for_today(
    tmp_path: Path, frozen_now: datetime
) -> None:
    settings = Settings(home=tmp_path)
    prepare_demo(settings, now=frozen_now)
    later = frozen_now + timedelta(days=60)
    assert prepare_demo(settings, now=later)
    services = build_services(settings)
    assert services.today.home(later).sessions
    services.engine.dispose()
