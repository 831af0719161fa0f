"""The search index's citizen ids, packed: 16 bytes a citizen instead of a string and a dict.

100,000 ids as ``str`` (36 characters: 85 bytes each), a ``dict`` from id to citizen number
and the numbers as ``int`` objects held about 16 MB of a kiosk's memory (bench memory).
Here a canonical UUID (lower-case, hyphenated, as ``models.ids`` makes them) is kept as its
16 bytes in one ``bytearray``, and finding a citizen's number bisects one sorted array of
them. An id of any other form (a hand-made test id, an old import) is kept as it is.
"""

from __future__ import annotations

import numpy as np

WIDTH = 16
_HYPHENS = (8, 13, 18, 23)


def pack(citizen_id: str) -> bytes | None:
    """A canonical UUID's 16 bytes; None for an id of any other form."""
    if len(citizen_id) != 36 or any(citizen_id[i] != "-" for i in _HYPHENS):
        return None
    digits = citizen_id.replace("-", "")
    if len(digits) != 32 or digits != digits.lower():
        return None
    try:
        packed = bytes.fromhex(digits)
    except ValueError:
        return None
    return packed if len(packed) == WIDTH else None


def unpack(packed: bytes | bytearray) -> str:
    h = packed.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class CitizenIds:
    """Citizen ids by number (the index's order), and the number of a citizen id.

    Numbers only grow. ``forget`` hides an id from ``find`` (its number stays, unused); an
    id added again gets a new number. Ids added before ``freeze`` are found by bisecting a
    sorted array, ids added later (a sync's upserts) by a small dict.
    """

    def __init__(self) -> None:
        self._packed = bytearray()  # 16 bytes per number (zeros where the id is kept as text)
        self._text: dict[int, str] = {}  # number → id, for ids that are not canonical UUIDs
        self._late: dict[str, int] = {}  # id → number: added after freeze, or not a UUID
        self._sorted_keys = np.zeros(0, dtype="S16")  # packed ids of the frozen numbers, sorted
        self._sorted_numbers = np.zeros(0, dtype=np.int32)  # their numbers, in the same order
        self._frozen = False
        self._forgotten: set[int] = set()

    def __len__(self) -> int:
        return len(self._packed) // WIDTH

    def __getitem__(self, number: int) -> str:
        text = self._text.get(number)
        if text is not None:
            return text
        return unpack(self._packed[number * WIDTH : (number + 1) * WIDTH])

    def append(self, citizen_id: str) -> int:
        """Give ``citizen_id`` the next number (the latest number of an id is the one found)."""
        number = len(self)
        packed = pack(citizen_id)
        if packed is None:
            self._packed += bytes(WIDTH)
            self._text[number] = citizen_id
            self._late[citizen_id] = number
        else:
            self._packed += packed
            if self._frozen:
                self._late[citizen_id] = number
        return number

    def freeze(self) -> None:
        """Sort the ids added so far for ``find``; later ones go to a dict."""
        if self._frozen:
            return
        self._frozen = True
        keys = np.frombuffer(bytes(self._packed), dtype="S16")
        numbers = np.arange(len(keys), dtype=np.int32)
        if self._text:  # ids kept as text are found through ``_late``
            numbers = numbers[~np.isin(numbers, np.fromiter(self._text, dtype=np.int32))]
        order = np.argsort(keys[numbers], kind="stable")  # equal ids: the latest number last
        self._sorted_numbers = numbers[order]
        self._sorted_keys = keys[self._sorted_numbers]

    def find(self, citizen_id: str) -> int | None:
        """The number of ``citizen_id`` (its latest), unless forgotten since."""
        if not self._frozen:
            self.freeze()
        late = self._late.get(citizen_id)
        if late is not None:
            return late
        packed = pack(citizen_id)
        if packed is None or not len(self._sorted_keys):
            return None
        at = int(np.searchsorted(self._sorted_keys, packed, side="right")) - 1
        # numpy hands an S16 value back without its trailing zero bytes (all are 16 wide)
        if at < 0 or bytes(self._sorted_keys[at]) != packed.rstrip(b"\x00"):
            return None
        number = int(self._sorted_numbers[at])
        return None if number in self._forgotten else number

    def forget(self, citizen_id: str) -> int | None:
        """Hide ``citizen_id`` from ``find``; returns the number it had, or None."""
        number = self.find(citizen_id)
        if number is None:
            return None
        if self._late.get(citizen_id) == number:
            del self._late[citizen_id]
        self._forgotten.add(number)
        return number
