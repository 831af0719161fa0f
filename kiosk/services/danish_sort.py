"""Danish sort key for rosters (until models.text from the shell branch is merged)."""

from __future__ import annotations

try:
    from models.text import danish_sort_key
except ImportError:  # pragma: no cover - replaced by models.text on merge
    _ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|", "ü": "y", "é": "e"})

    def danish_sort_key(text: str) -> str:
        """æ ø å sort last, aa = å."""
        return text.casefold().replace("aa", "å").translate(_ORDER)


__all__ = ["danish_sort_key"]
