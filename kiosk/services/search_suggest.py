"""The "did you mean …?" line: the typed query with each slip replaced by the word it hit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.services.search_fuzzy import TYPOS
from kiosk.services.search_rank import Plan, assign

if TYPE_CHECKING:
    from kiosk.services.search_text import Word
    from kiosk.services.search_vocab import Vocabulary


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
