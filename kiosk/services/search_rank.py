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
    untyped: int  # letters of the matched name words beyond those typed (``jo``: Jon, Johnny)
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
        """0 when name spelling ``spelling`` is spelt as query word ``n`` was typed."""
        cache = self.words[n].spelt
        found = cache.get(spelling)
        if found is None:
            found = cache[spelling] = spelt_as_typed(raw_text[spelling], self.words[n].raw)
        return found


def spelt_as_typed(name: str, typed: str) -> int:
    """0 when a name word starts as typed, or is spelt with the same letters beyond ASCII
    (matched through a typo or a sound: ``ågre`` is spelt like Åge, not like Aage); else 1."""
    if name.startswith(typed) or (name.isascii() and typed.isascii()):
        return 0
    return 0 if {c for c in name if c > "z"} == {c for c in typed if c > "z"} else 1


def assign(
    positions: tuple[int, ...], plan: Plan, vocab: Vocabulary
) -> list[tuple[int, int, int]] | None:
    """For each query word a different name word: (quality, misspelt, position). A joined
    double-barrelled name uses up its parts, and a part its joined name. Each word takes its
    best free name word in turn; only if an earlier word took a name word a later one
    matches better (or needed) are all the ways tried (``lærce larsen``: the slip sounds
    like the start of Larsen, but must take Lærke; ``overgaarda ndresen``: the first word
    must take Overgaard, not the joined name)."""
    joined = bool(positions) and vocab.joins[positions[-1]]  # joined names come last
    covers = vocab.layout(positions)[1]
    chosen: list[tuple[int, int, int]] = []
    used: set[int] = set()
    for n, word in enumerate(plan.words):
        best: tuple[int, int, int] | None = None  # the best free name word
        best_any: tuple[int, int, int] | None = None  # free or taken by an earlier word
        for position, spelling in enumerate(positions):
            quality = word.matches.get(vocab.folded_of[spelling])
            if quality is None:
                continue
            candidate = (quality, plan.spelling(n, spelling, vocab.raw_text), position)
            if best_any is None or candidate < best_any:
                best_any = candidate
            free = used.isdisjoint(covers[position]) if joined else position not in used
            if free and (best is None or candidate < best):
                best = candidate
        if best is None or best_any is None or best[:2] != best_any[:2]:
            return _best_assignment(positions, plan, vocab, covers) if used else None
        chosen.append(best)
        used.update(covers[best[2]])
    return chosen


def _best_assignment(
    positions: tuple[int, ...], plan: Plan, vocab: Vocabulary, covers: tuple[tuple[int, ...], ...]
) -> list[tuple[int, int, int]] | None:
    """The assignment with the fewest loose matches, then the best qualities, if any."""
    if len(plan.words) > len(positions):
        return None
    options: list[list[tuple[int, int, int]]] = []
    for n, word in enumerate(plan.words):
        options.append(sorted(
            (quality, plan.spelling(n, spelling, vocab.raw_text), position)
            for position, spelling in enumerate(positions)
            if (quality := word.matches.get(vocab.folded_of[spelling])) is not None
        ))  # fmt: skip
    best: tuple[tuple[int, int, int], list[tuple[int, int, int]]] | None = None

    def walk(n: int, used: frozenset[int], chosen: list[tuple[int, int, int]]) -> None:
        nonlocal best
        if n == len(options):
            key = (sum(c[0] >= LOOSE for c in chosen), sum(c[0] for c in chosen),
                   sum(c[1] for c in chosen))  # fmt: skip
            if best is None or key < best[0]:
                best = (key, list(chosen))
            return
        for option in options[n]:
            if used.isdisjoint(covers[option[2]]):
                chosen.append(option)
                walk(n + 1, used | set(covers[option[2]]), chosen)
                chosen.pop()

    walk(0, frozenset(), [])
    return best[1] if best is not None else None


def score_citizen(
    positions: tuple[int, ...], plan: Plan, vocab: Vocabulary, *, today: bool
) -> Score | None:
    """The sort key of a citizen whose name words are ``positions``, or None (no match).

    In order means each query word matched a later name word than the one before (a single
    word the first name word): how people type a name, the middle name as call name too.
    """
    if positions in plan.memo:
        found = plan.memo[positions]
    else:
        found = plan.memo[positions] = _score(positions, plan, vocab)
    if found is None or not today:
        return found
    return Score(found[0], 0, *found[2:])


def _in_order(used: list[int], surname: int) -> bool:
    """Query words typed in the name's order: each matched a later name word than the one
    before, the first matching the first name word, or with several words any given name
    (``stig lauritsen`` for Richard Stig Lauritsen, who goes by his middle name, but not
    ``laursen klaus`` for Dagny Laursen-Klausen); ``surname`` is where the surname starts."""
    if used[0] and (len(used) == 1 or used[0] >= surname):
        return False
    return all(a < b for a, b in zip(used, used[1:], strict=False))


def _surname(positions: tuple[int, ...], real: int, vocab: Vocabulary) -> int:
    """The position of a name's surname (its first part, when double-barrelled)."""
    compound, at = vocab.compound, real - 1
    while at > 0 and compound[positions[at]] and compound[positions[at - 1]]:
        at -= 1
    return at


def _score(positions: tuple[int, ...], plan: Plan, vocab: Vocabulary) -> Score | None:
    chosen = assign(positions, plan, vocab)
    if chosen is None:
        return None
    compound, texts = vocab.compound, vocab.raw_text
    if not vocab.joins[positions[-1]]:  # no joined double-barrelled name (most names)
        used = [c[2] for c in chosen]
        in_order = _in_order(used, _surname(positions, len(positions), vocab))
        split = any(compound[positions[p]] for p in used) and any(
            compound[s] for p, s in enumerate(positions) if p not in used
        )
        left_over = len(positions) - len(chosen)
    else:
        real, covers = vocab.layout(positions)
        starts = [covers[c[2]][0] for c in chosen]
        in_order = _in_order(starts, _surname(positions, real, vocab))
        covered = {p for c in chosen for p in covers[c[2]]}
        parts = [p for p, s in enumerate(positions) if compound[s] and not vocab.joins[s]]
        split = any(p in covered for p in parts) and any(p not in covered for p in parts)
        left_over = real - len(covered)
    loose = quality = misspelt = untyped = typos = 0
    for (match, spelt, position), word in zip(chosen, plan.words, strict=True):
        loose += match >= LOOSE
        quality += match
        misspelt += spelt
        typos += match in TYPOS
        extra = len(texts[positions[position]]) - len(word.raw)
        if extra > 0:
            untyped += extra
    return Score(
        loose=loose,
        not_today=1,
        out_of_order=0 if in_order else 1,
        quality=quality + (COMPOUND_PENALTY if split else 0),
        misspelt=misspelt,
        left_over=left_over,
        untyped=untyped,
        typos=typos,
    )
