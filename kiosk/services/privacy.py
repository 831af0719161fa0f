"""What may be shown where: sensitive group titles only on a private (logged-in) screen."""

from __future__ import annotations

from typing import Protocol


class Titled(Protocol):
    """Anything with a group's title, neutral code and sensitive flag."""

    @property
    def title(self) -> str: ...

    @property
    def code(self) -> str: ...

    @property
    def sensitive(self) -> bool: ...


def display_title(group: Titled, *, private: bool) -> str:
    """The group's title, or its neutral code when the title is sensitive and the screen is not
    private (locked, public, or a file that leaves the kiosk).

    A diagnosis-revealing title (e.g. an ADHD group) is health data (SPEC §6).
    """
    if group.sensitive and not private:
        return group.code
    return group.title
