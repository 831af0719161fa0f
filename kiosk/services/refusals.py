"""One base for every refusal a kiosk use case raises: nothing changed, ``reason`` says why."""

from __future__ import annotations


class Refused(Exception):
    """A use case said no and changed nothing.

    ``reason`` is a stable key that screens translate (``checkin.refused.<reason>``, …) or,
    for older services, a short operator message. Subclasses keep their own names
    (``CheckInRefused``, ``QueueRefused``, …) so callers can still catch just their own."""

    reason: str = ""

    def __init__(self, reason: str = "", *args: object) -> None:
        super().__init__(reason, *args)
        self.reason = reason
