"""A second, independently built desk-query set, to check ``search_queries`` is not tuned to.

Written apart from ``search_queries`` and with other choices throughout: the population is
Faker ``da_DK`` ``name()`` itself (titles such as "Dr." or "Fru" dropped, as a register holds
no titles; double-barrelled surnames as Faker makes them), same-name pairs by copying, other
seeds; 3+3-letter prefixes as the issue's held-out set types them; and typos anywhere in a
word (the first letter too), in words of any length, in every word of the query at once, and
stray letters inserted (not only doubled ones).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.search_queries import Citizen, Query

#: Faker's da_DK titles; a person register holds none of them.
_TITLES = frozenset({"dr.", "hr", "hr.", "fru", "frk.", "prof.", "univ.prof.", "dr.med.", "lic."})
_QWERTY = ("qwertyuiopå", "asdfghjklæø", "zxcvbnm")
_LETTERS = "abcdefghijklmnopqrstuvwxyzæøå"


def heldout_population(size: int = 2000, seed: int = 4711) -> list[Citizen]:
    """``size`` citizens named by Faker ``da_DK`` (about 4 % copying another's name)."""
    from faker import Faker

    fake = Faker("da_DK")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    names: list[str] = []
    while len(names) < size:
        if names and rng.random() < 0.04:
            names.append(rng.choice(names))
            continue
        words = [w for w in fake.name().split() if w.lower() not in _TITLES]
        if len(words) >= 2:
            names.append(" ".join(words))
    return [(f"h{i:05d}", name, 1930 + rng.randrange(80)) for i, name in enumerate(names)]


def _near(letter: str) -> list[str]:
    for r, row in enumerate(_QWERTY):
        i = row.find(letter)
        if i >= 0:
            keys = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_QWERTY):
                    keys += [_QWERTY[other][j] for j in (i - 1, i) if 0 <= j < len(_QWERTY[other])]
            return keys
    return []


def _slip(word: str, rng: random.Random, kind: str, anywhere: bool = True) -> str:
    """``word`` with one edit of ``kind`` at a random spot (the first letter too)."""
    start = 0 if anywhere else 1
    if len(word) < 2:
        return word
    i = rng.randrange(start, len(word))
    if kind == "substitution":
        near = _near(word[i])
        pool = near if near and rng.random() < 0.7 else [c for c in _LETTERS if c != word[i]]
        return word[:i] + rng.choice(pool) + word[i + 1 :]
    if kind == "transposition":
        spots = [j for j in range(start, len(word) - 1) if word[j] != word[j + 1]]
        if not spots:
            return word
        j = rng.choice(spots)
        return word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    if kind == "dropped":
        return word[:i] + word[i + 1 :]
    if kind == "doubled":
        return word[:i] + word[i] + word[i:]
    near = _near(word[i]) or list(_LETTERS)  # "inserted": a stray key beside the right one
    return word[:i] + rng.choice(near) + word[i:]


def _pair(name: str) -> list[str]:
    words = name.lower().split()
    return [words[0], words[-1]]


def _one_typo(kind: str) -> Callable[[str, random.Random], str]:
    def make(name: str, rng: random.Random) -> str:
        words = _pair(name)
        n = rng.randrange(len(words))
        words[n] = _slip(words[n], rng, kind)
        return " ".join(words)

    return make


def _every_word(name: str, rng: random.Random) -> str:
    kinds = ("substitution", "transposition", "dropped", "doubled", "inserted")
    return " ".join(_slip(w, rng, rng.choice(kinds)) for w in _pair(name))


def _ascii(name: str, _rng: random.Random) -> str:
    text = " ".join(_pair(name))
    return text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def _lossy(name: str, _rng: random.Random) -> str:
    text = " ".join(_pair(name))
    return text.replace("æ", "a").replace("ø", "o").replace("å", "a")


def _aa(name: str, _rng: random.Random) -> str:
    text = " ".join(_pair(name))
    return text.replace("å", "aa") if "å" in text else text.replace("aa", "å")


_SOUNDS = (("k", "c"), ("c", "k"), ("ph", "f"), ("th", "t"), ("sen", "ssen"), ("ie", "i"),
           ("ch", "k"), ("i", "y"), ("ei", "ej"), ("x", "ks"))  # fmt: skip


def _family(name: str, rng: random.Random) -> str:
    text = " ".join(_pair(name))
    options = [(a, b) for a, b in _SOUNDS if a in text[1:]]
    if not options:
        return text
    a, b = rng.choice(options)
    at = text.index(a, 1)
    return text[:at] + b + text[at + len(a) :]


#: Kinds and shares; over half carry a typo.
HELDOUT_KINDS: dict[str, tuple[float, Callable[[str, random.Random], str]]] = {
    "full": (0.08, lambda n, _r: " ".join(_pair(n))),
    "full_middle": (0.03, lambda n, _r: n.lower()),
    "last_first": (0.05, lambda n, _r: " ".join(reversed(_pair(n)))),
    "prefixes_3_3": (0.08, lambda n, _r: " ".join(w[:3] for w in _pair(n))),
    "upper": (0.03, lambda n, _r: n.upper()),
    "ascii": (0.05, _ascii),
    "lossy": (0.04, _lossy),
    "aa": (0.04, _aa),
    "family": (0.06, _family),
    "typo_substitution": (0.10, _one_typo("substitution")),
    "typo_transposition": (0.09, _one_typo("transposition")),
    "typo_dropped": (0.09, _one_typo("dropped")),
    "typo_doubled": (0.06, _one_typo("doubled")),
    "typo_inserted": (0.08, _one_typo("inserted")),
    "typo_every_word": (0.12, _every_word),
}
#: Kinds that apply only to some names: the letters the name must hold.
#: The texts a name yields in the kinds that type it in one set way (see ``VARIANTS``).
HELDOUT_VARIANTS: dict[str, Callable[[str], dict[str, float]]] = {
    "prefixes_3_3": lambda name: {" ".join(w[:3] for w in _pair(name)): 1.0},
    "last_first": lambda name: {" ".join(reversed(_pair(name))): 1.0},
    "full": lambda name: {" ".join(_pair(name)): 1.0},
}
_NEEDS: dict[str, tuple[str, ...]] = {
    "ascii": tuple("æøå"),
    "lossy": tuple("æøå"),
    "aa": ("å", "aa"),
}


def heldout_queries(people: list[Citizen], count: int = 4000, seed: int = 31) -> list[Query]:
    """``count`` queries for random citizens, in the shares of ``HELDOUT_KINDS``."""
    rng = random.Random(seed)
    kinds = list(HELDOUT_KINDS)
    weights = [HELDOUT_KINDS[k][0] for k in kinds]
    found: list[Query] = []
    while len(found) < count:
        kind = rng.choices(kinds, weights)[0]
        citizen_id, name, _year = rng.choice(people)
        needs = _NEEDS.get(kind)
        if needs and not any(letters in name.lower() for letters in needs):
            continue
        found.append(Query(kind, HELDOUT_KINDS[kind][1](name, rng), citizen_id, name))
    return found
