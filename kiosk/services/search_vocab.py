"""The words of the citizens' names: folded words, their spellings, sound keys, postings."""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from functools import lru_cache

from rapidfuzz.distance import OSA

from kiosk.services.search_fuzzy import (
    EXACT,
    PREFIX,
    SOUND,
    SOUND_FAR,
    SOUND_NEAR,
    SOUND_PREFIX,
    TypoFinder,
    typo_prefix_keys,
)
from models.search_text import (
    Word,
    fold_letters,
    letters,
    lossy,
    shortest_starts,
    slips_after_first,
    sound_key,
    spelling_key,
)

#: Where each name word of a citizen stands: how many real words the name has, and per
#: position the real positions it covers (itself, or a joined double-barrelled name's parts).
Layout = tuple[int, tuple[tuple[int, ...], ...]]


@lru_cache(maxsize=64)
def _plain(size: int) -> Layout:
    return size, tuple((p,) for p in range(size))


def _prefix_range(keys: list[str], prefix: str) -> range:
    start = bisect_left(keys, prefix)
    return range(start, bisect_left(keys, prefix + "\x7f", lo=start))


def _common(a: str, b: str) -> int:
    """How many first letters ``a`` and ``b`` share."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


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
        self.joins = bytearray()  # per spelling: how many parts a joined name word stands for
        #: Joined words (``nissenbach``) and the length of their first part: typing just that
        #: part matches the part itself, not the joined word as a prefix.
        self._heads: dict[int, int] = {}
        self._spelt: dict[int, tuple[tuple[str, str], ...]] = {}  # folded word → its spelling keys
        self._layouts: dict[tuple[int, ...], Layout] = {}
        self._spelling_number: dict[tuple[str, bool, int], int] = {}
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
        key = (word.raw, word.compound, word.parts)
        found = self._spelling_number.get(key)
        if found is not None:
            return found
        folded = self.number.get(word.folded)
        if folded is None:
            folded = self._add_word(word.folded)
        if word.parts:
            self._heads.setdefault(folded, word.head)
        else:
            self._heads[folded] = 0  # a name word of its own too: any prefix of it matches
        self._spelt.pop(folded, None)
        found = self._spelling_number[key] = len(self.raw_text)
        self.raw_text.append(word.raw)
        self.folded_of.append(folded)
        self.compound.append(word.compound)
        self.joins.append(min(word.parts, 255))
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

    def layout(self, positions: tuple[int, ...]) -> Layout:
        """How many real words a name of these spellings has, and what each position covers
        (joined words come last, in the order of the double-barrelled names they join)."""
        if not positions or not self.joins[positions[-1]]:
            return _plain(len(positions))
        found = self._layouts.get(positions)
        if found is None:
            parts = [p for p, s in enumerate(positions) if self.compound[s] and not self.joins[s]]
            covers: list[tuple[int, ...]] = []
            taken = 0
            for p, s in enumerate(positions):
                joins = self.joins[s]
                covers.append(tuple(parts[taken : taken + joins]) if joins else (p,))
                taken += joins
            real = sum(1 for s in positions if not self.joins[s])
            found = self._layouts[positions] = (real, tuple(covers))
        return found

    def post(self, spelling: int, citizen: int, *, first: bool) -> None:
        (self.first if first else self.other)[spelling].append(citizen)

    def exact_and_sound(self, folded: str, typed: tuple[str, str]) -> dict[int, int]:
        """Words that are ``folded``, start with it, or sound (or start sounding) like it;
        ``typed`` is its ``spelling_key`` and ``lossy`` letters (see ``_sound_quality``)."""
        found: dict[int, int] = {}
        heads, length = self._heads, len(folded)
        for i in _prefix_range(self.keys, folded):
            key = self.keys[i]
            w = self.number[key]
            if key == folded:
                found[w] = EXACT
            elif heads.get(w, 0) < length:  # not just the first part of a joined name
                found[w] = PREFIX
        if length < 3:
            return found
        sound = sound_key(folded)
        # A sound key of one or two letters ("zzzz" → "s") only matches itself, not a start.
        span = _prefix_range(self.sound_keys, sound) if len(sound) >= 3 else range(0)
        keys = [self.sound_keys[i] for i in span] or [sound] * (sound in self._sound_number)
        for key in keys:
            same = key == sound
            for w in self.sound_words[self._sound_number[key]]:
                if w in found or (not same and heads.get(w, 0) >= length):
                    continue
                found[w] = self._sound_quality(w, typed) if same else SOUND_PREFIX
        return found

    def _sound_quality(self, word: int, typed: tuple[str, str]) -> int:
        """How closely a same-sound word is spelt to what was typed: ``typed`` is its
        ``spelling_key`` and its ``lossy`` letters; one letter apart is near when it is so
        in both (``kkarlsen`` is near Karlsen, not Carlsen)."""
        forms = self._spelt.get(word)
        if forms is None:
            spelt = {lossy(letters(self.raw_text[s])) for s in self.spellings_of[word]}
            forms = self._spelt[word] = tuple((spelling_key(f), f) for f in spelt)
        key, plain = typed
        if any(key == k for k, _f in forms):
            return SOUND
        near = any(
            OSA.distance(key, k, score_cutoff=1) <= 1
            and OSA.distance(plain, f, score_cutoff=1) <= 1
            for k, f in forms
        )
        return SOUND_NEAR if near else SOUND_FAR

    def typo_prefixes(self, sound: str) -> set[int]:
        """Words whose sound key starts one edit from ``sound`` (a slip while typing)."""
        found: set[int] = set()
        for i in typo_prefix_keys(sound, self.sound_keys):
            found.update(self.sound_words[self._sound_number[self.sound_keys[i]]])
        return found

    def typo_starts(self, forms: tuple[str, ...]) -> set[int]:
        """Words starting one edit from a ``letters`` form of the word being typed, its first
        letter kept or swapped with the second (``search_text.slips_after_first``):
        ``mogdns`` for Mogensen, ``lqars`` for Larsen, ``jepæpese`` for Jeppesen. Each
        spelling one edit away, folded, is a prefix range of the sorted words."""
        found: set[int] = set()
        keys, heads = self.keys, self._heads
        starts: set[str] = set()
        for form in forms:
            # A slip after the longest start some word has leaves a start nobody has.
            known = 1
            while known < len(form) and _prefix_range(keys, fold_letters(form[: known + 1])):
                known += 1
            starts.update(
                fold_letters(v) for v in slips_after_first(form) if _common(v, form) <= known
            )
        for variant in shortest_starts(starts):
            length = len(variant)
            for i in _prefix_range(keys, variant):
                w = self.number[keys[i]]
                if heads.get(w, 0) < length or keys[i] == variant:
                    found.add(w)
        return found
