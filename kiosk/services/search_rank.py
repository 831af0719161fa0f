"""How well one citizen's name matches a typed query: the sort key of the result list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from kiosk.services.search_fuzzy import LOOSE, TYPOS

if TYPE_CHECKING:
    from kiosk.services.search_vocab import Vocabulary

#: A match inside a double-barrelled name whose other part was not typed ranks like a
#: sound-alike of a whole name ("Søren Hansen" before "Søren Eriksen-Hansen").
COMPOUND_PENALTY = 3


class Score(NamedTuple):
    """Sort key of a hit, best (smallest) first; see ``kiosk.services.search``."""

    loose: int  # query words matched only loosely (a typo, or a sound-alike's start)
    not_today: int
    out_of_order: int
    quality: int
    misspelt: int
    left_over: int
    typos: int  # of the loose matches, those that are typos (the hit is approximate)


@dataclass(slots=True)
class QueryPlan:
    """One typed word and the vocabulary words it matches (word number → quality)."""

    raw: str
    matches: dict[int, int]
    exact_matches: dict[int, int] = field(init=False)
    spelt: dict[int, int] = field(default_factory=dict)  # spelling number → 0 as typed, 1 not

    def __post_init__(self) -> None:
        self.exact_matches = {w: q for w, q in self.matches.items() if q < LOOSE}


@dataclass(slots=True)
class Plan:
    """The typed words of one search, in order."""

    words: list[QueryPlan]
    #: Scores by name words: citizens sharing a name share a score (but for today's plan).
    memo: dict[tuple[int, ...], Score | None] = field(default_factory=dict)

    @property
    def has_typos(self) -> bool:
        return any(len(q.exact_matches) < len(q.matches) for q in self.words)

    def spelling(self, n: int, spelling: int, raw_text: list[str]) -> int:
        """0 when name spelling ``spelling`` starts as query word ``n`` was typed (å vs aa)."""
        cache = self.words[n].spelt
        found = cache.get(spelling)
        if found is None:
            found = cache[spelling] = 0 if raw_text[spelling].startswith(self.words[n].raw) else 1
        return found


def assign(
    positions: tuple[int, ...], plan: Plan, vocab: Vocabulary
) -> list[tuple[int, int, int]] | None:
    """For each query word, the best unused name word: (quality, misspelt, position)."""
    chosen: list[tuple[int, int, int]] = []
    used: set[int] = set()
    for n, word in enumerate(plan.words):
        best: tuple[int, int, int] | None = None
        for position, spelling in enumerate(positions):
            quality = word.matches.get(vocab.folded_of[spelling])
            if quality is None or position in used:
                continue
            candidate = (quality, plan.spelling(n, spelling, vocab.raw_text), position)
            if best is None or candidate < best:
                best = candidate
        if best is None:
            return None
        chosen.append(best)
        used.add(best[2])
    return chosen


def score_citizen(
    positions: tuple[int, ...], plan: Plan, vocab: Vocabulary, *, today: bool
) -> Score | None:
    """The sort key of a citizen whose name words are ``positions``, or None (no match).

    In order means the first query word matched the first name word and later query words
    later name words: how people type a name.
    """
    if positions in plan.memo:
        found = plan.memo[positions]
    else:
        found = plan.memo[positions] = _score(positions, plan, vocab)
    if found is None or not today:
        return found
    return Score(found[0], 0, *found[2:])


def _score(positions: tuple[int, ...], plan: Plan, vocab: Vocabulary) -> Score | None:
    chosen = assign(positions, plan, vocab)
    if chosen is None:
        return None
    used = [c[2] for c in chosen]
    in_order = used[0] == 0 and all(a < b for a, b in zip(used, used[1:], strict=False))
    compound = vocab.compound
    split = any(compound[positions[p]] for p in used) and any(
        compound[s] for p, s in enumerate(positions) if p not in used
    )
    return Score(
        loose=sum(c[0] >= LOOSE for c in chosen),
        not_today=1,
        out_of_order=0 if in_order else 1,
        quality=sum(c[0] for c in chosen) + (COMPOUND_PENALTY if split else 0),
        misspelt=sum(c[1] for c in chosen),
        left_over=len(positions) - len(chosen),
        typos=sum(c[0] in TYPOS for c in chosen),
    )
