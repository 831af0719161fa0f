"""Danish-aware name text: folding (æ≡ae≡ä, ø≡oe≡ö, å≡aa, any Latin letter), tokens, sound keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

#: Letters that are their own words in Danish and German spelling, folded to the ASCII forms
#: people type when the keyboard lacks them. Every other letter (ı, ł, é, ü, ß, ð, …) is
#: transliterated by ``anyascii``, which covers all of Unicode rather than a hand-made list.
_LETTERS = str.maketrans({"æ": "ae", "ä": "ae", "ø": "oe", "ö": "oe", "å": "aa"})
#: The same letters kept as one letter each, for counting typos (``Mtller`` is one edit from
#: Møller); ä/ö are the German spellings of æ/ø and ``aa`` the old spelling of å.
_SINGLE = str.maketrans({"ä": "æ", "ö": "ø"})
#: Danish letters as typed on a keyboard without them (ø as o): the same name, not a typo.
_LOSSY = str.maketrans({"æ": "a", "ø": "o", "å": "a"})
_DANISH = frozenset("æøå")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")

#: Spelling families (Christensen/Kristensen, Philip/Filip, Pedersen/Petersen, …), applied in
#: order to a folded token: first letters that sound the same swapped for one spelling …
_SPELLING_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"sch", "sk"),
        (r"ch", "k"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"ck", "k"),
        (r"qu", "kv"),
        (r"c(?=[eiy])", "s"),
        (r"c", "k"),
        (r"q", "k"),
        (r"x", "ks"),
        (r"z", "s"),
        (r"w", "v"),
        (r"dt", "t"),
        (r"d", "t"),
        (r"(?<=[aeiouy])j", "i"),  # Ejnar/Einar, Kaj/Kai
    )
)
#: … then letters left out that are barely heard: a silent h, a second vowel, a double letter.
_COLLAPSE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?<=.)h", ""),  # silent h: Ohlsen/Olsen, Mathilde/Matilde
        (r"([aeiouy])[aeiouy]+", r"\1"),  # Nielsen/Nilsen, Boe/Bo, Søren/Soren
        (r"(.)\1+", r"\1"),  # Jenssen/Jensen, Anne/Ane
    )
)
_SOUND_RULES = _SPELLING_RULES + _COLLAPSE_RULES


def fold(text: str) -> str:
    """Lower-case ``text`` and fold Danish letters and every other Latin letter to ASCII."""
    lowered = unicodedata.normalize("NFC", text.lower()).translate(_LETTERS)
    return _NOT_ALNUM.sub(" ", anyascii(lowered).lower()).strip()


def tokens(text: str) -> list[str]:
    """The folded words of a name or a query (hyphens and punctuation separate words)."""
    return fold(text).split()


@lru_cache(maxsize=65536)
def letters(token: str) -> str:
    """``token`` lower-cased with æ, ø and å (and aa) as one letter each, the rest ASCII."""
    lowered = unicodedata.normalize("NFC", token.lower()).translate(_SINGLE).replace("aa", "å")
    kept = (ch if ch in _DANISH else anyascii(ch).lower() for ch in lowered)
    return "".join(ch for ch in "".join(kept) if ch in _DANISH or "a" <= ch <= "z" or ch.isdigit())


def fold_letters(single: str) -> str:
    """A ``letters`` form folded as ``fold`` folds (å → aa): a key of the sorted folded words."""
    return single.translate(_LETTERS)


def lossy(single: str) -> str:
    """A ``letters`` form with æ, ø and å typed as a, o and a (``soren`` for Søren)."""
    return single.translate(_LOSSY)


@lru_cache(maxsize=65536)
def spelling_key(single: str) -> str:
    """A ``letters`` form with æ, ø and å typed as a, o and a (``soren`` for Søren) and
    same-sounding letters spelt alike (``kristensen`` for Christensen), but no letter left
    out: how many letters two same-sound words differ by here tells how alike they look."""
    key = single.translate(_LOSSY)
    for pattern, replacement in _SPELLING_RULES:
        key = pattern.sub(replacement, key)
    return key


@lru_cache(maxsize=65536)
def sound_key(token: str) -> str:
    """A key shared by the usual spelling variants of a folded name token."""
    key = token
    for pattern, replacement in _SOUND_RULES:
        key = pattern.sub(replacement, key)
    return key


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a name or a query: as typed (lower case), folded, and its letter forms."""

    raw: str
    folded: str
    compound: bool  # part of a hyphenated (double-barrelled) name: Eriksen-Hansen
    #: For a double-barrelled name written as one word (``eriksenhansen``, hyphen left out):
    #: how many parts it joins; 0 for every other word.
    parts: int = 0
    head: int = 0  # of a joined word: how long its first part is (``nissen`` in nissenbach)


def words(text: str) -> list[Word]:
    """The words of ``text`` in order; a word folding to several (``ß`` → ss) stays one."""
    found: list[Word] = []
    for chunk in text.split():
        parts = _WORD.findall(chunk.lower())
        for part in parts:
            for folded in fold(part).split():
                found.append(Word(part, folded, len(parts) > 1))
    return found


def name_words(text: str) -> list[Word]:
    """The words of a name, then each double-barrelled name as one word (``Nissen-Bach`` is
    also ``nissenbach``: desks leave the hyphen out), in the order of the names they join."""
    found: list[Word] = []
    joined: list[Word] = []
    for chunk in text.split():
        parts = words(chunk)
        found.extend(parts)
        if len(parts) > 1:
            raw, folded = "".join(w.raw for w in parts), "".join(w.folded for w in parts)
            joined.append(Word(raw, folded, False, len(parts), len(parts[0].folded)))
    return found + joined


def letter_forms(raw: str) -> tuple[str, ...]:
    """How a typed word may be spelt with single Danish letters: as typed, and with ae/oe
    read as æ/ø (``Moelker`` is one edit from Møller)."""
    plain = letters(raw)
    danish = plain.replace("ae", "æ").replace("oe", "ø")
    return (plain,) if danish == plain else (plain, danish)


_ROWS = ("qwertyuiopå", "asdfghjklæø", "zxcvbnm")


def _neighbours() -> dict[str, frozenset[str]]:
    """Keys next to each key on a Danish keyboard (same row and the staggered rows)."""
    near: dict[str, set[str]] = {}
    for r, row in enumerate(_ROWS):
        for i, key in enumerate(row):
            spots = [(r, i - 1), (r, i + 1), (r - 1, i), (r - 1, i + 1), (r + 1, i - 1), (r + 1, i)]
            near[key] = {
                _ROWS[rr][ii]
                for rr, ii in spots
                if 0 <= rr < len(_ROWS) and 0 <= ii < len(_ROWS[rr])
            }
    return {key: frozenset(keys) for key, keys in near.items()}


NEIGHBOURS = _neighbours()


def likely_typo(typed: str, meant: str) -> bool:
    """Whether a one-edit difference is a likely slip: neighbouring keys swapped, a key next
    to the right one, a letter doubled or dropped, or a stray key next to its neighbour."""
    if len(typed) == len(meant):
        diff = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
        if len(diff) == 2:
            return True  # a transposition
        return len(diff) == 1 and typed[diff[0]] in NEIGHBOURS.get(meant[diff[0]], ())
    if len(typed) < len(meant):
        return True  # a dropped letter
    i = next((i for i, (a, b) in enumerate(zip(typed, meant, strict=False)) if a != b), len(meant))
    extra, around = (
        typed[i],
        {typed[i - 1] if i else "", typed[i + 1] if i + 1 < len(typed) else ""},
    )
    return extra in around or any(extra in NEIGHBOURS.get(c, ()) for c in around if c)


def deletes(word: str) -> set[str]:
    """``word`` and every string one letter shorter."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def edits1(word: str, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> set[str]:
    """Every string one edit away from ``word``: delete, swap neighbours, replace, insert."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + c + right[1:] for left, right in splits if right for c in alphabet}
    inserts = {left + c + right for left, right in splits for c in alphabet}
    return (dropped | swaps | replaces | inserts) - {word}


#: What a slip may put in a typed word: the letters of a Danish keyboard.
TYPED_LETTERS = "abcdefghijklmnopqrstuvwxyzæøå"


def slips_after_first(word: str) -> set[str]:
    """The starts of words that ``word``, being typed, may have been meant as with one slip:
    one edit away with its first letter kept, or its first two letters swapped (a wrong
    first key is rare, two first keys swapped is not: ``alur`` for Laur…)."""
    if not word:
        return set()
    found = {word[0] + variant for variant in edits1(word[1:], TYPED_LETTERS)}
    if len(word) > 1 and word[0] != word[1]:
        found.add(word[1] + word[0] + word[2:])
    return found


def shortest_starts(starts: set[str]) -> list[str]:
    """``starts`` without those that begin with another of them (sorted): as starts of
    words, ``os`` already covers ``osse`` and ``osbe``."""
    kept: list[str] = []
    for start in sorted(starts):
        if not kept or not start.startswith(kept[-1]):
            kept.append(start)
    return kept
