"""search_quality: top-1/top-5 per kind of desk query (typos too), vs a rapidfuzz baseline.

Two query sets, each over its own 2,000 Faker da_DK citizens (same-name pairs among them),
through ``CitizenIndex.search`` as the check-in screen calls it, as typed and after Tab takes
the "did you mean"; beside each a plain rapidfuzz WRatio over the folded names:

- the desk set (``bench/search_queries.py``): double-barrelled, Turkish/Polish/German names,
  fourteen kinds in the proportions a desk types (more than a third with one typo);
- the held-out set (``bench/search_heldout.py``, metrics ``heldout_*``), written apart from
  the first with other choices throughout: Faker's own ``name()``, 3+3-letter prefixes,
  typos at any letter and in every word at once, stray letters, hyphens typed wrong.

``*_ceiling`` is the best top-1 any search could reach on a kind where several names yield
the same text (``ma br`` for Malene and Maya Bruun). With ``MESTRING_BENCH_BASELINE=<git
rev>`` the same queries also run against that revision's search, in the same run.
"""

from __future__ import annotations

from typing import Any

from bench import baseline
from bench.search_heldout import (
    HELDOUT_VARIANTS,
    heldout_population,
    heldout_queries,
)
from bench.search_quality import ceilings, evaluate, evaluate_index, rapidfuzz_search
from bench.search_queries import VARIANTS, desk_queries, population


def _flat(
    prefix: str, figures: dict[str, dict[str, float]], keys: tuple[str, ...]
) -> dict[str, float]:
    return {
        f"{prefix}{kind}_{key}": row[key]
        for kind, row in figures.items()
        for key in keys
        if key in row
    }


def _one_set(prefix: str, heldout: bool, count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Figures of our search and of the rapidfuzz baseline on one query set."""
    if heldout:
        people = heldout_population()
        queries = heldout_queries(people, count)
        variants = HELDOUT_VARIANTS
    else:
        people = population()
        queries = desk_queries(people, count)
        variants = VARIANTS
    ours = evaluate_index(count, heldout=heldout)
    fuzzy = evaluate(rapidfuzz_search(people), queries)
    metrics: dict[str, Any] = {
        f"{prefix}top1": ours["all"]["top1"],
        f"{prefix}top5": ours["all"]["top5"],
        f"{prefix}top1_tab": ours["all"]["top1_tab"],
        f"{prefix}rapidfuzz_top1": fuzzy["all"]["top1"],
        f"{prefix}rapidfuzz_top5": fuzzy["all"]["top5"],
        f"{prefix}worst_kind_top1": min(row["top1"] for row in ours.values()),
        f"{prefix}kinds_behind_rapidfuzz": sorted(
            kind for kind, row in ours.items() if row["top1"] < fuzzy[kind]["top1"]
        ),
    }
    metrics |= _flat(prefix, ours, ("top1", "top5", "top1_tab", "top5_tab"))
    metrics |= _flat(f"{prefix}rapidfuzz_", fuzzy, ("top1", "top5"))
    metrics |= {f"{prefix}{kind}_ceiling": value
                for kind, value in ceilings(queries, people, variants).items()}  # fmt: skip
    sizes = {
        f"{prefix}citizens": len(people),
        f"{prefix}distinct_names": len({name for _i, name, _y in people}),
        f"{prefix}queries": len(queries),
        f"{prefix}typo_share": round(
            sum(q.kind.startswith("typo") for q in queries) / len(queries), 3
        ),
    }
    rev = baseline.revision()
    if rev:
        args = (str(count), "heldout") if heldout else (str(count),)
        old = baseline.run_module_at(rev, "bench.search_quality", *args)
        metrics |= _flat(f"{prefix}baseline_", old, ("top1", "top5", "top1_tab"))
    return metrics, sizes


def run(quick: bool) -> dict[str, Any]:
    count = 2000 if quick else 6000
    metrics, sizes = _one_set("", False, count)
    held_metrics, held_sizes = _one_set("heldout_", True, count)
    return {
        "metrics": metrics | held_metrics,
        "sizes": sizes | held_sizes | {"baseline_revision": baseline.revision()},
    }
