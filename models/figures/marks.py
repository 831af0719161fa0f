"""The attendance merge rule: the current mark of (session, citizen) is the latest by HLC."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from models.events import ATTENDED_MARKS as ATTENDED_MARKS
from models.events import Mark


@dataclass(frozen=True, slots=True)
class MarkFact:
    """One attendance mark event, reduced to what the merge rule needs."""

    id: str
    session_id: str
    citizen_id: str
    mark: Mark
    hlc: str  # packed HLC stamp: string order is clock order

    def __post_init__(self) -> None:
        if not isinstance(self.mark, Mark):
            object.__setattr__(self, "mark", Mark(self.mark))

    @property
    def key(self) -> tuple[str, str]:
        return (self.session_id, self.citizen_id)

    @property
    def order(self) -> tuple[str, str]:
        # The HLC orders marks; the event id only breaks an exact (impossible in practice) tie
        # so that every replica picks the same winner.
        return (self.hlc, self.id)


CurrentMarks = dict[tuple[str, str], MarkFact]


def later(a: MarkFact, b: MarkFact) -> MarkFact:
    """The later of two marks for the same (session, citizen)."""
    return b if b.order > a.order else a


def merge_marks(
    current: Mapping[tuple[str, str], MarkFact], incoming: Iterable[MarkFact]
) -> CurrentMarks:
    """Fold ``incoming`` marks into ``current``: latest HLC wins per (session, citizen).

    The result does not depend on arrival order and merging a mark twice changes nothing,
    so marks from several devices can be applied in any order, any number of times.
    """
    merged: CurrentMarks = dict(current)
    for fact in incoming:
        held = merged.get(fact.key)
        merged[fact.key] = fact if held is None else later(held, fact)
    return merged


def current_marks(marks: Iterable[MarkFact]) -> CurrentMarks:
    """The current mark of every (session, citizen) among ``marks``."""
    return merge_marks({}, marks)


def effective_mark(explicit: Mark | None, checked_in: bool) -> Mark | None:
    """The mark the figures use: the leader's explicit mark wins; without one, a desk check-in
    for the session counts as present; otherwise the participant is unmarked."""
    if explicit is not None:
        return explicit
    return Mark.PRESENT if checked_in else None
