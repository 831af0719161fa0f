"""The front-desk benchmarks measure what they claim (their logic; no timing asserted)."""

from bench.bench_keystrokes import keystrokes_for, typings
from bench.bench_search import queries
from kiosk.services.search import CitizenIndex


def test_natural_typings_are_name_starts_first_plus_surname_and_surname():
    assert list(typings("Mette Kristensen", 1)) == ["m", "k"]
    assert "me k" in list(typings("Mette Kristensen", 4))
    assert "kris" in list(typings("Mette Kristensen", 4))
    assert all(len(text) == 6 for text in typings("Anne Marie Holm", 6))


def test_keystrokes_count_typing_plus_enter_until_the_citizen_is_on_top():
    index = CitizenIndex([("a", "Mette Hansen", 1970), ("b", "Mette Holm", 1980)])
    assert keystrokes_for(index, "b", "Mette Holm") == len("ho") + 1  # the surname start
    index.set_today(["b"])
    assert keystrokes_for(index, "b", "Mette Holm") == 2  # "m" + Enter


def test_identical_names_without_a_plan_never_reach_the_top_alone():
    index = CitizenIndex([("a", "Jens Hansen", 1950), ("b", "Jens Hansen", 1990)])
    assert keystrokes_for(index, "b", "Jens Hansen") is None


def test_search_queries_mix_danish_letters_ascii_spellings_and_typos():
    names = ["Søren Ærø Sørensen", "Åse Møller", "Jens Christensen"] * 50
    texts = queries(names, 400)
    assert len(texts) == 400
    assert any("ø" in t for t in texts) and any("oe" in t or "aa" in t for t in texts)
    index = CitizenIndex([(str(i), n, 1950) for i, n in enumerate(set(names))])
    assert any(index.search(t).suggestion for t in texts)  # some are typos
