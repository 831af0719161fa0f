"""Screens: one per file (``kiosk/screens/<name>.py``), each with its ``.tcss`` beside it."""
