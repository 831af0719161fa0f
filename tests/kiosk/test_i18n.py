"""The i18n layer: complete catalogues in both languages, Danish dates and 24-hour times."""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from kiosk.i18n import LANGUAGES, catalogues, current_language, set_language, t
from kiosk.i18n.formats import clock, long_date


@pytest.fixture(autouse=True)
def danish() -> Iterator[None]:
    set_language("da")
    yield
    set_language("da")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_danish_key_has_an_english_text_and_vice_versa() -> None:
    entries = catalogues().entries
    assert entries["da"], "no catalogue was discovered"
    assert set(entries["da"]) == set(entries["en"])


def test_both_languages_use_the_same_placeholders() -> None:
    entries = catalogues().entries
    for key, template in entries["da"].items():
        assert _fields(template) == _fields(entries["en"][key]), key


def test_t_follows_the_current_language() -> None:
    assert t("app.quit") == "Afslut"
    set_language("en")
    assert current_language() == "en" and t("app.quit") == "Quit"


def test_t_formats_keyword_arguments() -> None:
    assert "disk full" in t("app.error.load_failed", error="disk full")


def test_unknown_language_is_refused_and_changes_nothing() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        set_language("de")
    assert current_language() == "da"


def test_unknown_key_shows_the_key_rather_than_crashing() -> None:
    assert t("no.such.key") == "no.such.key"


@pytest.mark.parametrize("language", LANGUAGES)
def test_long_date_names_weekday_date_and_iso_week(language: str) -> None:
    expected = {"da": "tirsdag 24.11.2026 · uge 48", "en": "Tuesday 24.11.2026 · week 48"}
    assert long_date(date(2026, 11, 24), language) == expected[language]


def test_iso_week_at_new_year_belongs_to_the_right_year() -> None:
    assert long_date(date(2027, 1, 1), "da") == "fredag 01.01.2027 · uge 53"


def test_clock_is_24_hour_danish_time_across_daylight_saving() -> None:
    assert clock(datetime(2026, 11, 24, 13, 5, tzinfo=UTC)) == "14:05"
    assert clock(datetime(2026, 7, 1, 13, 5, tzinfo=UTC)) == "15:05"
