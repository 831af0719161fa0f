"""search_quality: top-1/top-5 per kind of desk query (typos too), vs a rapidfuzz baseline.

Two query sets, each over its own 2,000 Faker da_DK citizens (same-name pairs among them),
through ``CitizenIndex.search`` as the check-in screen calls it, as typed and after Tab takes
the "did you mean"; beside each a plain rapidfuzz WRatio over the folded names:

- the desk set (``bench/search_queries.py``): double-barrelled, Turkish/Polish/German names,
  fourteen kinds in the proportions a desk types (more than a third with one typo);
- the held-out set (``bench/search_heldout.py``, metrics ``heldout_*``), written apart from
  the first with other choices throughout: Faker's own ``name()``, 3+3-letter prefixes,
  typos at any letter and in every word at once, stray letters, hyphens typed wrong.

- the third set (``bench/search_third.py``, metrics ``third_*``), apart from both: first
  names uniform (short ones as common as any), slips onto neighbouring keys only, æ/ø/å
  spelt out with a slip, a slip in a short word or in the word being typed, hyphens typed
  as spaces or left out, middle names skipped or used as the call name.

``*_ceiling`` is the best top-1 any search could reach on a kind where several names yield
the same text (``ma br`` for Malene and Maya Bruun), ``*_top1_of_ceiling`` the top-1 over
it; ``*_unique_top1`` (with ``*_unique_queries``) is the top-1 on the queries of such a kind
whose text only the meant name yields. With ``MESTRING_BENCH_BASELINE=<git
rev>`` the same queries also run against that revision's search, in the same run.
"""

from __future__ import annotations

from typing import Any

from bench import baseline
from bench.search_heldout import HELDOUT_VARIANTS
from bench.search_quality import (
    ceilings,
    evaluate,
    evaluate_index,
    index_search,
    query_set,
    rapidfuzz_search,
    unique_only,
)
from bench.search_queries import VARIANTS
from bench.search_third import THIRD_VARIANTS


def _flat(
    prefix: str, figures: dict[str, dict[str, float]], keys: tuple[str, ...]
) -> dict[str, float]:
    return {
        f"{prefix}{kind}_{key}": row[key]
        for kind, row in figures.items()
        for key in keys
        if key in row
    }


def _one_set(prefix: str, which: str, count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Figures of our search and of the rapidfuzz baseline on one query set."""
    people, queries = query_set(which, count)
    variants = {"heldout": HELDOUT_VARIANTS, "third": THIRD_VARIANTS}.get(which, VARIANTS)
    unique = unique_only(queries, people, variants)
    ours = evaluate_index(count, which=which)
    fuzzy = evaluate(rapidfuzz_search(people), queries)
    from kiosk.services.search import CitizenIndex

    ours_unique = evaluate(index_search(CitizenIndex(people)), unique)
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
    for kind, value in ceilings(queries, people, variants).items():
        metrics[f"{prefix}{kind}_ceiling"] = value
        if value and kind in ours:
            metrics[f"{prefix}{kind}_top1_of_ceiling"] = round(ours[kind]["top1"] / value, 4)
    for kind, row in ours_unique.items():
        if kind.endswith("_unique"):
            metrics[f"{prefix}{kind}_queries"] = row["queries"]
            metrics[f"{prefix}{kind}_top1"] = row["top1"]
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
        old = baseline.run_module_at(rev, "bench.search_quality", str(count), which)
        metrics |= _flat(f"{prefix}baseline_", old, ("top1", "top5", "top1_tab"))
    return metrics, sizes


def run(quick: bool) -> dict[str, Any]:
    count = 2000 if quick else 6000
    metrics, sizes = _one_set("", "desk", count)
    held_metrics, held_sizes = _one_set("heldout_", "heldout", count)
    third_metrics, third_sizes = _one_set("third_", "third", count)
    return {
        "metrics": metrics | held_metrics | third_metrics,
        "sizes": sizes | held_sizes | third_sizes | {"baseline_revision": baseline.revision()},
    }
