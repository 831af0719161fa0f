"""Citizen name search: an in-memory token index over the citizens this kiosk holds.

Chosen by measurement (see ``bench/bench_search.py`` and ``bench/bench_search_quality.py``):
postings per name word and per sound key, bisected prefix ranges, a symmetric-delete typo
index and a bounded ranked scan keep p99 within a few milliseconds at 100,000 citizens,
where SQLite FTS5 plus Danish re-ranking costs more and cannot do sound keys or typos.

Ranking, best first (see ``search_rank``): fewest query words matched only loosely (a typo,
a sound-alike spelt differently, or just the start of a sound-alike), so exact, prefix and
same-sound matches always come before typo matches and typing more letters never makes the
list worse; has something here today; query words typed in the name's own order; match
quality summed over query words (``search_fuzzy``: exact < prefix < same sound < sound-alike
a letter apart < likely slip < sound-alike start < other typo < sound-alike further apart),
a match inside a double-barrelled name whose other part was not typed counting as a
sound-alike; the spelling typed (å vs aa, ø vs oe); fewest name words left over; fewest
letters left untyped (``jo`` finds Jon before Johnny); Danish name order, then birth year.
Each query word must match a different name word; a double-barrelled name typed without
its hyphen (``nissenbach``) is one word too.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterable, Iterator

import numpy as np

from kiosk.services.search_fuzzy import (
    LOOSE,
    TYPO_PREFIX,
    TYPO_PREFIX_LENGTH,
    TYPO_SHORT_LENGTH,
    TYPO_START_LENGTH,
)
from kiosk.services.search_ids import CitizenIds
from kiosk.services.search_rank import (
    COMPOUND_PENALTY,
    Plan,
    QueryPlan,
    Score,
    score_citizen,
    spelt_as_typed,
)
from kiosk.services.search_result import Hit, SearchResult, WordCount
from kiosk.services.search_shortlist import (
    NONE,
    Sparse,
    best_values,
    lookup,
    shortlist,
    sparse,
    word_value,
)
from kiosk.services.search_suggest import correction, further_correction
from kiosk.services.search_vocab import Vocabulary
from models.search_text import (
    Word,
    fold,
    letter_forms,
    letters,
    lossy,
    name_words,
    sound_key,
    spelling_key,
    words,
)
from models.text import danish_sort_key

__all__ = ["CitizenIndex", "Hit", "SearchResult", "WordCount", "build_index"]

#: With several query words, this many more than twice the limit are ranked exactly.
SHORTLIST_SLACK = 20
#: Words this short are cached per index (see ``CitizenIndex._short``).
SHORT = 2
_Groups = tuple[dict[int, list["array[int]"]], dict[int, list["array[int]"]]]
#: A query word's postings (``_groups``), how many they hold, and for a cached short word
#: the citizens they hold reduced: among first and later name words, and all of them.
_WordPostings = tuple[_Groups, int, tuple[Sparse, Sparse, np.ndarray] | None]


class CitizenIndex:
    """Search index over ``(id, display_name, birth_year)``; rebuild or ``upsert`` after sync."""

    def __init__(self, citizens: Iterable[tuple[str, str, int | None]] = ()) -> None:
        # Names repeat a lot (18,000 distinct among 100,000 citizens): citizens are grouped by
        # name, so each distinct name is parsed and sort-keyed once. That keeps the index and
        # its build small (SPEC §8: the kiosk stays under 150 MB with 100,000 citizens).
        # The rows are read into packed arrays first (an id is 16 bytes, not a string and a
        # tuple kept until the end): per-row objects freed only after the build would leave
        # the memory they took scattered between the index's own objects (bench memory).
        read_ids, read_years = CitizenIds(), array("H")
        by_name: dict[str, array[int]] = {}
        for citizen_id, name, year in citizens:
            by_name.setdefault(name, array("i")).append(read_ids.append(citizen_id))
            read_years.append(year or 0)
        self._ids = CitizenIds()  # packed; also finds a citizen's number
        self._names: list[str] = []
        self._years = array("H")  # birth years; 0 when unknown
        self._words: list[tuple[int, ...]] = []  # spelling numbers in the vocabulary
        self._alive: bytearray = bytearray()
        self._lengths: bytearray = bytearray()  # how many words each name has
        self._count_alive = 0
        self._today: set[int] = set()
        self._today_mask: np.ndarray | None = None  # ``_today`` over all citizens, when asked
        #: What a word of one or two letters matches (the first keys of nearly every search,
        #: each matching thousands of words): its matches, their classes, and its count.
        self._short: dict[
            str, tuple[dict[int, int], dict[tuple[bool, int, int], list[int]], int]
        ] = {}
        self._short_postings: dict[str, _WordPostings] = {}
        self._vocab = Vocabulary({w for name in by_name for w in fold(name).split()})
        for name in sorted(by_name, key=danish_sort_key):
            spellings = tuple(self._vocab.spelling(w) for w in name_words(name))
            for year, citizen_id in sorted((read_years[k], read_ids[k]) for k in by_name[name]):
                self._add_citizen(citizen_id, name, year, spellings)
        self._ids.freeze()
        self._vocab.freeze()

    def __len__(self) -> int:
        return self._count_alive

    def _add_citizen(
        self, citizen_id: str, name: str, year: int | None, spellings: tuple[int, ...]
    ) -> None:
        number = self._ids.append(citizen_id)
        self._count_alive += 1
        self._names.append(name)
        self._years.append(year or 0)
        self._words.append(spellings)
        self._alive.append(1)
        real, covers = self._vocab.layout(spellings)
        self._lengths.append(min(real, 255))
        for position, spelling in enumerate(spellings):
            if spelling not in spellings[:position]:
                self._vocab.post(spelling, number, first=covers[position][0] == 0)

    # -- maintenance -------------------------------------------------------------------

    def upsert(self, citizen_id: str, display_name: str, birth_year: int | None) -> None:
        """Add a citizen, or replace their name and birth year (after a sync pull)."""
        self.remove(citizen_id)
        self._short.clear()
        self._short_postings.clear()
        spellings = tuple(self._vocab.spelling(w) for w in name_words(display_name))
        self._add_citizen(citizen_id, display_name, birth_year, spellings)

    def remove(self, citizen_id: str) -> None:
        """Forget a citizen (evicted from this site's scope, or merged)."""
        number = self._ids.forget(citizen_id)
        self._short.clear()
        self._short_postings.clear()
        if number is not None:
            self._count_alive -= 1
            self._alive[number] = 0
            self._today.discard(number)
            self._today_mask = None

    def set_today(self, citizen_ids: Iterable[str]) -> None:
        """The citizens who have an appointment or a group session here today."""
        found = (self._ids.find(c) for c in citizen_ids)
        self._today = {number for number in found if number is not None}
        self._today_mask = None

    def has(self, citizen_id: str) -> bool:
        return self._ids.find(citizen_id) is not None

    # -- search --------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> SearchResult:
        """Rank the citizens matching ``query``; an empty query finds nobody."""
        typed = words(query)
        if not typed:
            return SearchResult(query)
        plan = self._plan(typed)
        matched = [bool(q.matches) for q in plan.words]
        ranked, total = self._rank(plan, limit) if all(matched) else ([], 0)
        if not ranked:
            found = self._loosened(query, typed, limit)
            if found is not None:
                return found
        if not all(matched):
            suggestion = further_correction(typed, matched, self._vocab, self._finds)
            return SearchResult(query, suggestion=suggestion)
        hits = tuple(self._hit(score, number) for score, number in ranked)
        if not hits:
            counts = tuple(WordCount(w.raw, self._count(q, q.exact_matches or q.matches))
                           for w, q in zip(typed, plan.words, strict=True))  # fmt: skip
            suggestion = further_correction(typed, matched, self._vocab, self._finds)
            return SearchResult(query, suggestion=suggestion, word_counts=counts)
        suggestion = None
        if hits[0].approximate:
            positions = self._words[ranked[0][1]]
            suggestion = correction(typed, plan, positions, self._vocab)
        return SearchResult(query, hits, suggestion, total=total)

    def _loosened(self, query: str, typed: list[Word], limit: int) -> SearchResult | None:
        """When nobody is found: the hits with a slip in the start of the word being typed
        though some name starts as typed (``ursula mar`` for Ursula Mathiasen), or None."""
        last = len(typed) - 1
        if not last or len(letters(typed[last].raw)) < TYPO_START_LENGTH:
            return None
        plan = Plan([QueryPlan(w.raw, self._word_matches(w, last=i == last, loosen=i == last))
                     for i, w in enumerate(typed)])  # fmt: skip
        if not all(q.matches for q in plan.words):
            return None
        ranked, total = self._rank(plan, limit)
        if not ranked:
            return None
        hits = tuple(self._hit(score, number) for score, number in ranked)
        suggestion = correction(typed, plan, self._words[ranked[0][1]], self._vocab)
        return SearchResult(query, hits, suggestion, total=total)

    def _cached(
        self, word: QueryPlan
    ) -> tuple[dict[int, int], dict[tuple[bool, int, int], list[int]], int] | None:
        """The cache entry of a one- or two-letter word, if ``word`` is what it holds."""
        entry = self._short.get(word.raw)
        return entry if entry is not None and entry[0] is word.matches else None

    def _plan(self, typed: list[Word]) -> Plan:
        """What each typed word matches."""
        last = len(typed) - 1
        return Plan([QueryPlan(w.raw, self._short_entry(w)[0] if len(w.folded) <= SHORT
                               else self._word_matches(w, last=i == last))
                     for i, w in enumerate(typed)])  # fmt: skip

    def _short_entry(
        self, word: Word
    ) -> tuple[dict[int, int], dict[tuple[bool, int, int], list[int]], int]:
        """The cached matches, classes and count of a one- or two-letter word."""
        entry = self._short.get(word.raw)
        if entry is None:
            matches = self._word_matches(word, last=True)
            plan = Plan([QueryPlan(word.raw, matches)])
            entry = (matches, self._classes(plan, 0), self._union_count(matches))
            self._short[word.raw] = entry
        return entry

    def _finds(self, typed: list[Word]) -> str | None:
        """The query that finds the best match of these words exactly, if they find anyone."""
        plan = self._plan(typed)
        ranked = self._rank(plan, 1)[0] if all(q.matches for q in plan.words) else []
        if not ranked:
            return None
        exact = " ".join(w.raw for w in typed)
        if not ranked[0][0].typos:
            return exact
        return correction(typed, plan, self._words[ranked[0][1]], self._vocab) or exact

    def _word_matches(self, word: Word, *, last: bool, loosen: bool = False) -> dict[int, int]:
        """Vocabulary words matching one query word, each with its match quality: exact,
        prefix and sound-alike matches, typos of the whole word (from two letters: ``bi
        jensen`` lists Bo Jensen after the Bi… Jensens), and for the word being typed
        (``last``) slips in its start; with ``loosen`` those even when a name starts as
        typed."""
        single = letters(word.raw)
        found = self._vocab.exact_and_sound(word.folded, (spelling_key(single), lossy(single)))
        length = max(len(single), len(word.folded))
        shortest = TYPO_SHORT_LENGTH
        if length < shortest:
            return found
        sound = sound_key(word.folded)
        forms = letter_forms(word.raw)
        for w, quality in self._vocab.typos.find((*forms, word.folded), sound, shortest).items():
            found[w] = min(quality, found.get(w, quality))
        # The word being typed, with a slip in what is typed so far: when it matches
        # nothing else (or, loosened, when the whole query finds nobody), by its letters
        # and by its sound key.
        if last and len(single) >= TYPO_START_LENGTH and (loosen or not found):
            if length >= TYPO_PREFIX_LENGTH and not found:
                for w in self._vocab.typo_prefixes(sound):
                    found.setdefault(w, TYPO_PREFIX)
            for w in self._vocab.typo_starts(forms):
                found.setdefault(w, TYPO_PREFIX)
        return found

    def _postings(self, match: dict[int, int], *, first: bool, other: bool) -> list[array[int]]:
        vocab = self._vocab
        return [
            postings[s]
            for w in match
            for s in vocab.spellings_of[w]
            for postings in ((vocab.first,) if first else ()) + ((vocab.other,) if other else ())
        ]

    def _mask(self, postings: list[array[int]]) -> np.ndarray:
        mask = np.zeros(len(self._ids), dtype=bool)
        if postings:
            mask[np.frombuffer(b"".join(postings), dtype=np.int32)] = True
        return mask

    def _count(self, word: QueryPlan, matches: dict[int, int]) -> int:
        entry = self._cached(word)
        return entry[2] if entry and matches is word.matches else self._union_count(matches)

    def _union_count(self, match: dict[int, int]) -> int:
        alive = np.frombuffer(bytes(self._alive), dtype=bool)
        return int((self._mask(self._postings(match, first=True, other=True)) & alive).sum())

    def _classified(self, plan: Plan, n: int) -> dict[tuple[bool, int, int], list[int]]:
        entry = self._cached(plan.words[n])
        return entry[1] if entry else self._classes(plan, n)

    def _classes(self, plan: Plan, n: int) -> dict[tuple[bool, int, int], list[int]]:
        """The spellings query word ``n`` matches, by (loose, quality with the double-barrelled
        penalty, not spelt as typed)."""
        vocab, word = self._vocab, plan.words[n]
        raw, texts, compound = word.raw, vocab.raw_text, vocab.compound
        found: dict[tuple[bool, int, int], list[int]] = {}
        for w, quality in word.matches.items():
            loose = quality >= LOOSE
            for s in vocab.spellings_of[w]:
                key = (
                    loose,
                    quality + COMPOUND_PENALTY * compound[s],
                    spelt_as_typed(texts[s], raw),
                )
                found.setdefault(key, []).append(s)
        return found

    def _stream(self, plan: Plan) -> Iterator[int]:
        """Citizens matching the one query word, best group first (first name word before a
        later one within each (loose, quality, spelling) class), each group in name order."""
        classes = self._classified(plan, 0)
        vocab = self._vocab
        groups = sorted(
            ((loose, order, rank, spelt), spellings, postings)
            for (loose, rank, spelt), spellings in classes.items()
            for order, postings in enumerate((vocab.first, vocab.other))
        )
        for _key, spellings, postings in groups:
            joined = b"".join([postings[s] for s in spellings if postings[s]])
            if joined:
                ordered = np.sort(np.frombuffer(joined, dtype=np.int32))
                for start in range(0, len(ordered), 64):  # the caller stops after a few
                    yield from ordered[start : start + 64].tolist()

    def _groups(self, plan: Plan, n: int) -> _WordPostings:
        """Query word ``n``'s postings by match value among first and among later name words,
        how many they hold, and (for a cached short word) the citizens they hold, reduced."""
        word, vocab = plan.words[n], self._vocab
        cached = self._cached(word) is not None
        entry = self._short_postings.get(word.raw) if cached else None
        if entry is not None:
            return entry
        groups: _Groups = ({}, {})
        for (loose, rank, spelt), spellings in self._classified(plan, n).items():
            value = word_value(loose, rank, spelt)
            groups[0].setdefault(value, []).extend(vocab.first[s] for s in spellings)
            groups[1].setdefault(value, []).extend(vocab.other[s] for s in spellings)
        held = sum(len(p) for g in groups for lists in g.values() for p in lists)
        if not cached:
            return groups, held, None
        first, other = sparse(groups[0]), sparse(groups[1])
        entry = (groups, held, (first, other, np.union1d(first[0], other[0])))
        self._short_postings[word.raw] = entry
        return entry

    def _candidates(self, plan: Plan, limit: int) -> tuple[list[int], int]:
        """The citizens worth ranking exactly (``search_shortlist``), and how many match:
        those the rarest query word finds, with every word's best match value looked up."""
        size = len(self._ids)
        words = [self._groups(plan, n) for n in range(len(plan.words))]
        dense: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        rarest = min(range(len(words)), key=lambda n: words[n][1])
        reduced = words[rarest][2]
        if reduced is not None:
            citizens = reduced[2]
        else:
            groups = words[rarest][0]
            dense[rarest] = best_values(size, groups[0]), best_values(size, groups[1])
            citizens = np.flatnonzero(np.minimum(*dense[rarest]) != NONE)
        first: list[np.ndarray] = []
        other: list[np.ndarray] = []
        for n, (groups, _held, found) in enumerate(words):
            if found is not None:
                first.append(lookup(found[0], citizens, size))
                other.append(lookup(found[1], citizens, size))
                continue
            if n not in dense:
                dense[n] = best_values(size, groups[0]), best_values(size, groups[1])
            first.append(dense[n][0][citizens])
            other.append(dense[n][1][citizens])
        alive = np.frombuffer(self._alive, dtype=np.uint8)[citizens].astype(bool)
        lengths = np.frombuffer(self._lengths, dtype=np.uint8)[citizens]
        today = self._today_over_all()[citizens]
        picked, total = shortlist(first, other, alive, today, lengths, 2 * limit + SHORTLIST_SLACK)
        return citizens[picked].tolist(), total

    def _today_over_all(self) -> np.ndarray:
        """Who has something here today, as a mask over all citizen numbers."""
        mask = self._today_mask
        if mask is None or len(mask) != len(self._ids):
            mask = self._today_mask = np.zeros(len(self._ids), dtype=bool)
            mask[list(self._today)] = True
        return mask

    def _rank(self, plan: Plan, limit: int) -> tuple[list[tuple[Score, int]], int]:
        scored: dict[int, tuple[Score, int]] = {}
        if len(plan.words) > 1:
            candidates, total = self._candidates(plan, limit)
            complete = len(candidates) >= total
            stream: Iterable[int] = candidates
        else:
            for number in self._today:
                score = score_citizen(self._words[number], plan, self._vocab, today=True)
                if score is not None:
                    scored[number] = (score, number)
            stream, complete = self._stream(plan), True
        found = 0
        for number in stream:
            if number in scored or not self._alive[number]:
                continue
            today = number in self._today
            score = score_citizen(self._words[number], plan, self._vocab, today=today)
            if score is not None:
                scored[number] = (score, number)
                found += 1
                if len(plan.words) == 1 and found >= limit:
                    complete = False  # the single-word stream comes best first
                    break
        if complete:
            total = len(scored)
        elif len(plan.words) == 1:
            total = self._count(plan.words[0], plan.words[0].matches)
        return heapq.nsmallest(limit, scored.values()), total

    def _hit(self, score: Score, number: int) -> Hit:
        return Hit(
            self._ids[number],
            self._names[number],
            self._years[number] or None,
            number in self._today,
            approximate=score.typos > 0,
        )


def build_index(
    rows: Iterable[tuple[str, str, int | None]], today: Iterable[str] = ()
) -> CitizenIndex:
    """An index over ``rows`` with ``today``'s citizens marked."""
    index = CitizenIndex(rows)
    index.set_today(today)
    return index
