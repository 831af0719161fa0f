"""Sync between kiosks and the central server: clock, protocol, client and server."""
