"""Group and course figures follow the shared counting rules: see ``models.figures``."""

from models.figures.courses import CourseLength, course_length
from models.figures.rules import GroupTotals, SessionFigures, session_figures

__all__ = ["CourseLength", "GroupTotals", "SessionFigures", "course_length", "session_figures"]
