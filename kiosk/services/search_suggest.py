"""The "did you mean …?" line: the typed query with each slip replaced by the word it hit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import islice, product
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from kiosk.services.search_fuzzy import TYPO_PREFIX_LENGTH, TYPOS
from kiosk.services.search_rank import Plan, assign
from models.search_text import Word

if TYPE_CHECKING:
    from kiosk.services.search_vocab import Vocabulary

#: When nobody is one slip away: how many words two slips away are tried, per typed word.
FURTHER_CANDIDATES = 5
FURTHER_COMBINATIONS = 25


def correction(
    typed: list[Word], plan: Plan, positions: tuple[int, ...], vocab: Vocabulary
) -> str | None:
    """The query that finds the best (typo-matched) citizen exactly.

    Every word is corrected together, against one real person, so the suggestion never
    combines two corrections that nobody has (``thotsen`` beside ``anne`` becomes the
    Thomsen called Anne, not the most common word one edit away).
    """
    chosen = assign(positions, plan, vocab)
    if chosen is None:
        return None
    corrected = [
        vocab.raw_text[positions[position]] if quality in TYPOS else word.raw
        for word, (quality, _spelt, position) in zip(typed, chosen, strict=True)
    ]
    suggestion = " ".join(corrected)
    return None if suggestion == " ".join(w.raw for w in typed) else suggestion


def further_correction(
    typed: list[Word],
    matched: list[bool],
    vocab: Vocabulary,
    finds: Callable[[list[Word]], str | None],
) -> str | None:
    """A query for when nobody is one slip away: words two edits away (with the same first
    letter: a slip there is rare) tried for every word that matches nobody, or else for one
    word at a time (the longest first), the other words kept, until a combination finds
    someone; ``finds`` gives the query that finds them exactly."""
    unmatched = [n for n, ok in enumerate(matched) if not ok]
    if unmatched:
        groups = [unmatched]
    else:
        groups = [[n] for n in sorted(range(len(typed)), key=lambda n: -len(typed[n].folded))]
    for group in groups:
        options = [_further(typed[n], vocab) for n in group]
        for choice in islice(product(*options), FURTHER_COMBINATIONS):
            candidate = list(typed)
            for n, word in zip(group, choice, strict=True):
                candidate[n] = word
            found = finds(candidate)
            if found:
                return found
    return None


def _further(word: Word, vocab: Vocabulary) -> list[Word]:
    """Name words at most two edits from ``word``, closest first."""
    if len(word.folded) < TYPO_PREFIX_LENGTH:
        return []
    texts, numbers = vocab.starting_with(word.folded[0])
    near = process.extract(
        word.folded, texts, scorer=OSA.distance, score_cutoff=2, limit=FURTHER_CANDIDATES
    )
    return [
        replace(word, raw=vocab.raw_text[vocab.spellings_of[numbers[i]][0]], folded=text)
        for text, _distance, i in near
    ]
