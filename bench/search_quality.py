"""Top-1/top-5 of a search over the desk queries, per kind, as typed and after Tab."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from bench.search_queries import Citizen, Query, desk_queries, population

#: A search: text → display names of the hits, best first, and the "did you mean" text.
Search = Callable[[str], tuple[list[str], str | None]]


def index_search(index: Any) -> Search:
    """``CitizenIndex.search`` as a ``Search`` (works for older versions of the index too)."""

    def search(text: str) -> tuple[list[str], str | None]:
        result = index.search(text, limit=20)
        return [hit.display_name for hit in result.hits], result.suggestion

    return search


def rapidfuzz_search(people: Sequence[Citizen]) -> Search:
    """A plain ``rapidfuzz`` WRatio over the folded names (the baseline to beat)."""
    from rapidfuzz import fuzz, process

    from models.search_text import fold

    names = [name for _id, name, _year in people]
    folded = [fold(name) for name in names]

    def search(text: str) -> tuple[list[str], str | None]:
        best = process.extract(fold(text), folded, scorer=fuzz.WRatio, limit=5)
        return [names[i] for _choice, _score, i in best], None

    return search


def evaluate(search: Search, queries: Sequence[Query]) -> dict[str, dict[str, float]]:
    """Share of queries whose intended person is first / in the top five, per kind and
    overall, as typed and after taking the suggestion. Someone with the same name as the
    intended person counts as them: nothing typed by name can tell the two apart."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for query in queries:
        names, suggestion = search(query.text)
        if suggestion:
            names_tab = search(suggestion)[0]
        else:
            names_tab = names
        for kind in (query.kind, "all", "typo" if query.kind.startswith("typo") else "no_typo"):
            row = tally[kind]
            row[0] += 1
            row[1] += names[:1] == [query.name]
            row[2] += query.name in names[:5]
            row[3] += names_tab[:1] == [query.name]
            row[4] += query.name in names_tab[:5]
    return {
        kind: {
            "queries": n,
            "top1": round(t1 / n, 4),
            "top5": round(t5 / n, 4),
            "top1_tab": round(tab1 / n, 4),
            "top5_tab": round(tab5 / n, 4),
        }
        for kind, (n, t1, t5, tab1, tab5) in sorted(tally.items())
    }


def ceilings(
    queries: Sequence[Query],
    people: Sequence[Citizen],
    variants: dict[str, Callable[[str], dict[str, float]]],
) -> dict[str, float]:
    """The best top-1 any search could reach, per kind that ``variants`` covers: for each
    query, the chance that the likeliest name to have yielded its text is the one meant.
    Every citizen is as likely to be looked for; a name shared counts once (``evaluate``
    counts a namesake as a hit)."""
    holders = Counter(name for _id, name, _year in people)
    found: dict[str, list[float]] = defaultdict(list)
    for kind, texts_of in variants.items():
        chances: dict[str, dict[str, float]] = defaultdict(dict)
        for name, count in holders.items():
            for text, chance in texts_of(name).items():
                chances[text][name] = chances[text].get(name, 0.0) + chance * count
        for query in queries:
            if query.kind == kind:
                names = chances[query.text]
                found[kind].append(max(names.values()) / sum(names.values()))
    return {kind: round(sum(values) / len(values), 4) for kind, values in found.items()}


def unique_only(
    queries: Sequence[Query],
    people: Sequence[Citizen],
    variants: dict[str, Callable[[str], dict[str, float]]],
) -> list[Query]:
    """The queries of the ``variants`` kinds whose text only the meant name yields (namesakes
    counted as one), each as kind ``<kind>_unique``: where a search can be judged on top-1
    without the luck of the draw between people who type alike."""
    names = {name for _id, name, _year in people}
    yielders: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for kind, texts_of in variants.items():
        for name in names:
            for text in texts_of(name):
                yielders[kind][text].add(name)
    return [
        Query(f"{q.kind}_unique", q.text, q.target, q.name)
        for q in queries
        if q.kind in variants and yielders[q.kind][q.text] == {q.name}
    ]


def query_set(which: str, count: int) -> tuple[list[Citizen], list[Query]]:
    """The population and ``count`` queries of one set: ``desk``, ``heldout`` or ``third``."""
    if which == "heldout":
        from bench.search_heldout import heldout_population, heldout_queries

        people = heldout_population()
        return people, heldout_queries(people, count)
    if which == "third":
        from bench.search_third import third_population, third_queries

        people = third_population()
        return people, third_queries(people, count)
    people = population()
    return people, desk_queries(people, count)


def evaluate_index(
    count: int, *, heldout: bool = False, which: str = "desk"
) -> dict[str, dict[str, float]]:
    """The current ``CitizenIndex`` on one population and its queries (``which``; the
    held-out set also by ``heldout``)."""
    from kiosk.services.search import CitizenIndex

    people, queries = query_set("heldout" if heldout else which, count)
    return evaluate(index_search(CitizenIndex(people)), queries)


if __name__ == "__main__":  # run by ``bench.baseline`` against an older tree
    import sys

    print(json.dumps(evaluate_index(int(sys.argv[1]), which=(sys.argv[2:] or ["desk"])[0])))
