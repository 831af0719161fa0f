"""A third desk-query set, built apart from the other two with other typing models.

Neither ``search_queries`` nor ``search_heldout`` is used for its choices: the population
draws first names uniformly from Faker's da_DK lists (so the short ones, Bo, Ib, Åse, Per,
are as common as any), surnames from da_DK, sv_SE, no_NO, de_DE, tr_TR and pl_PL, middle
names, double-barrelled surnames and same-name copies at rates of its own; the queries model
what the other sets leave out: slips onto a neighbouring key only (the first letter too),
æ/ø/å typed as ae/oe/aa or a/o/a with a slip elsewhere, a slip in a short word (two to four
letters) with the other words right, double-barrelled names typed with a space, without the
hyphen or by one part only, middle names skipped or used as the call name, and a slip in
the word still being typed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from bench.search_queries import Citizen, Query

_KEYS = ("qwertyuiopå", "asdfghjklæø", "zxcvbnm")
_SHORT = range(2, 5)


def _neighbour_keys() -> dict[str, tuple[str, ...]]:
    near: dict[str, tuple[str, ...]] = {}
    for r, row in enumerate(_KEYS):
        for i, key in enumerate(row):
            spots = [(r, i - 1), (r, i + 1)]
            spots += [(r - 1, i), (r - 1, i + 1), (r + 1, i - 1), (r + 1, i)]
            near[key] = tuple(
                _KEYS[a][b] for a, b in spots if 0 <= a < len(_KEYS) and 0 <= b < len(_KEYS[a])
            )
    return near


_NEAR = _neighbour_keys()


def third_population(size: int = 2000, seed: int = 90210) -> list[Citizen]:
    """``size`` citizens: first names uniform over Faker's da_DK lists, surnames mostly
    Danish, some Nordic, German, Turkish and Polish; 15 % with a middle name, 12 % with a
    double-barrelled surname, 5 % copying another's name."""
    from faker import Faker
    from faker.providers.person.da_DK import Provider

    rng = random.Random(seed)
    firsts = sorted(set(Provider.first_names_male) | set(Provider.first_names_female))
    danish = sorted(set(Provider.last_names))
    foreign_fake = Faker(["sv_SE", "no_NO", "de_DE", "tr_TR", "pl_PL"])
    foreign_fake.seed_instance(seed)
    foreign = sorted({foreign_fake.last_name() for _ in range(600)})

    def surname() -> str:
        return rng.choice(foreign) if rng.random() < 0.15 else rng.choice(danish)

    names: list[str] = []
    while len(names) < size:
        if names and rng.random() < 0.05:
            names.append(rng.choice(names))
            continue
        words = [rng.choice(firsts)]
        if rng.random() < 0.15:
            words.append(rng.choice(firsts))
        last = surname()
        if rng.random() < 0.12:
            last = f"{last}-{surname()}"
        words.append(last)
        if len(set(words)) == len(words):
            names.append(" ".join(words))
    return [(f"t{i:05d}", name, 1928 + rng.randrange(80)) for i, name in enumerate(names)]


def _parts(name: str) -> list[str]:
    return name.lower().split()


def _first_last(name: str) -> list[str]:
    words = _parts(name)
    return [words[0], words[-1]]


def _neighbour(word: str, rng: random.Random, *, first: bool = True) -> str:
    """``word`` with one letter replaced by a key next to it (the first letter one time in
    ten when ``first``); a word without such a letter is returned as it is."""
    spots = [i for i, c in enumerate(word) if c in _NEAR and (i or first)]
    if not spots:
        return word
    i = spots[0] if first and rng.random() < 0.1 else rng.choice(spots)
    return word[:i] + rng.choice(_NEAR[word[i]]) + word[i + 1 :]


def _any_slip(word: str, rng: random.Random) -> str:
    """One edit anywhere but the first letter: neighbour key, swap, drop, extra key."""
    if len(word) < 2:
        return word
    kind = rng.randrange(4)
    i = rng.randrange(1, len(word))
    if kind == 0:
        return _neighbour(word, rng, first=False)
    if kind == 1 and len(word) > 2 and word[i - 1] != word[i]:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == 2 and len(word) > 2:
        return word[:i] + word[i + 1 :]
    extra = rng.choice(_NEAR.get(word[i], ("e",)))
    return word[:i] + extra + word[i:]


def _neighbour_query(name: str, rng: random.Random) -> str:
    words = _first_last(name)
    n = rng.randrange(len(words))
    words[n] = _neighbour(words[n], rng)
    return " ".join(words)


def _spelt_typo(table: dict[str, str]) -> Callable[[str, random.Random], str]:
    """æ/ø/å spelt by ``table`` and one slip, in the word that has them or the other."""

    def make(name: str, rng: random.Random) -> str:
        words = _first_last(name)
        spelt = ["".join(table.get(c, c) for c in w) for w in words]
        n = rng.randrange(len(spelt))
        spelt[n] = _any_slip(spelt[n], rng)
        return " ".join(spelt)

    return make


def _short_typo(name: str, rng: random.Random) -> str:
    """A slip in a word of two to four letters; the other words typed right."""
    words = _first_last(name)
    short = [n for n, w in enumerate(words) if len(w) in _SHORT]
    n = rng.choice(short)
    words[n] = _any_slip(words[n], rng) if rng.random() < 0.5 else _neighbour(words[n], rng)
    return " ".join(words)


def _hyphen_space(name: str, _rng: random.Random) -> str:
    words = _parts(name)
    return " ".join([words[0], words[-1].replace("-", " ")])


def _hyphen_joined(name: str, _rng: random.Random) -> str:
    words = _parts(name)
    return " ".join([words[0], words[-1].replace("-", "")])


def _hyphen_one_part(name: str, rng: random.Random) -> str:
    words = _parts(name)
    return f"{words[0]} {rng.choice(words[-1].split('-'))}"


def _middle_skipped(name: str, _rng: random.Random) -> str:
    return " ".join(_first_last(name))


def _middle_called(name: str, _rng: random.Random) -> str:
    words = _parts(name)
    return f"{words[1]} {words[-1]}"


def _typing_slip(name: str, rng: random.Random) -> str:
    """The first name and the surname being typed (3 letters on), with a slip in it (a
    dropped letter leaves at least three typed)."""
    first, last = _first_last(name)
    typed = last[: rng.randint(min(3, len(last)), len(last))]
    slipped = _any_slip(typed, rng)
    if len(slipped) < 3:  # three letters typed, one of them dropped: type one more
        slipped = _any_slip(last[:4], rng) if len(last) >= 4 else typed
    return f"{first} {slipped}"


def _middle_slip(name: str, rng: random.Random) -> str:
    """The whole name, middle name too, with a slip in one of its words of 4+ letters."""
    words = _parts(name)
    long = [n for n, w in enumerate(words) if len(w) >= 4] or [0]
    n = rng.choice(long)
    words[n] = _any_slip(words[n], rng)
    return " ".join(words)


def _full(name: str, rng: random.Random) -> str:
    words = _first_last(name)
    return " ".join(words if rng.random() < 0.8 else reversed(words))


def _has_middle(name: str) -> bool:
    return len(_parts(name)) >= 3


def _hyphenated(name: str) -> bool:
    return "-" in name


def _danish(name: str) -> bool:
    return bool(re.search("[æøå]", " ".join(_first_last(name))))


def _has_short(name: str) -> bool:
    return any(len(w) in _SHORT for w in _first_last(name))


_ASCII = {"æ": "ae", "ø": "oe", "å": "aa"}
_LOSSY = {"æ": "a", "ø": "o", "å": "a"}

#: Kinds: share, how a name is typed, and which names the kind applies to.
THIRD_KINDS: dict[str, tuple[float, Callable[[str, random.Random], str], Callable[[str], bool]]] = {
    "full": (0.08, _full, lambda _n: True),
    "typo_neighbour": (0.14, _neighbour_query, lambda _n: True),
    "typo_ascii": (0.08, _spelt_typo(_ASCII), _danish),
    "typo_lossy": (0.05, _spelt_typo(_LOSSY), _danish),
    "typo_short": (0.12, _short_typo, _has_short),
    "hyphen_space": (0.07, _hyphen_space, _hyphenated),
    "hyphen_joined": (0.04, _hyphen_joined, _hyphenated),
    "hyphen_one_part": (0.05, _hyphen_one_part, _hyphenated),
    "middle_skipped": (0.08, _middle_skipped, _has_middle),
    "middle_called": (0.04, _middle_called, _has_middle),
    "typo_typing": (0.10, _typing_slip, lambda _n: True),
    "typo_middle": (0.06, _middle_slip, _has_middle),
}


def _first_last_text(name: str) -> dict[str, float]:
    return {" ".join(_first_last(name)): 1.0}


#: Kinds that type a name one set way (see ``search_quality.ceilings``). Every name yields
#: its first and last word, so ``middle_skipped`` counts "Anne Jensen" as likely as "Anne
#: Marie Jensen" for ``anne jensen``, and ``hyphen_one_part`` a "Hanne Poulsen" as likely
#: as "Hanne Bæk-Poulsen" for ``hanne poulsen``.
THIRD_VARIANTS: dict[str, Callable[[str], dict[str, float]]] = {
    "middle_skipped": _first_last_text,
    "hyphen_one_part": lambda name: {
        f"{_parts(name)[0]} {part}": 1 / len(parts)
        for parts in [_parts(name)[-1].split("-")]
        for part in parts
    },
}


def third_queries(people: list[Citizen], count: int = 2000, seed: int = 77) -> list[Query]:
    """``count`` queries for random citizens, in the shares of ``THIRD_KINDS``."""
    rng = random.Random(seed)
    kinds = list(THIRD_KINDS)
    weights = [THIRD_KINDS[k][0] for k in kinds]
    found: list[Query] = []
    while len(found) < count:
        kind = rng.choices(kinds, weights)[0]
        citizen_id, name, _year = rng.choice(people)
        share, make, applies = THIRD_KINDS[kind]
        if applies(name):
            found.append(Query(kind, make(name, rng), citizen_id, name))
    return found
