"""keystrokes: keys (incl. Enter) to bring each citizen of a 2,000-citizen site to the top."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from statistics import median
from typing import Any

from bench import baseline
from bench.harness import percentile
from kiosk.services.search import CitizenIndex
from models.demo import build_demo
from models.timeutil import local_day_bounds

SITE = "hornslet"
DAY = date(2026, 11, 24)


def typings(display_name: str, length: int) -> Iterator[str]:
    """Natural ways to type ``length`` characters of a name: its start, first name + surname
    start ("me kr" for Mette Kristensen, middle names skipped), or the surname alone."""
    words = display_name.lower().split()
    full = " ".join(words)
    if length <= len(full) and not full[:length].endswith(" "):
        yield full[:length]
    first, last = words[0], words[-1]
    if len(words) > 1:
        for i in range(1, min(len(first), length - 2) + 1):
            j = length - i - 1
            if 1 <= j <= len(last):
                yield f"{first[:i]} {last[:j]}"
        if length <= len(last):
            yield last[:length]


def keystrokes_for(index: CitizenIndex, citizen_id: str, display_name: str) -> int | None:
    """Fewest keys (typing + Enter) until the citizen is the top result, or None."""
    for length in range(1, len(display_name) + 1):
        for text in typings(display_name, length):
            hits = index.search(text, limit=1).hits
            if hits and hits[0].citizen_id == citizen_id:
                return length + 1
    return None


def _site(citizens: int) -> tuple[list[tuple[str, str, int | None]], set[str]]:
    """The site's citizens and who has an appointment or group session there today."""
    data = build_demo(DAY, seed=2026, citizens=citizens)
    start, end = local_day_bounds(DAY)
    appointments = {
        a.citizen_id for a in data.appointments if a.site_id == SITE and start <= a.starts_at < end
    }
    groups = {s.group_id for s in data.sessions if s.site_id == SITE and start <= s.starts_at < end}
    enrolled = {e.citizen_id for e in data.enrolments if e.group_id in groups}
    today = appointments | enrolled
    rows = [
        (c.id, c.display_name, c.birth_year)
        for c in data.citizens
        if data.home_site[c.id] == SITE or c.id in today
    ]
    return rows, today


def _measure(
    index: CitizenIndex, rows: list[tuple[str, str, int | None]], today: set[str], *, planned: bool
) -> list[int | None]:
    counts = []
    for citizen_id, name, _year in rows:
        index.set_today(today | {citizen_id} if planned else today - {citizen_id})
        counts.append(keystrokes_for(index, citizen_id, name))
    return counts


def _figures(counts: list[int | None]) -> tuple[float, float, float]:
    reached = [c for c in counts if c is not None]
    worst = max(reached) + 1 if reached else 0  # a citizen never on top counts as worse
    filled = [c if c is not None else worst for c in counts]
    return median(filled), percentile(filled, 90), len(reached) / len(counts)


def run(quick: bool) -> dict[str, Any]:
    # About 20 % of the centre's citizens belong to Hornslet: 10,000 make a site of ~2,000.
    rows, today = _site(10_000)
    index = CitizenIndex(rows)
    sample = rows[::4] if quick else rows
    planned = _figures(_measure(index, sample, today, planned=True))
    walk_in = _figures(_measure(index, sample, today, planned=False))
    metrics = {
        "median_keystrokes": planned[0],
        "p90_keystrokes": planned[1],
        "top1_rate": round(planned[2], 4),
        "citizens": len(rows),
        "median_keystrokes_no_plan_today": walk_in[0],
        "top1_rate_no_plan_today": round(walk_in[2], 4),
    }
    rev = baseline.revision()
    if rev:  # the same site on older search code, in a process of its own
        old = baseline.run_module_at(rev, "bench.bench_keystrokes", "quick" if quick else "full")
        metrics |= {f"baseline_{key}": value for key, value in old["metrics"].items()}
    return {
        "metrics": metrics,
        "sizes": {
            "measured": len(sample),
            "with_plan_today": len(today),
            "scenario": "each citizen on a day they have an appointment or session here",
        },
    }


if __name__ == "__main__":  # run by ``bench.baseline`` against an older tree
    import json
    import sys

    print(json.dumps(run(sys.argv[1:] == ["quick"])))
