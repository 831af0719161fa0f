"""search_quality: top-1/top-5 per kind of desk query (typos too), vs a rapidfuzz baseline.

2,000 Faker da_DK citizens (same-name pairs, double-barrelled, Turkish/Polish/German names)
and seeded desk queries (``bench/search_queries.py``), through ``CitizenIndex.search`` as
the check-in screen calls it, as typed and after Tab takes the "did you mean"; beside it a
plain rapidfuzz WRatio over the folded names. With ``MESTRING_BENCH_BASELINE=<git rev>``
the same queries also run against that revision's search, in the same run.
"""

from __future__ import annotations

from typing import Any

from bench import baseline
from bench.search_quality import evaluate, evaluate_index, rapidfuzz_search
from bench.search_queries import desk_queries, population


def _flat(
    prefix: str, figures: dict[str, dict[str, float]], keys: tuple[str, ...]
) -> dict[str, float]:
    return {
        f"{prefix}{kind}_{key}": row[key]
        for kind, row in figures.items()
        for key in keys
        if key in row
    }


def run(quick: bool) -> dict[str, Any]:
    count = 1000 if quick else 3000
    people = population()
    queries = desk_queries(people, count)
    ours = evaluate_index(count)
    fuzzy = evaluate(rapidfuzz_search(people), queries)
    metrics: dict[str, Any] = {
        "top1": ours["all"]["top1"],
        "top5": ours["all"]["top5"],
        "top1_tab": ours["all"]["top1_tab"],
        "rapidfuzz_top1": fuzzy["all"]["top1"],
        "rapidfuzz_top5": fuzzy["all"]["top5"],
        "worst_kind_top1": min(row["top1"] for row in ours.values()),
        "kinds_behind_rapidfuzz": sorted(
            kind for kind, row in ours.items() if row["top1"] < fuzzy[kind]["top1"]
        ),
    }
    metrics |= _flat("", ours, ("top1", "top5", "top1_tab", "top5_tab"))
    metrics |= _flat("rapidfuzz_", fuzzy, ("top1", "top5"))
    rev = baseline.revision()
    if rev:
        old = baseline.run_module_at(rev, "bench.search_quality", str(count))
        metrics |= _flat("baseline_", old, ("top1", "top5", "top1_tab"))
    return {
        "metrics": metrics,
        "sizes": {
            "citizens": len(people),
            "distinct_names": len({name for _i, name, _y in people}),
            "queries": len(queries),
            "typo_share": round(sum(q.kind.startswith("typo") for q in queries) / len(queries), 3),
            "baseline_revision": rev,
        },
    }
