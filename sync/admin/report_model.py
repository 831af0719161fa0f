"""The report model is shared with the kiosk: see ``models.figures.report``."""

from models.figures.report import Cell, Chart, Column, ColumnType, Report, ReportQuery, Section

__all__ = ["Cell", "Chart", "Column", "ColumnType", "Report", "ReportQuery", "Section"]
