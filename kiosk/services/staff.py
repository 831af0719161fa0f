"""The logged-in staff member as services see it."""

from __future__ import annotations

from dataclasses import dataclass

from models.people import Role


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A staff member logged in at this kiosk, with their roles at this kiosk's site."""

    id: str
    initials: str
    display_name: str
    roles: frozenset[str]

    def has(self, role: Role | str) -> bool:
        """True if the member holds ``role`` here (admins hold every role)."""
        return str(role) in self.roles or Role.ADMIN.value in self.roles
