"""Danish text rules shared by the kiosk and central: collation (æ ø å last, aa = å)."""

from __future__ import annotations

import unicodedata

# Letters after z in Danish order, mapped to code points that sort after "z" in that order.
_AFTER_Z = {"æ": "{", "ø": "|", "å": "}"}
# Foreign letters Danish collation files with æ/ø/å or y.
_FOLD = {"ä": "æ", "ö": "ø", "ü": "y", "ő": "ø", "ű": "y", "ß": "ss"}


def _fold_letter(char: str) -> str:
    if char in _AFTER_Z or char in _FOLD:
        return _AFTER_Z.get(_FOLD.get(char, char), _FOLD.get(char, char))
    base = unicodedata.normalize("NFD", char)[0]  # é → e, ı stays ı
    return "i" if base == "ı" else base


def danish_sort_key(text: str) -> tuple[str, str]:
    """A key that sorts ``text`` the Danish way, case-insensitively.

    a–z come first, then æ, ø, å; "aa" counts as å (Aagaard sorts with Ågaard, after
    Østergaard); accented letters sort with their base letter (é with e), ä/ö with æ/ø, ü
    with y. The second element breaks ties deterministically (original text).
    """
    lowered = text.casefold().replace("aa", "å")
    primary = "".join(_fold_letter(c) for c in lowered)
    return primary, text
