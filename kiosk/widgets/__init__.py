"""Reusable widgets of the kiosk."""
