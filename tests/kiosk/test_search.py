"""Danish-aware citizen search: a table of cases, ranking, typos and the index's upkeep."""

import pytest

from kiosk.services.search import CitizenIndex
from models.search_text import fold, sound_key

PEOPLE = [
    ("soeren-60", "Søren Pedersen", 1960),
    ("soren-85", "Soren Petersen", 1985),
    ("mette-k", "Mette Kristensen", 1970),
    ("mette-c", "Mette Christensen", 1990),
    ("mette-ch", "Mette Christiansen", 1991),
    ("jens-50", "Jens Nielsen", 1950),
    ("jens-82", "Jens Nielsen", 1982),
    ("jens-nil", "Jens Nilsen", 1977),
    ("aase", "Aase Møller", 1944),
    ("aage", "Åge Jenssen", 1939),
    ("baek", "Lærke Bæk", 2001),
    ("bjoern", "Bjørn Aagaard", 1971),
    ("philip", "Philip Thomsen", 1999),
    ("jerome", "Jérôme Müller", 1980),
    ("anne-marie", "Anne-Marie Holm", 1966),
    ("ejnar", "Ejnar Kaj Dam", 1950),
]


@pytest.fixture(scope="module")
def index():
    return CitizenIndex(PEOPLE)


def ids(index, query):
    return [hit.citizen_id for hit in index.search(query).hits]


# (query, citizens that must be found, the one that must be first or None)
CASES = [
    ("søren", {"soeren-60", "soren-85"}, None),
    ("soeren", {"soeren-60", "soren-85"}, None),  # oe ≡ ø
    ("SØREN PEDERSEN", {"soeren-60"}, "soeren-60"),  # case
    ("pedersen søren", {"soeren-60"}, "soeren-60"),  # order is free
    ("ped", {"soeren-60", "soren-85"}, "soeren-60"),  # prefix first, Petersen by sound
    ("petersen", {"soren-85", "soeren-60"}, "soren-85"),  # Pedersen/Petersen
    ("aase", {"aase"}, "aase"),
    ("åse", {"aase"}, "aase"),  # aa ≡ å
    ("aage", {"aage"}, "aage"),
    ("bjorn", {"bjoern"}, "bjoern"),  # ø typed as o: same sound
    ("bjoern ågaard", {"bjoern"}, "bjoern"),
    ("baek", {"baek"}, "baek"),  # ae ≡ æ
    ("bäk", {"baek"}, "baek"),  # ä ≡ æ
    ("laerke", {"baek"}, "baek"),
    ("moeller", {"aase"}, "aase"),
    ("möller", {"aase"}, "aase"),  # ö ≡ ø
    ("jerome", {"jerome"}, "jerome"),  # accents folded
    ("kristensen", {"mette-k", "mette-c"}, "mette-k"),  # Christensen/Kristensen
    ("christensen", {"mette-k", "mette-c"}, "mette-c"),
    ("nilsen", {"jens-nil", "jens-50", "jens-82"}, "jens-nil"),  # Nielsen/Nilsen
    ("jensen", {"aage"}, "aage"),  # Jensen/Jenssen
    ("filip", {"philip"}, "philip"),  # ph/f
    ("tomsen", {"philip"}, "philip"),  # th/t
    ("marie holm", {"anne-marie"}, "anne-marie"),  # hyphenated names are words
    ("einar", {"ejnar"}, "ejnar"),
    ("kai", {"ejnar"}, "ejnar"),
]


@pytest.mark.parametrize(("query", "expected", "first"), CASES)
def test_search_table(index, query, expected, first):
    found = ids(index, query)
    assert expected <= set(found), f"{query!r} found {found}"
    if first is not None:
        assert found[0] == first, f"{query!r} ranked {found}"


def test_same_name_people_are_told_apart_by_birth_year(index):
    hits = [h for h in index.search("jens nielsen").hits if h.display_name == "Jens Nielsen"]
    assert sorted(h.birth_year for h in hits) == [1950, 1982]


def test_exact_spelling_ranks_above_a_sound_alike(index):
    assert ids(index, "mette kristensen")[:2] == ["mette-k", "mette-c"]


def test_unrelated_names_are_not_matched(index):
    assert "mette-k" not in ids(index, "jens")
    assert ids(index, "zyx") == []


def test_empty_or_blank_search_finds_nobody(index):
    for query in ("", "   ", "-", "!!"):
        result = index.search(query)
        assert result.hits == () and result.suggestion is None


def test_a_typo_is_listed_and_offered_as_a_suggestion(index):
    result = index.search("kristnesen")
    assert "mette-k" in [h.citizen_id for h in result.hits]
    assert all(h.approximate for h in result.hits)
    assert result.suggestion == "kristensen"


def test_a_typo_while_typing_suggests_the_name_being_typed(index):
    result = index.search("mette krsit")
    assert "mette-k" in {h.citizen_id for h in result.hits[:3]}
    assert result.suggestion is not None
    assert "mette-k" in ids(index, result.suggestion)


def test_short_words_get_no_typo_suggestion(index):
    assert index.search("xyz").suggestion is None


def test_people_with_something_today_rank_first():
    index = CitizenIndex(PEOPLE)
    index.set_today(["jens-82"])
    hits = index.search("jens").hits
    assert hits[0].citizen_id == "jens-82" and hits[0].has_today
    assert not hits[1].has_today


def test_upsert_and_remove_keep_the_index_current():
    index = CitizenIndex(PEOPLE)
    index.upsert("new", "Zenia Ørsted", 2000)
    assert ids(index, "oersted") == ["new"]
    index.upsert("new", "Zenia Lund", 2000)
    assert ids(index, "oersted") == [] and ids(index, "zenia lund") == ["new"]
    index.remove("new")
    assert ids(index, "zenia") == [] and len(index) == len(PEOPLE)


def test_large_unselective_queries_still_return_the_limit():
    rows = [(f"c{i}", f"Mette {name}sen", 1950 + i % 50) for i, name in
            enumerate(["Han", "Jen", "Niel", "Lar", "Peder"] * 800)]  # fmt: skip
    index = CitizenIndex(rows)
    assert len(index.search("m", limit=15).hits) == 15
    assert len(index.search("m h", limit=15).hits) == 15
    assert all(h.display_name == "Mette Hansen" for h in index.search("m h", limit=15).hits)


def test_folding_and_sound_keys():
    assert fold("Ærø-Åse Øster") == "aeroe aase oester"
    assert sound_key("christensen") == sound_key("kristensen")
    assert sound_key("pedersen") == sound_key("petersen")
    assert sound_key("jonas") != sound_key("jens")


def test_citizens_sharing_a_name_come_by_birth_year_and_an_unknown_year_stays_unknown() -> None:
    index = CitizenIndex(
        [("c", "Jens Hansen", 1990), ("a", "Jens Hansen", None), ("b", "Jens Hansen", 1950)]
    )
    hits = index.search("jens hansen").hits
    assert [(h.citizen_id, h.birth_year) for h in hits] == [("a", None), ("b", 1950), ("c", 1990)]
