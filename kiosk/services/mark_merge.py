"""The attendance merge rule, shared with central: see ``models.figures.marks``."""

from models.figures.marks import (
    ATTENDED_MARKS,
    CurrentMarks,
    MarkFact,
    current_marks,
    effective_mark,
    later,
    merge_marks,
)

__all__ = [
    "ATTENDED_MARKS",
    "CurrentMarks",
    "MarkFact",
    "current_marks",
    "effective_mark",
    "later",
    "merge_marks",
]
