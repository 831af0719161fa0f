"""Report facts are read by code shared with the kiosk: see ``models.figures.visits``/``facts``."""

from models.figures.facts import merged_citizens
from models.figures.visits import anonymous_contacts, queue_figures, visits, wait_figures

__all__ = ["anonymous_contacts", "merged_citizens", "queue_figures", "visits", "wait_figures"]
