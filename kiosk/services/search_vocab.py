"""The words of the citizens' names: folded words, their spellings, sound keys, postings."""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort

from kiosk.services.search_fuzzy import (
    EXACT,
    PREFIX,
    SOUND,
    SOUND_PREFIX,
    TypoFinder,
    typo_prefix_keys,
)
from models.search_text import Word, letters, sound_key


def _prefix_range(keys: list[str], prefix: str) -> range:
    start = bisect_left(keys, prefix)
    return range(start, bisect_left(keys, prefix + "\x7f", lo=start))


class Vocabulary:
    """Folded name words (``aase``) and their spellings (``åse``, ``aase``, and as part of a
    double-barrelled name). Postings, the citizen numbers having a spelling as their first
    or a later name word, are kept per spelling, so ranking can prefer the one typed."""

    def __init__(self, folded: set[str]) -> None:
        self.keys = sorted(folded)
        self.number = {w: i for i, w in enumerate(self.keys)}
        self.text = list(self.keys)  # folded word by number
        self.spellings_of: list[list[int]] = [[] for _ in self.keys]
        self.sound_keys = sorted({sound_key(w) for w in self.keys})
        self._sound_number = {s: i for i, s in enumerate(self.sound_keys)}
        self.sound_words: list[list[int]] = [[] for _ in self.sound_keys]
        for i, w in enumerate(self.keys):
            self.sound_words[self._sound_number[sound_key(w)]].append(i)
        self.raw_text: list[str] = []
        self.folded_of = array("i")
        self.compound = bytearray()
        self._spelling_number: dict[tuple[str, bool], int] = {}
        self.first: list[array[int]] = []
        self.other: list[array[int]] = []
        self.typos = TypoFinder()
        self._initials: dict[str, tuple[list[str], list[int]]] = {}
        self._initials_size = 0

    def starting_with(self, initial: str) -> tuple[list[str], list[int]]:
        """The words beginning with ``initial`` and their numbers (kept until words change)."""
        if self._initials_size != len(self.text):
            self._initials = {}
            self._initials_size = len(self.text)
        found = self._initials.get(initial)
        if found is None:
            span = _prefix_range(self.keys, initial)
            found = self._initials[initial] = (
                [self.keys[i] for i in span],
                [self.number[self.keys[i]] for i in span],
            )
        return found

    def freeze(self) -> None:
        self.typos.freeze()

    def spelling(self, word: Word) -> int:
        """The number of ``word``'s spelling, added (with its folded word) when new."""
        key = (word.raw, word.compound)
        found = self._spelling_number.get(key)
        if found is not None:
            return found
        folded = self.number.get(word.folded)
        if folded is None:
            folded = self._add_word(word.folded)
        found = self._spelling_number[key] = len(self.raw_text)
        self.raw_text.append(word.raw)
        self.folded_of.append(folded)
        self.compound.append(word.compound)
        self.first.append(array("i"))
        self.other.append(array("i"))
        self.spellings_of[folded].append(found)
        self.typos.add(folded, (letters(word.raw), word.folded), sound_key(word.folded))
        return found

    def _add_word(self, word: str) -> int:
        """A word first seen after the build: appended, the sorted key lists kept sorted."""
        at = len(self.text)
        self.number[word] = at
        self.text.append(word)
        self.spellings_of.append([])
        insort(self.keys, word)
        key = sound_key(word)
        if key not in self._sound_number:
            self._sound_number[key] = len(self.sound_words)
            self.sound_words.append([])
            insort(self.sound_keys, key)
        self.sound_words[self._sound_number[key]].append(at)
        return at

    def post(self, spelling: int, citizen: int, *, first: bool) -> None:
        (self.first if first else self.other)[spelling].append(citizen)

    def exact_and_sound(self, folded: str) -> dict[int, int]:
        """Words that are ``folded``, start with it, or sound (or start sounding) like it."""
        found: dict[int, int] = {}
        for i in _prefix_range(self.keys, folded):
            key = self.keys[i]
            found[self.number[key]] = EXACT if key == folded else PREFIX
        if len(folded) < 3:
            return found
        sound = sound_key(folded)
        # A sound key of one or two letters ("zzzz" → "s") only matches itself, not a start.
        span = _prefix_range(self.sound_keys, sound) if len(sound) >= 3 else range(0)
        keys = [self.sound_keys[i] for i in span] or [sound] * (sound in self._sound_number)
        for key in keys:
            quality = SOUND if key == sound else SOUND_PREFIX
            for w in self.sound_words[self._sound_number[key]]:
                found.setdefault(w, quality)
        return found

    def typo_prefixes(self, sound: str) -> set[int]:
        """Words whose sound key starts one edit from ``sound`` (a slip while typing)."""
        found: set[int] = set()
        for i in typo_prefix_keys(sound, self.sound_keys):
            found.update(self.sound_words[self._sound_number[self.sound_keys[i]]])
        return found
