"""What may be shown where, and to whom: sensitive titles only on private screens, a group's
members only to those who need to know."""

from __future__ import annotations

from typing import Protocol

from kiosk.services.staff import StaffMember
from models.people import Role


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


def may_see_members(staff: StaffMember, *, leader_staff_id: str | None) -> bool:
    """True when ``staff`` may see who is in a group: its leader (any of the site's group
    leaders while the group has none assigned), the site's counsellors and admins. The
    front desk sees arrival status at check-in, never a group's membership (membership of a
    diagnosis group is health data)."""
    if leader_staff_id is None:
        is_leader = staff.has(Role.GROUP_LEADER)
    else:
        is_leader = staff.id == leader_staff_id
    return is_leader or staff.has(Role.COUNSELLOR)
