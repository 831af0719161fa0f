"""Card scanner as a keyboard wedge: a token of digits/A–Z typed by the scanner, then Enter."""

from __future__ import annotations

import string
from dataclasses import dataclass, field

TOKEN_CHARS = frozenset(string.digits + string.ascii_uppercase)
#: Shorter runs are PINs, initials or a person's typing.
MIN_TOKEN = 8
#: Scanners type a character every few milliseconds; people take far longer.
SCANNER_GAP_S = 0.04
#: A pause this long starts a new token.
RESET_GAP_S = 1.0


@dataclass
class CardWedge:
    """Recognises scans in the key stream, wherever the focus is.

    A scan is at least ``MIN_TOKEN`` characters of digits and A–Z followed by Enter, with a
    digit in it or typed at scanner speed (so a name typed in capitals is not a scan).
    """

    buffer: list[str] = field(default_factory=list)
    slowest_gap: float = 0.0
    last_at: float | None = None

    def reset(self) -> None:
        self.buffer.clear()
        self.slowest_gap = 0.0
        self.last_at = None

    def feed(self, key: str, character: str | None, at: float) -> str | None:
        """Take one key event (``at`` in monotonic seconds); the token when a scan ends."""
        if key == "enter":
            token = "".join(self.buffer)
            fast = self.slowest_gap <= SCANNER_GAP_S
            self.reset()
            if len(token) >= MIN_TOKEN and (fast or any(c.isdigit() for c in token)):
                return token
            return None
        if character is None or character not in TOKEN_CHARS:
            self.reset()
            return None
        if self.last_at is not None:
            gap = at - self.last_at
            if gap > RESET_GAP_S:
                self.reset()
            else:
                self.slowest_gap = max(self.slowest_gap, gap)
        self.buffer.append(character)
        self.last_at = at
        return None
