"""The report is built by the same code on kiosk and central: see ``models.figures.build``."""

from models.figures.build import build_report
from models.figures.build_visits import iso_week

__all__ = ["build_report", "iso_week"]
