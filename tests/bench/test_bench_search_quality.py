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
