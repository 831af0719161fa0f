"""Typo lookup for name search: which vocabulary words are one edit from a typed word.

A symmetric-delete index (as in SymSpell): every word is stored under itself and each string
one letter shorter, so a query finds all words within one substitution, transposition,
insertion or deletion by looking up its own deletions. Keys are stored as 64-bit hashes in
one sorted numpy array (12 bytes a key, not a dict of strings), and every candidate is
checked with a real edit distance (``rapidfuzz``), so a hash collision never shows.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable

import numpy as np
from rapidfuzz.distance import OSA

from models.search_text import deletes, edits1, likely_typo

#: How a query word matched a name word, best first. ``SOUND`` is a same-sound word spelt
#: alike but for æ/ø/å typed as a/o/a and same-sounding letters (``soren`` → Søren,
#: ``kristensen`` → Christensen; see ``search_text.spelling_key``). From ``LOOSE`` on, a
#: match ranks below every exact, prefix or ``SOUND`` one: a sound-alike one letter apart
#: (``SOUND_NEAR``: Nilsen → Nielsen), typos, a word that only starts like the sound of what
#: was typed (``jhan`` → Jannik), and a sound-alike two or more letters apart (``SOUND_FAR``:
#: ``timmh`` → Tim) after a typo one letter apart, so two sound-alikes never beat one exact
#: word and one slip (``timmh johansen`` finds Timmy Johansen before Tim Johnsen).
#: ``TYPOS`` are what a suggestion corrects.
(EXACT, PREFIX, SOUND, SOUND_NEAR, NEAR_TYPO, SOUND_PREFIX, TYPO, SOUND_FAR, SOUND_TYPO,
 TYPO_PREFIX) = range(10)  # fmt: skip
LOOSE = SOUND_NEAR
TYPOS = frozenset({NEAR_TYPO, TYPO, SOUND_TYPO, TYPO_PREFIX})
#: Typos are looked for in every query word of ``TYPO_SHORT_LENGTH`` letters or more, even
#: one that matches someone exactly (``oelsen`` sounds like Olsen but may be Olesen; ``bi``
#: starts Birgit but may be Bo); they rank below every exact, prefix or same-sound match.
#: ``TYPO_MIN_LENGTH`` is ``TypoFinder.find``'s default; sound-key typos, and slips in the
#: word being typed by sound key, from ``TYPO_PREFIX_LENGTH`` letters.
TYPO_SHORT_LENGTH, TYPO_MIN_LENGTH, TYPO_PREFIX_LENGTH = 2, 3, 4
#: A slip in the word being typed is looked for from this many letters typed (``ose`` for
#: Olsen, beside a first name that agrees), by its letters; by its sound key from
#: ``TYPO_PREFIX_LENGTH``.
TYPO_START_LENGTH = 3
#: Letters of sound keys (see ``search_text._SOUND_RULES``), for typos in a word being typed.
SOUND_ALPHABET = "abefghijklmnoprstuvy0123456789"


class DeleteIndex:
    """Forms (strings) of vocabulary words, found again from a form one edit away."""

    def __init__(self) -> None:
        self._pending_keys = array("q")  # hashes and words, until ``freeze`` sorts them
        self._pending_ids = array("i")
        self._keys = np.zeros(0, dtype=np.int64)
        self._ids = np.zeros(0, dtype=np.int32)
        self._late: dict[int, list[int]] = {}  # words added after ``freeze`` (sync upserts)
        self._frozen = False

    def add(self, form: str, word: int) -> None:
        for variant in deletes(form):
            if self._frozen:
                self._late.setdefault(hash(variant), []).append(word)
            else:
                self._pending_keys.append(hash(variant))
                self._pending_ids.append(word)

    def freeze(self) -> None:
        """Sort what was added into the compact arrays (once, after the build)."""
        keys = np.frombuffer(self._pending_keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._ids = np.frombuffer(self._pending_ids, dtype=np.int32)[order]
        del keys
        self._pending_keys, self._pending_ids = array("q"), array("i")
        self._frozen = True

    def candidates(self, form: str) -> set[int]:
        """Words sharing a deletion with ``form`` (a superset of those one edit away)."""
        hashes = np.array([hash(v) for v in deletes(form)], dtype=np.int64)
        starts = np.searchsorted(self._keys, hashes, side="left")
        ends = np.searchsorted(self._keys, hashes, side="right")
        found: set[int] = set()
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end > start:
                found.update(self._ids[start:end].tolist())
        for h in hashes.tolist():
            found.update(self._late.get(h, ()))
        return found


class TypoFinder:
    """Vocabulary words one edit from a query word, by spelling and by sound."""

    def __init__(self) -> None:
        self._letters = DeleteIndex()
        self._sounds = DeleteIndex()
        self._word_letters: dict[int, tuple[str, ...]] = {}
        self._word_sound: dict[int, str] = {}

    def add(self, word: int, forms: Iterable[str], sound: str) -> None:
        """A word, spelt as ``forms`` (single Danish letters, folded), and its sound key."""
        for form in forms:
            known = self._word_letters.get(word, ())
            if form not in known:
                self._word_letters[word] = (*known, form)
                self._letters.add(form, word)
        if word not in self._word_sound:
            self._word_sound[word] = sound
            self._sounds.add(sound, word)

    def freeze(self) -> None:
        self._letters.freeze()
        self._sounds.freeze()

    def find(
        self, forms: Iterable[str], sound: str, min_length: int = TYPO_MIN_LENGTH
    ) -> dict[int, int]:
        """Words one edit from any of ``forms`` (or whose sound key is), with a quality."""
        found: dict[int, int] = {}
        for form in forms:
            if len(form) < min_length:
                continue
            for word in self._letters.candidates(form):
                for known in self._word_letters[word]:
                    if known != form and OSA.distance(form, known, score_cutoff=1) <= 1:
                        quality = NEAR_TYPO if likely_typo(form, known) else TYPO
                        found[word] = min(quality, found.get(word, quality))
        if len(sound) >= TYPO_PREFIX_LENGTH:
            for word in self._sounds.candidates(sound):
                if OSA.distance(sound, self._word_sound[word], score_cutoff=1) <= 1:
                    found.setdefault(word, SOUND_TYPO)
        return found


def typo_prefix_keys(sound: str, sorted_keys: list[str]) -> set[int]:
    """Positions in ``sorted_keys`` (sound keys) that start with a string one edit from
    ``sound``: the word being typed, with a slip in what is typed so far."""
    found: set[int] = set()
    for variant in edits1(sound, SOUND_ALPHABET):
        if len(variant) < TYPO_PREFIX_LENGTH - 1:
            continue
        start = bisect_left(sorted_keys, variant)
        end = bisect_left(sorted_keys, variant + "\x7f", lo=start)
        found.update(range(start, end))
    return found
