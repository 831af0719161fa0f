"""The table and CSV writers are shared with the kiosk: see ``models.figures.render``."""

from models.figures.render import format_cell, heading, render_csv, render_table

__all__ = ["format_cell", "heading", "render_csv", "render_table"]
