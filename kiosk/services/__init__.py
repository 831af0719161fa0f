"""Kiosk services: the app's use cases over the local database. No Textual imports here."""
