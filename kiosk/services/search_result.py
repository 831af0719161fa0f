"""What a citizen search returns to the screens: ranked hits, a count, a suggestion, hints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hit:
    """One citizen in a result list; ``approximate`` when found only through a typo."""

    citizen_id: str
    display_name: str
    birth_year: int | None
    has_today: bool
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class WordCount:
    """How many citizens one typed word finds on its own."""

    word: str
    citizens: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked hits and how many citizens match in all (``hits`` are the best ``limit``).

    ``suggestion`` is a "did you mean …?" query when the best hits were found only through a
    typo: the typed words with each slip replaced by the name word it matched, so taking it
    (Tab) lists the same person as an exact match. ``word_counts`` is filled when every word
    finds someone on its own but nobody has them all (the screen can say so, word by word).
    """

    query: str
    hits: tuple[Hit, ...] = ()
    suggestion: str | None = None
    total: int = 0
    word_counts: tuple[WordCount, ...] = ()

    @property
    def more(self) -> int:
        """How many matching citizens are not in ``hits`` ("20 af 24" shows 4 more)."""
        return max(0, self.total - len(self.hits))
