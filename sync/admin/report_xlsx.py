"""The XLSX writer is shared with the kiosk: see ``models.figures.xlsx``."""

from models.figures.xlsx import sheet_title, write_xlsx

__all__ = ["sheet_title", "write_xlsx"]
