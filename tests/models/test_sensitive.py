"""The shared detectors for CPR-like numbers, unsafe characters and spreadsheet formulas."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.sensitive import cpr_like, spreadsheet_safe, text_problem, unsafe_char


@pytest.mark.parametrize(
    "value",
    [
        "120385-1234",
        "1203851234",
        "Lars 120385 1234",
        "ref:010190-1111;x",
        "Gæst 010190.1111",
        "311299/0001",
    ],
)
def test_cpr_shaped_values_are_found(value: str) -> None:
    assert cpr_like(value)
    assert cpr_like(value, separated_date=True)
    assert "CPR" in text_problem(value, max_length=100)
    assert value not in text_problem(value, max_length=100)


@pytest.mark.parametrize(
    "value",
    ["Søren Pedersen", "G-201", "12345", "2026-11-24", "321385-1234", "121385-1234", "12038512345"],
)
def test_ordinary_values_are_not_cpr(value: str) -> None:
    assert not cpr_like(value)


SEPARATED_DATES = ["Ib 31.12.99-1234", "Ole 01 01 90 1111", "01.02.03-1234", "Åse 12/05/85 4321"]


@pytest.mark.parametrize("value", [*SEPARATED_DATES, "24-11-26-1234"])
def test_a_cpr_number_with_separators_inside_its_date_is_found_when_asked(value: str) -> None:
    assert cpr_like(value, separated_date=True)
    # The plain rule (central imports and pushes) looks for six digits in a row only.
    assert not cpr_like(value)


@pytest.mark.parametrize(
    "value",
    [
        "Søren Pedersen",
        "32.12.99-1234",  # no day 32
        "01.13.90-1111",  # no month 13
        "01.02.03-12345",  # five digits after the date
        "24.11.2026",
        "24.11.2026 14:30",
        "mødes 24.11 kl. 10.30",
        "2026-11-24",
    ],
)
def test_dates_and_times_are_not_cpr_with_separated_dates_either(value: str) -> None:
    assert not cpr_like(value, separated_date=True)


@given(
    st.integers(min_value=1, max_value=31),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=9999),
    st.sampled_from([".", " ", "-", "/"]),
    st.sampled_from(["-", "", " ", "."]),
)
def test_every_real_day_month_with_separators_in_the_date_is_detected(
    day: int, month: int, yy: int, tail: int, inner: str, sep: str
) -> None:
    value = f"x {day:02d}{inner}{month:02d}{inner}{yy:02d}{sep}{tail:04d} y"
    assert cpr_like(value, separated_date=True)


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x7f", "\x9b", "\u202e", "\ud800"])
def test_control_and_bidi_characters_are_unsafe(char: str) -> None:
    assert unsafe_char(f"Ib{char}Aa") == char
    assert "control character" in text_problem(f"Ib{char}Aa", max_length=100)


def test_danish_letters_and_punctuation_are_safe() -> None:
    assert unsafe_char("Åse Ørsted-Æbelø, «kaffe» — 10 % …") is None
    assert text_problem("Åse Ørsted", max_length=100) == ""
    assert "longer" in text_problem("x" * 101, max_length=100)


@given(
    st.integers(min_value=1, max_value=31),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=9999),
    st.sampled_from(["-", "", " "]),
)
def test_every_real_day_month_shape_is_detected(
    day: int, month: int, yy: int, tail: int, sep: str
) -> None:
    assert cpr_like(f"x {day:02d}{month:02d}{yy:02d}{sep}{tail:04d} y")


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell


def test_plain_cells_and_numbers_pass_through() -> None:
    assert spreadsheet_safe("Hornslet") == "Hornslet"
    assert spreadsheet_safe(-3) == -3
    assert spreadsheet_safe(0.5) == 0.5
