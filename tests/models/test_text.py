"""Danish collation: æ ø å after z, aa = å, case-insensitive, accents with their base."""

from models.text import danish_sort_key


def _sorted(*names: str) -> list[str]:
    return sorted(names, key=danish_sort_key)


def test_ae_oe_aa_sort_after_z_in_that_order() -> None:
    assert _sorted("Åse", "Ørum", "Ærø", "Zenia", "Anna") == ["Anna", "Zenia", "Ærø", "Ørum", "Åse"]


def test_double_a_sorts_as_aa_letter() -> None:
    assert _sorted("Aagaard", "Østergaard", "Bach") == ["Bach", "Østergaard", "Aagaard"]
    assert danish_sort_key("Aase")[0] == danish_sort_key("Åse")[0]


def test_case_does_not_matter() -> None:
    assert danish_sort_key("jensen")[0] == danish_sort_key("JENSEN")[0]
    assert _sorted("birk", "Anders", "carl") == ["Anders", "birk", "carl"]


def test_accents_sort_with_base_letter_and_foreign_umlauts_with_danish_letters() -> None:
    assert danish_sort_key("Jérôme")[0] == danish_sort_key("Jerome")[0]
    assert danish_sort_key("Björn")[0] == danish_sort_key("Bjørn")[0]
    assert _sorted("Müller", "Madsen", "Møller") == ["Madsen", "Müller", "Møller"]


def test_equal_primary_keys_still_order_deterministically() -> None:
    assert _sorted("Åse", "Aase") == _sorted("Aase", "Åse")
