"""Citizen name search: an in-memory token index over the citizens this kiosk holds.

Chosen by measurement (see ``bench/bench_search.py``): postings per folded name token and
per sound key, bisected prefix ranges, and a bounded ranked scan keep p99 well under 5 ms
at 100,000 citizens, where SQLite FTS5 prefix queries plus the Danish re-ranking cost more
and cannot do sound keys or typo suggestions without a second pass.

Ranking, best first: has something here today; query words typed in the name's own order
(first name first); match quality summed over query words (exact word < prefix < same
sound < sound prefix); Danish name order. Each query word must match a different word.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from kiosk.services.search_text import edits1, fold, sound_key
from models.text import danish_sort_key

EXACT, PREFIX, SOUND, SOUND_PREFIX = 0, 1, 2, 3
#: Typos are only considered in query words at least this long (shorter ones are prefixes).
TYPO_MIN_LENGTH = 4
#: With several unselective query words (``"m h"``), rank at most this many candidates in
#: name order (citizens with something today are always ranked in full).
SCAN_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Hit:
    """One citizen in a result list."""

    citizen_id: str
    display_name: str
    birth_year: int | None
    has_today: bool


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked hits, and a "did you mean …?" correction when a word matched nothing."""

    query: str
    hits: tuple[Hit, ...] = ()
    suggestion: str | None = None


@dataclass(slots=True)
class _Vocab:
    """Sorted distinct keys with the postings (citizen numbers) of each."""

    keys: list[str] = field(default_factory=list)
    first: list[array[int]] = field(default_factory=list)  # citizens whose first word it is
    other: list[array[int]] = field(default_factory=list)  # citizens with it as a later word
    number: dict[str, int] = field(default_factory=dict)

    def prefix_range(self, prefix: str) -> range:
        start = bisect_left(self.keys, prefix)
        end = bisect_left(self.keys, prefix + "\x7f", lo=start)
        return range(start, end)


class CitizenIndex:
    """Search index over ``(id, display_name, birth_year)``; rebuild or ``upsert`` after sync."""

    def __init__(self, citizens: Iterable[tuple[str, str, int | None]] = ()) -> None:
        # Names repeat a lot (18,000 distinct among 100,000 citizens): citizens are grouped by
        # name, so each distinct name is stored and sort-keyed once. That keeps the index and
        # its build small (SPEC §8: the kiosk stays under 150 MB with 100,000 citizens).
        by_name: dict[str, list[tuple[int, str]]] = {}
        for citizen_id, name, year in citizens:
            by_name.setdefault(name, []).append((year or 0, citizen_id))
        self._ids: list[str] = []
        self._names: list[str] = []
        self._years = array("H")  # birth years; 0 when unknown
        self._words: list[tuple[int, ...]] = []  # word numbers in the words vocabulary
        self._alive: bytearray = bytearray()
        self._number: dict[str, int] = {}
        self._today: set[int] = set()
        self._build(by_name)

    def __len__(self) -> int:
        return len(self._number)

    def _build(self, by_name: dict[str, list[tuple[int, str]]]) -> None:
        # Each distinct name is folded once; its citizens share the word tuple. Citizens
        # are numbered in Danish name order, then birth year, then id.
        folded = {name: tuple(fold(name).split()) for name in by_name}
        words = sorted({w for ws in folded.values() for w in ws})
        self._words_vocab = _Vocab(keys=words, number={w: i for i, w in enumerate(words)})
        sounds = sorted({sound_key(w) for w in words})
        self._sounds = _Vocab(keys=sounds, number={s: i for i, s in enumerate(sounds)})
        self._sound_words: list[list[int]] = [[] for _ in sounds]
        for i, word in enumerate(words):
            self._sound_words[self._sounds.number[sound_key(word)]].append(i)
        self._words_vocab.first = [array("i") for _ in words]
        self._words_vocab.other = [array("i") for _ in words]
        for name in sorted(by_name, key=danish_sort_key):
            numbers = tuple(self._words_vocab.number[w] for w in folded[name])
            for year, citizen_id in sorted(by_name[name]):
                self._add_citizen(citizen_id, name, year, numbers)

    def _append(self, citizen_id: str, name: str, year: int | None, ws: list[str]) -> None:
        vocab = self._words_vocab
        for w in ws:
            if w not in vocab.number:
                self._add_word(w)
        self._add_citizen(citizen_id, name, year, tuple(vocab.number[w] for w in ws))

    def _add_citizen(
        self, citizen_id: str, name: str, year: int | None, word_numbers: tuple[int, ...]
    ) -> None:
        number = len(self._ids)
        vocab = self._words_vocab
        self._ids.append(citizen_id)
        self._names.append(name)
        self._years.append(year or 0)
        self._words.append(word_numbers)
        self._alive.append(1)
        self._number[citizen_id] = number
        for word_number in set(word_numbers):
            first = word_numbers[0] == word_number
            (vocab.first if first else vocab.other)[word_number].append(number)

    def _add_word(self, word: str) -> None:
        """A word first seen after the build: appended, its key list kept sorted."""
        vocab = self._words_vocab
        at = len(vocab.first)
        vocab.number[word] = at
        vocab.first.append(array("i"))
        vocab.other.append(array("i"))
        vocab.keys.insert(bisect_left(vocab.keys, word), word)
        key = sound_key(word)
        if key not in self._sounds.number:
            self._sounds.number[key] = len(self._sound_words)
            self._sound_words.append([])
            self._sounds.keys.insert(bisect_left(self._sounds.keys, key), key)
        self._sound_words[self._sounds.number[key]].append(at)

    # -- maintenance -------------------------------------------------------------------

    def upsert(self, citizen_id: str, display_name: str, birth_year: int | None) -> None:
        """Add a citizen, or replace their name and birth year (after a sync pull)."""
        self.remove(citizen_id)
        self._append(citizen_id, display_name, birth_year, fold(display_name).split())

    def remove(self, citizen_id: str) -> None:
        """Forget a citizen (evicted from this site's scope, or merged)."""
        number = self._number.pop(citizen_id, None)
        if number is not None:
            self._alive[number] = 0
            self._today.discard(number)

    def set_today(self, citizen_ids: Iterable[str]) -> None:
        """The citizens who have an appointment or a group session here today."""
        self._today = {self._number[c] for c in citizen_ids if c in self._number}

    def has(self, citizen_id: str) -> bool:
        return citizen_id in self._number

    # -- search --------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> SearchResult:
        """Rank the citizens matching ``query``; an empty query finds nobody."""
        words = fold(query).split()
        if not words:
            return SearchResult(query)
        matches = [self._word_matches(w) for w in words]
        if any(not m for m in matches):
            return SearchResult(query, suggestion=self._suggest(words, matches))
        return SearchResult(query, tuple(self._rank(matches, limit)))

    def _word_matches(self, word: str) -> dict[int, int]:
        """Vocabulary words matching one query word, each with its match quality."""
        vocab = self._words_vocab
        found: dict[int, int] = {}
        for i in vocab.prefix_range(word):
            key = vocab.keys[i]
            found[vocab.number[key]] = EXACT if key == word else PREFIX
        if len(word) >= 3:
            sound = sound_key(word)
            sounds = self._sounds
            for i in sounds.prefix_range(sound):
                quality = SOUND if sounds.keys[i] == sound else SOUND_PREFIX
                for w in self._sound_words[sounds.number[sounds.keys[i]]]:
                    found.setdefault(w, quality)
        return found

    def _score(self, number: int, matches: list[dict[int, int]]) -> tuple[int, int] | None:
        """(out of order, summed quality) for one citizen, or None when it does not match.

        In order means the first query word matched the first name word and later query
        words later name words: how people type a name.
        """
        words = self._words[number]
        used: list[int] = []
        total = 0
        for match in matches:
            best: tuple[int, int] | None = None
            for position, w in enumerate(words):
                quality = match.get(w)
                if quality is not None and position not in used:
                    if best is None or quality < best[0]:
                        best = (quality, position)
            if best is None:
                return None
            used.append(best[1])
            total += best[0]
        in_order = used[0] == 0 and all(a < b for a, b in zip(used, used[1:], strict=False))
        return (0 if in_order else 1), total

    def _driver_stream(self, match: dict[int, int]) -> Iterator[int]:
        """Citizens matching one query word: first-word matches first, each by quality."""
        vocab = self._words_vocab
        for postings in (vocab.first, vocab.other):
            for quality in (EXACT, PREFIX, SOUND, SOUND_PREFIX):
                yield from heapq.merge(*(postings[w] for w, q in match.items() if q == quality))

    def _mask(self, postings: list[array[int]]) -> np.ndarray:
        mask = np.zeros(len(self._ids), dtype=bool)
        if postings:
            mask[np.frombuffer(b"".join(postings), dtype=np.int32)] = True
        return mask

    def _candidates(self, matches: list[dict[int, int]]) -> list[int]:
        """Citizens matching every query word: typed in name order first, then any order.

        Each word's matches become a boolean mask over all citizens (numpy, so a one-letter
        word costs as little as a full name); at most ``SCAN_LIMIT`` are ranked, in name order.
        """
        vocab = self._words_vocab
        alive = np.frombuffer(bytes(self._alive), dtype=bool)
        in_order = self._mask([vocab.first[w] for w in matches[0]]) & alive
        any_order = alive.copy()
        for n, match in enumerate(matches):
            if n:
                in_order &= self._mask([vocab.other[w] for w in match])
            any_order &= self._mask([*(vocab.first[w] for w in match),
                                     *(vocab.other[w] for w in match)])  # fmt: skip
        first = np.flatnonzero(in_order)[:SCAN_LIMIT]
        rest = np.flatnonzero(any_order & ~in_order)[: max(0, SCAN_LIMIT - len(first))]
        return [*first.tolist(), *rest.tolist()]

    def _rank(self, matches: list[dict[int, int]], limit: int) -> list[Hit]:
        scored: dict[int, tuple[int, int, int, int]] = {}
        for number in self._today:
            score = self._score(number, matches)
            if score is not None:
                scored[number] = (0, *score, number)
        single = len(matches) == 1
        candidates = self._driver_stream(matches[0]) if single else self._candidates(matches)
        found = 0
        for number in candidates:
            if number in scored or not self._alive[number]:
                continue
            score = self._score(number, matches)
            if score is not None:
                scored[number] = (1, *score, number)
                found += 1
                if single and found >= limit:
                    break  # the single-word stream comes best first
        best = heapq.nsmallest(limit, scored.values())
        return [self._hit(rank[3]) for rank in best]

    def _hit(self, number: int) -> Hit:
        return Hit(
            self._ids[number],
            self._names[number],
            self._years[number] or None,
            number in self._today,
        )

    def _suggest(self, words: list[str], matches: list[dict[int, int]]) -> str | None:
        """The query with each unmatched word (4+ letters) replaced by its closest name word."""
        corrected = list(words)
        for q, (word, match) in enumerate(zip(words, matches, strict=True)):
            if match:
                continue
            if len(word) < TYPO_MIN_LENGTH:
                return None
            replacement = self._closest_word(word, last=q == len(words) - 1)
            if replacement is None:
                return None
            corrected[q] = replacement
        suggestion = " ".join(corrected)
        return suggestion if self.search(suggestion, limit=1).hits else None

    def _closest_word(self, word: str, *, last: bool) -> str | None:
        """The most common name word one edit from ``word`` (or, while typing, a prefix)."""
        vocab = self._words_vocab
        best: tuple[int, str] | None = None
        for variant in edits1(word):
            if last:
                span = vocab.prefix_range(variant)
                if not span:
                    continue
                count = sum(
                    len(vocab.first[vocab.number[k]]) + len(vocab.other[vocab.number[k]])
                    for k in islice((vocab.keys[i] for i in span), 50)
                )
            elif variant in vocab.number:
                w = vocab.number[variant]
                count = len(vocab.first[w]) + len(vocab.other[w])
            else:
                continue
            exact_bonus = 1_000_000 if variant in vocab.number else 0
            candidate = (count + exact_bonus, variant)
            if best is None or candidate > best:
                best = candidate
        return best[1] if best else None


def build_index(
    rows: Iterable[tuple[str, str, int | None]], today: Iterable[str] = ()
) -> CitizenIndex:
    """An index over ``rows`` with ``today``'s citizens marked."""
    index = CitizenIndex(rows)
    index.set_today(today)
    return index
