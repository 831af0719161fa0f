"""A seeded population of Faker da_DK citizens and what a front desk types to find them.

Kinds of query, each a function of a target name and a seeded ``random.Random``: full
name, last name first, first+surname prefixes, lower case, ASCII spellings of æ/ø/å, lossy
spellings (ø typed as o), aa↔å, spelling families (Christensen/Kristensen), and one typo
of each kind in one word: substitution (keyboard neighbour or any letter), transposition,
dropped letter, doubled letter, and a slip at or next to æ/ø/å.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

Citizen = tuple[str, str, int]  # id, display name, birth year
ALPHABET = "abcdefghijklmnopqrstuvwxyzæøå"
#: A Danish keyboard, for slips onto a neighbouring key (kept apart from the search's own).
_ROWS = ("qwertyuiopå", "asdfghjklæø", "zxcvbnm")


def _keyboard() -> dict[str, list[str]]:
    near: dict[str, list[str]] = {}
    for r, row in enumerate(_ROWS):
        for i, key in enumerate(row):
            spots = ((r, i - 1), (r, i + 1), (r - 1, i), (r - 1, i + 1), (r + 1, i - 1), (r + 1, i))
            near[key] = [_ROWS[a][b] for a, b in spots if 0 <= a < 3 and 0 <= b < len(_ROWS[a])]
    return near


NEIGHBOURS = _keyboard()


def population(size: int = 2000, seed: int = 2026) -> list[Citizen]:
    """``size`` citizens: Danish names (some double-barrelled or with a middle name), some
    Turkish, Polish and German ones, and about 3 % sharing a name with someone else."""
    from faker import Faker

    danish, foreign = Faker("da_DK"), Faker(["tr_TR", "pl_PL", "de_DE"])
    danish.seed_instance(seed)
    foreign.seed_instance(seed + 1)
    rng = random.Random(seed)
    names: list[str] = []
    while len(names) < size:
        roll = rng.random()
        if roll < 0.03 and names:
            names.append(rng.choice(names))  # a same-name pair
        elif roll < 0.09:
            names.append(f"{foreign.first_name()} {foreign.last_name()}")
        elif roll < 0.13:
            names.append(f"{danish.first_name()} {foreign.last_name()}")
        elif roll < 0.23:
            names.append(f"{danish.first_name()} {danish.last_name()}-{danish.last_name()}")
        elif roll < 0.30:
            names.append(f"{danish.first_name()} {danish.first_name()} {danish.last_name()}")
        else:
            names.append(f"{danish.first_name()} {danish.last_name()}")
    return [(f"p{i:05d}", name, 1935 + rng.randrange(70)) for i, name in enumerate(names)]


def _words(name: str) -> list[str]:
    return name.lower().split()


def _full(name: str, rng: random.Random) -> str:
    words = _words(name)
    return " ".join([words[0], words[-1]] if rng.random() < 0.5 else words)


def _last_first(name: str, _rng: random.Random) -> str:
    words = _words(name)
    return f"{words[-1]} {words[0]}"


def _prefixes(name: str, rng: random.Random) -> str:
    words = _words(name)
    return f"{words[0][: rng.randint(3, 4)]} {words[-1][: rng.randint(3, 5)]}"


def _short_prefixes(name: str, rng: random.Random) -> str:
    """Two letters and a surname start: often several people fit (keystrokes bench land)."""
    words = _words(name)
    return f"{words[0][:2]} {words[-1][: rng.randint(2, 3)]}"


def _as_typed(name: str, rng: random.Random) -> str:
    return name if rng.random() < 0.5 else name.upper()


_ASCII = {"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"}
_LOSSY = {"æ": "a", "ø": "o", "å": "a", "é": "e", "ü": "u", "ö": "o", "ä": "a"}


def _spell(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in text)


def _ascii(name: str, rng: random.Random) -> str:
    return _spell(_full(name, rng), _ASCII)


def _lossy(name: str, rng: random.Random) -> str:
    return _spell(_full(name, rng), _LOSSY)


def _aa(name: str, rng: random.Random) -> str:
    text = _full(name, rng)
    return text.replace("aa", "å") if "aa" in text else text.replace("å", "aa")


_FAMILIES = (("ch", "k"), ("k", "ch"), ("ph", "f"), ("f", "ph"), ("th", "t"), ("c", "k"),
             ("ss", "s"), ("nn", "n"), ("ie", "i"), ("ej", "ei"), ("dt", "t"), ("w", "v"),
             ("sen", "ssen"), ("ck", "k"), ("d", "t"), ("z", "s"))  # fmt: skip


def _family(name: str, rng: random.Random) -> str:
    text = _full(name, rng)
    options = [(a, b) for a, b in _FAMILIES if a in text]
    if not options:
        return text
    a, b = rng.choice(options)
    spots = [m.start() for m in re.finditer(re.escape(a), text)]
    at = rng.choice(spots)
    return text[:at] + b + text[at + len(a) :]


def _typo_word(name: str, rng: random.Random, slip: Callable[[str, int], str]) -> str:
    """The full name with one slip in one word of at least four letters."""
    words = _full(name, rng).split()
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()] or [0]
    n = rng.choice(long)
    word = words[n]
    words[n] = slip(word, rng.randrange(1, len(word)) if len(word) > 1 else 0)
    return " ".join(words)


def _substitute(rng: random.Random) -> Callable[[str, int], str]:
    def slip(word: str, i: int) -> str:
        near = sorted(NEIGHBOURS.get(word[i], ())) if rng.random() < 0.6 else []
        letter = rng.choice(near or [c for c in ALPHABET if c != word[i]])
        return word[:i] + letter + word[i + 1 :]

    return slip


def _transpose(word: str, i: int) -> str:
    """Two neighbouring letters swapped (two that differ: swapping "nn" changes nothing)."""
    spots = [j for j in range(len(word) - 1) if word[j] != word[j + 1]] or [0]
    i = min(spots, key=lambda j: (abs(j - i), j))
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _drop(word: str, i: int) -> str:
    return word[:i] + word[i + 1 :]


def _double(word: str, i: int) -> str:
    return word[:i] + word[i] + word[i:]


def _danish_slip(name: str, rng: random.Random) -> str:
    """A slip at or next to æ/ø/å (or a plain substitution when the name has none)."""
    text = _full(name, rng)
    spots = [m.start() for m in re.finditer("[æøå]", text)]
    if not spots:
        return _typo_word(name, rng, _substitute(rng))
    i = rng.choice(spots)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + rng.choice(sorted(NEIGHBOURS[text[i]])) + text[i + 1 :]
    if kind == 1 and i + 1 < len(text) and text[i + 1] != " ":
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


#: Query kinds and their share of the queries: more than a third carry one typo.
KINDS: dict[str, tuple[float, Callable[[str, random.Random], str]]] = {
    "full": (0.10, _full),
    "last_first": (0.06, _last_first),
    "prefixes": (0.09, _prefixes),
    "short_prefixes": (0.03, _short_prefixes),
    "case": (0.04, _as_typed),
    "ascii": (0.06, _ascii),
    "lossy": (0.05, _lossy),
    "aa": (0.05, _aa),
    "family": (0.07, _family),
    "typo_substitution": (0.10, lambda n, r: _typo_word(n, r, _substitute(r))),
    "typo_transposition": (0.09, lambda n, r: _typo_word(n, r, _transpose)),
    "typo_dropped": (0.09, lambda n, r: _typo_word(n, r, _drop)),
    "typo_doubled": (0.07, lambda n, r: _typo_word(n, r, _double)),
    "typo_danish": (0.10, _danish_slip),
}


def _prefix_texts(name: str, firsts: range, lasts: range) -> dict[str, float]:
    words = _words(name)
    found: dict[str, float] = {}
    share = 1 / (len(firsts) * len(lasts))
    for a in firsts:
        for b in lasts:
            text = f"{words[0][:a]} {words[-1][:b]}"
            found[text] = found.get(text, 0.0) + share
    return found


#: For kinds that type a name in a few set ways: each text a name yields, with its chance.
#: With them a kind's ceiling is known: where several names yield the same text (``ma br``
#: for Malene and Maya Bruun), no search can tell which one was meant.
VARIANTS: dict[str, Callable[[str], dict[str, float]]] = {
    "prefixes": lambda name: _prefix_texts(name, range(3, 5), range(3, 6)),
    "short_prefixes": lambda name: _prefix_texts(name, range(2, 3), range(2, 4)),
    "last_first": lambda name: {f"{_words(name)[-1]} {_words(name)[0]}": 1.0},
}


_NEEDS = {"aa": "å|aa", "ascii": "[æøåéüöä]", "lossy": "[æøåéüöä]", "typo_danish": "[æøå]"}


@dataclass(frozen=True, slots=True)
class Query:
    kind: str
    text: str
    target: str  # citizen id
    name: str


def desk_queries(people: list[Citizen], count: int = 3000, seed: int = 15) -> list[Query]:
    """``count`` queries, each for a random citizen, in the proportions of ``KINDS``."""
    rng = random.Random(seed)
    kinds = list(KINDS)
    weights = [KINDS[k][0] for k in kinds]
    found: list[Query] = []
    while len(found) < count:
        kind = rng.choices(kinds, weights)[0]
        citizen_id, name, _year = rng.choice(people)
        while not re.search(_NEEDS.get(kind, ""), name.lower()):  # a name the kind applies to
            citizen_id, name, _year = rng.choice(people)
        found.append(Query(kind, KINDS[kind][1](name, rng), citizen_id, name))
    return found
