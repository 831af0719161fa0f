"""Free text typed at the kiosk: never a CPR number, a PIN or a control character (SPEC §6).

Every kiosk text field goes through here before it is stored: search, guest names, queue
names and reasons. The shared detector (``models.sensitive``) decides what is CPR-like (here
with the hand-typed form ``31.12.99-1234`` as well); this module adds what only the kiosk's
own inputs need (a PIN typed in the wrong field).
"""

from __future__ import annotations

import re

from models.sensitive import cpr_like, unsafe_char

#: Initials followed by a number: a login typed into the wrong field ("MH2001", "MH 2001pia").
_INITIALS_AND_PIN = re.compile(r"(?<![^\W\d_])[A-ZÆØÅ]{1,3}[\s\t]*\d{4,}")
#: A PIN alone (6+ digits); a reason never needs one.
_PIN = re.compile(r"(?<!\d)\d{6,}(?!\d)")
#: A name never holds a number of four digits or more (a PIN, a CPR part, a phone number).
_LONG_NUMBER = re.compile(r"\d{4,}")


#: ``AttendanceRefused`` reasons (screens translate ``attendance.refused.<reason>``).
ATTENDANCE_REASONS = {
    "privacy.refused.cpr": "cpr_like",
    "privacy.refused.pin": "pin_like",
    "privacy.refused.control": "control_char",
}


def pin_like(value: str) -> bool:
    """True when ``value`` looks like initials + PIN, or a PIN on its own."""
    return bool(_INITIALS_AND_PIN.search(value) or _PIN.search(value))


def text_refusal(value: str, *, name: bool = False) -> str | None:
    """The i18n key saying why ``value`` may not be stored (``None`` when it may).

    ``name``: the text is a person's name, which holds no long number at all.
    """
    if cpr_like(value, separated_date=True):
        return "privacy.refused.cpr"
    if unsafe_char(value) is not None:
        return "privacy.refused.control"
    if pin_like(value) or (name and _LONG_NUMBER.search(value)):
        return "privacy.refused.pin"
    return None


def search_refusal(query: str) -> str | None:
    """Why a search is not run (a CPR-like query: CPR is never a way to find anyone here)."""
    if cpr_like(query, separated_date=True):
        return "privacy.search.cpr"
    if unsafe_char(query) is not None:
        return "privacy.refused.control"
    return None
