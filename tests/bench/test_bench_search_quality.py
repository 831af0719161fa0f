"""The search-quality bench measures what it claims: its population, queries and tally."""

from collections import Counter

from bench.search_quality import evaluate
from bench.search_queries import KINDS, Query, desk_queries, population


def test_population_has_same_name_pairs_double_barrelled_and_foreign_letters():
    people = population(2000)
    names = Counter(name for _id, name, _year in people)
    assert len(people) == 2000 and len({i for i, _n, _y in people}) == 2000
    assert sum(1 for count in names.values() if count > 1) >= 20
    assert any("-" in name for name in names)
    assert any(set(name) & set("ıłşçğüöäé") for name in names)
    assert population(2000) == people  # seeded


def test_queries_come_in_every_kind_and_a_third_carry_a_typo():
    people = population(2000)
    queries = desk_queries(people, 2000)
    kinds = Counter(q.kind for q in queries)
    assert set(kinds) == set(KINDS)
    assert sum(n for k, n in kinds.items() if k.startswith("typo")) >= len(queries) / 3
    assert desk_queries(people, 2000) == queries  # seeded
    for q in queries:
        if q.kind.startswith("typo"):
            plain = q.name.lower()
            assert q.text not in (plain, " ".join(plain.split()[:: len(plain.split()) - 1]))


def test_the_tally_counts_first_and_top_five_as_typed_and_after_tab():
    queries = [Query("full", "a", "1", "Anne Holm"), Query("typo_dropped", "b", "2", "Bo Lund")]
    answers = {"a": (["Anne Holm"], None), "b": (["X", "Y", "Bo Lund"], "bo lund"),
               "bo lund": (["Bo Lund"], None)}  # fmt: skip
    figures = evaluate(lambda text: answers[text], queries)
    assert figures["all"]["top1"] == 0.5 and figures["all"]["top5"] == 1.0
    assert figures["typo_dropped"]["top1"] == 0.0 and figures["typo_dropped"]["top1_tab"] == 1.0
    assert figures["typo"]["queries"] == 1 and figures["no_typo"]["top1"] == 1.0


def test_the_held_out_set_is_built_otherwise_and_carries_every_kind():
    from bench.search_heldout import HELDOUT_KINDS, heldout_population, heldout_queries

    people = heldout_population(2000)
    assert len(people) == 2000 and population(2000) != people
    assert not any(name.split()[0].lower() in ("dr.", "fru", "hr") for _i, name, _y in people)
    queries = heldout_queries(people, 2000)
    assert set(Counter(q.kind for q in queries)) == set(HELDOUT_KINDS)
    assert heldout_queries(people, 2000) == queries  # seeded
    typos = [q for q in queries if q.kind.startswith("typo")]
    assert len(typos) >= len(queries) / 2
    assert any(q.text.split()[0][0] != q.name.lower().split()[0][0] for q in typos)  # 1st letter


def test_the_ceiling_is_what_no_search_can_beat_on_ambiguous_texts():
    from bench.search_quality import ceilings

    people = [("1", "Maya Bruun", 1950), ("2", "Malene Bruun", 1960), ("3", "Bo Dam", 1970),
              ("4", "Bo Dam", 1980)]  # fmt: skip
    variants = {"short": lambda name: {" ".join(w[:2] for w in name.lower().split()): 1.0}}
    queries = [Query("short", "ma br", "1", "Maya Bruun"), Query("short", "bo da", "3", "Bo Dam")]
    # "ma br" is either of two names; "bo da" is one name (two namesakes count as one)
    assert ceilings(queries, people, variants) == {"short": 0.75}


def test_the_third_set_is_built_apart_and_carries_every_kind():
    from bench.search_third import THIRD_KINDS, third_population, third_queries

    people = third_population(2000)
    assert len(people) == 2000 and people != population(2000)
    names = [name for _i, name, _y in people]
    assert any(len(name.split()[0]) == 2 for name in names)  # Bo, Ib: short first names
    assert any("-" in name for name in names) and any(len(n.split()) >= 3 for n in names)
    queries = third_queries(people, 2000)
    assert set(Counter(q.kind for q in queries)) == set(THIRD_KINDS)
    assert third_queries(people, 2000) == queries  # seeded
    for q in queries:
        if q.kind == "hyphen_space":
            assert "-" not in q.text and q.text.split()[-1] in q.name.lower()
        if q.kind == "typo_typing":
            assert len(q.text.split()[-1]) >= 3


def test_unique_queries_are_those_only_the_meant_name_yields():
    from bench.search_quality import unique_only

    people = [("1", "Maya Bruun", 1950), ("2", "Malene Bruun", 1960), ("3", "Bo Dam", 1970),
              ("4", "Bo Dam", 1980)]  # fmt: skip
    variants = {"short": lambda name: {" ".join(w[:2] for w in name.lower().split()): 1.0}}
    queries = [Query("short", "ma br", "1", "Maya Bruun"), Query("short", "bo da", "3", "Bo Dam")]
    assert unique_only(queries, people, variants) == [Query("short_unique", "bo da", "3", "Bo Dam")]
