"""Realistic Danish citizen names for demo data and benchmarks (deterministic from a seed)."""

from __future__ import annotations

import bisect
import random


def _weighted(text: str) -> tuple[tuple[str, int], ...]:
    """Parse ``"Name:weight Other_Name:weight"`` (``_`` stands for a space)."""
    pairs = (token.rsplit(":", 1) for token in text.split())
    return tuple((name.replace("_", " "), int(weight)) for name, weight in pairs)


# Weights roughly follow how common the names are in Denmark; spelling variants that search
# must treat alike (Christensen/Kristensen, Aase/Åse, Aagaard/Ågaard) are both present.
FEMALE_FIRST = _weighted(
    """
    Anne:9 Anna:6 Kirsten:7 Hanne:7 Mette:8 Susanne:5 Lene:6 Karen:5 Marianne:5 Birgitte:4
    Helle:5 Inge:4 Pia:4 Lone:4 Camilla:4 Louise:4 Maja:3 Signe:3 Rikke:4 Dorthe:3 Bodil:2
    Grethe:3 Tove:2 Ulla:2 Aase:2 Åse:2 Astrid:2 Lærke:3 Sørine:1 Bente:3 Else:2 Ditte:2
    Nanna:2 Ida:3 Freja:2 Søs:1 Gitte:3 Jytte:2 Kristine:2 Christine:2 Zeynep:1 Fatima:1
    Agnieszka:1 Ellen:2 Ragnhild:1 Åshild:1
    """
)
MALE_FIRST = _weighted(
    """
    Peter:9 Jens:8 Lars:8 Michael:7 Henrik:6 Søren:7 Thomas:6 Niels:5 Jørgen:5 Christian:5
    Kristian:3 Martin:5 Jan:4 Morten:4 Anders:5 Rasmus:4 Mads:4 Ole:4 Poul:3 Erik:4 Bent:3
    Torben:3 Claus:3 Klaus:2 Jørn:2 Bjørn:2 Kåre:1 Kaare:1 Aage:2 Åge:1 Frederik:3 Mikkel:3
    Emil:2 Magnus:2 Holger:1 Svend:2 Steen:2 Jesper:3 Finn:2 Preben:1 Asger:1 Ahmad:1
    Mustafa:1 Tomasz:1 Björn:1 Jérôme:1
    """
)
MIDDLE: tuple[str, ...] = tuple(
    "Marie Louise Juul Bøgh Kjær Brix Bach Skov Dam Holm Lykke Sofie Krogh Vinther Bækgaard".split()
)
SURNAMES = _weighted(
    """
    Jensen:20 Nielsen:19 Hansen:17 Pedersen:12 Petersen:6 Andersen:12 Christensen:9
    Kristensen:4 Larsen:9 Sørensen:9 Rasmussen:7 Jørgensen:7 Madsen:5 Olsen:5 Thomsen:5
    Christiansen:4 Poulsen:4 Johansen:3 Møller:5 Mortensen:4 Knudsen:3 Jakobsen:2 Jacobsen:2
    Mikkelsen:3 Frederiksen:3 Laursen:2 Lauridsen:2 Henriksen:3 Vestergaard:2 Østergaard:2
    Nørgaard:2 Søndergaard:2 Højgaard:1 Holm:2 Kjær:2 Bæk:1 Dahl:1 Lund:2 Schmidt:1
    Aagaard:1 Ågaard:1 Skaarup:1 Skårup:1 Krogh:1 Friis:1 Bach:1 Damgaard:1 Kjærsgaard:1
    Aakjær:1 Sæbye:1 Bøgh:1 Yılmaz:1 Hussein:1 Nowak:1 Ali:1 Müller:1
    """
)


def _cumulative(table: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    names = [name for name, _ in table]
    total, cumulative = 0, []
    for _, weight in table:
        total += weight
        cumulative.append(total)
    return names, cumulative


_FEMALE = _cumulative(FEMALE_FIRST)
_MALE = _cumulative(MALE_FIRST)
_SURNAME = _cumulative(SURNAMES)


def _pick(table: tuple[list[str], list[int]], roll: float) -> str:
    names, cumulative = table
    return names[bisect.bisect_right(cumulative, roll * cumulative[-1])]


def demo_names(n: int, seed: int = 2026) -> list[str]:
    """``n`` Danish display names ("Fornavn [Mellemnavn] Efternavn"), same seed → same list.

    The list is prefix-stable (the first k names do not depend on ``n``) and fast enough for
    benchmarks (100,000 names in a fraction of a second). Common names repeat, as in real
    life, so same-name people occur naturally.
    """
    rng = random.Random(seed)
    roll = rng.random
    names: list[str] = []
    for _ in range(n):
        first = _pick(_FEMALE, roll()) if roll() < 0.52 else _pick(_MALE, roll())
        if roll() < 0.18:
            first = f"{first} {MIDDLE[int(roll() * len(MIDDLE))]}"
        names.append(f"{first} {_pick(_SURNAME, roll())}")
    return names
