"""Danish-aware name text: folding (æ≡ae≡ä, ø≡oe≡ö, å≡aa, accents, case), tokens, sound keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Letters that are their own words in Danish and German spelling, folded to the ASCII forms
#: people type when the keyboard lacks them.
_LETTERS = str.maketrans(
    {"æ": "ae", "ä": "ae", "ø": "oe", "ö": "oe", "å": "aa", "ß": "ss", "ð": "d", "þ": "th"}
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

#: Spelling families (Christensen/Kristensen, Philip/Filip, Pedersen/Petersen, …), applied in
#: order to a folded token. Each pair maps a spelling to the one its family shares.
_SOUND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
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
        (r"(?<=.)h", ""),  # silent h: Ohlsen/Olsen, Mathilde/Matilde
        (r"([aeiouy])[aeiouy]+", r"\1"),  # Nielsen/Nilsen, Boe/Bo, Søren/Soren
        (r"(.)\1+", r"\1"),  # Jenssen/Jensen, Anne/Ane
    )
)


def fold(text: str) -> str:
    """Lower-case ``text`` and fold Danish letters and accents to plain ASCII words."""
    lowered = text.lower().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", ascii_only).strip()


def tokens(text: str) -> list[str]:
    """The folded words of a name or a query (hyphens and punctuation separate words)."""
    return fold(text).split()


@lru_cache(maxsize=65536)
def sound_key(token: str) -> str:
    """A key shared by the usual spelling variants of a folded name token."""
    key = token
    for pattern, replacement in _SOUND_RULES:
        key = pattern.sub(replacement, key)
    return key


def edits1(word: str) -> set[str]:
    """Every string one edit away from ``word``: delete, swap neighbours, replace, insert."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + c + right[1:] for left, right in splits if right for c in letters}
    inserts = {left + c + right for left, right in splits for c in letters}
    return (deletes | swaps | replaces | inserts) - {word}
