"""The card wedge tells a scan from people typing."""

from kiosk.wedge import CardWedge


def feed_all(wedge, text, *, gap, start=0.0):
    at = start
    result = None
    for ch in text:
        result = wedge.feed(ch, ch, at)
        at += gap
    return wedge.feed("enter", "\r", at) if result is None else result


def test_a_fast_token_with_enter_is_a_scan():
    assert feed_all(CardWedge(), "SP1234ABCDE", gap=0.005) == "SP1234ABCDE"


def test_a_token_with_digits_counts_even_when_typed_slowly():
    assert feed_all(CardWedge(), "AB12CD34", gap=0.3) == "AB12CD34"


def test_a_name_typed_in_capitals_by_a_person_is_not_a_scan():
    assert feed_all(CardWedge(), "CHRISTENSEN", gap=0.15) is None


def test_pins_initials_and_lowercase_names_are_not_scans():
    assert feed_all(CardWedge(), "2001", gap=0.005) is None
    assert feed_all(CardWedge(), "MH", gap=0.005) is None
    assert feed_all(CardWedge(), "soerensen12", gap=0.005) is None


def test_a_long_pause_starts_a_new_token():
    wedge = CardWedge()
    for i, ch in enumerate("XY"):
        wedge.feed(ch, ch, i * 0.01)
    assert feed_all(wedge, "SP1234AB", gap=0.01, start=5.0) == "SP1234AB"
