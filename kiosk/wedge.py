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
    lower_case: bool = False

    def reset(self) -> None:
        self.buffer.clear()
        self.slowest_gap = 0.0
        self.last_at = None
        self.lower_case = False

    def feed(
        self, key: str, character: str | None, at: float, *, any_case: bool = False
    ) -> str | None:
        """Take one key event (``at`` in monotonic seconds); the token when a scan ends.

        ``any_case``: where nobody types words (the login fields), a scanner typing in
        lower case (caps lock, another keyboard layout) is a scan too, if it was fast; the
        token is given in upper case."""
        if key == "enter":
            token = "".join(self.buffer)
            fast = self.slowest_gap <= SCANNER_GAP_S
            lower, self.lower_case = self.lower_case, False
            self.reset()
            if len(token) < MIN_TOKEN or (lower and not fast):
                return None
            return token if fast or any(c.isdigit() for c in token) else None
        if any_case and character is not None and character.upper() in TOKEN_CHARS:
            self.lower_case = self.lower_case or character != character.upper()
            character = character.upper()
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
