"""The few citizens worth ranking exactly, picked from all matches by a vectorised key.

Each query word's matches become two arrays (numpy): the best match value of the word among
each citizen's first name word, and among their later name words. From those a sort key
close to the exact one (``search_rank.Score``) is built for every citizen matching all words
at once, and only the best few are scored exactly. The arrays run over the citizens the
rarest word matches (``sparse``, ``lookup``: a few thousand at most for a name of three
letters or more), or over all citizens when even the rarest word is common (``best_values``:
two one-letter words). Either way a common name costs a handful of array operations, not a
Python loop over thousands.
"""

from __future__ import annotations

from array import array

import numpy as np

NONE = 65535  # "this word matches none of the citizen's name words"
#: A word's value: loose matches weigh more than any sum of qualities; then quality
#: (double-barrelled penalty included) and whether the spelling is as typed.
LOOSE_WEIGHT, QUALITY_WEIGHT = 1024, 8


def word_value(loose: bool, quality: int, misspelt: int) -> int:
    return LOOSE_WEIGHT * loose + QUALITY_WEIGHT * quality + misspelt


def best_values(size: int, groups: dict[int, list[array[int]]]) -> np.ndarray:
    """Per citizen the smallest value whose postings hold them (``NONE`` where none do)."""
    values = np.full(size, NONE, dtype=np.uint16)
    for value in sorted(groups, reverse=True):  # better values are written last and win
        postings = [p for p in groups[value] if p]
        if postings:
            values[np.frombuffer(b"".join(postings), dtype=np.int32)] = value
    return values


Sparse = tuple[np.ndarray, np.ndarray]  # citizen numbers (sorted, unique), best value each
_BITS = 16


def sparse(groups: dict[int, list[array[int]]]) -> Sparse:
    """The citizens some of these postings hold, each with the smallest value holding them."""
    postings = [(value, p) for value, lists in groups.items() for p in lists if p]
    if not postings:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.uint16)
    numbers = np.frombuffer(b"".join([p for _v, p in postings]), dtype=np.int32)
    values = np.repeat(
        np.array([v for v, _p in postings], dtype=np.int64), [len(p) for _v, p in postings]
    )
    keys = np.sort((numbers.astype(np.int64) << _BITS) | values)  # by citizen, best value first
    citizens = keys >> _BITS
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(citizens[1:], citizens[:-1], out=first[1:])
    kept = keys[first]
    return (kept >> _BITS).astype(np.int32), (kept & (1 << _BITS) - 1).astype(np.uint16)


def lookup(found: Sparse, citizens: np.ndarray, size: int) -> np.ndarray:
    """The value ``found`` gives each of ``citizens``, ``NONE`` where it has none (spread
    over all ``size`` citizens and picked: faster than a binary search of each)."""
    numbers, values = found
    spread = np.full(size, NONE, dtype=np.uint16)
    spread[numbers] = values
    picked: np.ndarray = spread[citizens]
    return picked


def shortlist(
    first: list[np.ndarray],
    other: list[np.ndarray],
    eligible: np.ndarray,
    today: np.ndarray,
    name_words: np.ndarray,
    size: int,
) -> tuple[list[int], int]:
    """The ``size`` citizens with the best approximate keys (best first) and how many
    citizens match every word. ``first``/``other`` hold one array per query word, over the
    same citizens as ``eligible``, ``today`` and ``name_words``, in name order; what comes
    back are positions in those arrays."""
    matching = eligible.copy()
    for f, o in zip(first, other, strict=True):
        matching &= np.minimum(f, o) != NONE
    found = np.flatnonzero(matching)
    if not len(found):
        return [], 0
    any_value = np.minimum(first[0][found], other[0][found]).astype(np.int32)
    if len(first) == 1:
        in_order = first[0][found] != NONE
        in_value = first[0][found].astype(np.int32)
    else:  # the first word may match a middle name (see ``search_rank._in_order``)
        in_order = np.ones(len(found), dtype=bool)
        in_value = any_value.copy()
    for f, o in zip(first[1:], other[1:], strict=True):
        later = o[found]
        in_order &= later != NONE
        in_value += later
        any_value += np.minimum(f[found], later)
    value = np.where(in_order, in_value, any_value)
    loose, rest = np.divmod(value, LOOSE_WEIGHT)
    not_today = ~today[found]
    left_over = np.clip(name_words[found].astype(np.int32) - len(first), 0, 7)
    key = ((loose * 2 + not_today) * 2 + ~in_order) * 16384 + rest * 8 + left_over
    ranked = key.astype(np.int64) * (1 << 21) + found  # then name order and birth year
    picked = np.argpartition(ranked, size - 1)[:size] if len(ranked) > size else None
    if picked is not None:
        ranked, found = ranked[picked], found[picked]
    return found[np.argsort(ranked)].tolist(), int(matching.sum())
