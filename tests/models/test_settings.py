"""Settings: keywords over MESTRING_* environment variables over defaults, checked types."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.config import Settings


def test_defaults_environment_and_keywords_in_that_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MESTRING_IDLE_LOCK_SECONDS", "60")
    monkeypatch.setenv("mestring_language", "en")  # any case, as pydantic-settings read it
    monkeypatch.setenv("MESTRING_HOME", str(tmp_path))
    settings = Settings(language="da")
    assert settings.idle_lock_seconds == 60
    assert settings.language == "da"  # the keyword wins
    assert settings.home == tmp_path and isinstance(settings.home, Path)
    assert settings.undo_minutes == 5  # the default
    assert Settings.model_fields["event_retention_days"].default == 30


def test_values_are_converted_to_the_fields_types(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MESTRING_LOCK_SCREEN_FIRST_NAMES", "yes")
    monkeypatch.setenv("MESTRING_SYNC_POLL_SECONDS", "2.5")
    settings = Settings(home="x", undo_minutes="7", clear_after_checkin_seconds=3)
    assert settings.lock_screen_first_names is True
    assert settings.sync_poll_seconds == 2.5
    assert settings.home == Path("x")
    assert settings.undo_minutes == 7
    assert settings.clear_after_checkin_seconds == 3.0


@pytest.mark.parametrize(
    ("name", "value"),
    [("idle_lock_seconds", "soon"), ("idle_lock_seconds", True), ("language", 5),
     ("lock_screen_first_names", "maybe"), ("sync_poll_seconds", "fast")],
)  # fmt: skip
def test_a_bad_value_is_a_value_error_naming_it(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name):
        Settings(**{name: value})


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MESTRING_LOCKOUT_FAILURES", "many")
    with pytest.raises(ValueError, match="MESTRING_LOCKOUT_FAILURES"):
        Settings()


def test_unknown_keywords_are_ignored_and_copies_take_updates(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, no_such_setting=1)
    assert not hasattr(settings, "no_such_setting")
    copy = settings.model_copy(update={"db_url": "sqlite:///c.db"})
    assert copy.central_db_url() == "sqlite:///c.db"
    assert settings.central_db_url() == f"sqlite:///{tmp_path / 'central.db'}"
    assert copy != settings and Settings(home=tmp_path) == settings
