"""What import lines may refer to: sites, offers, staff and earlier imports, by reference."""

from __future__ import annotations

from functools import cached_property

from sqlmodel import Session, col, select

from models import Citizen, Course, Group, Offer, Site, Staff
from sync.admin.csvfile import FieldError, require


class Lookups:
    """What lines may refer to, loaded once per import (case-system references → ids)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @cached_property
    def sites(self) -> set[str]:
        return set(self.session.exec(select(Site.id)).all())

    @cached_property
    def offers(self) -> set[str]:
        return set(self.session.exec(select(Offer.id)).all())

    @cached_property
    def staff(self) -> dict[str, str]:
        return dict(self.session.exec(select(Staff.initials, Staff.id)).all())

    @cached_property
    def citizens(self) -> dict[str, str]:
        query = select(Citizen.reference, Citizen.id).where(col(Citizen.reference).is_not(None))
        return {r: i for r, i in self.session.exec(query).all() if r}

    @cached_property
    def groups(self) -> dict[str, tuple[str, str]]:
        query = select(Group.reference, Group.id, Group.site_id)
        return {r: (i, s) for r, i, s in self.session.exec(query).all() if r}

    @cached_property
    def courses(self) -> dict[str, tuple[str, str]]:
        query = select(Course.reference, Course.id, Course.citizen_id)
        return {r: (i, c) for r, i, c in self.session.exec(query).all() if r}


def site(lookups: Lookups, value: str) -> str:
    site = value.strip().lower()
    if site not in lookups.sites:
        known = ", ".join(sorted(lookups.sites))
        raise FieldError(f"site '{value}' is not known (known: {known})")
    return site


def offer(lookups: Lookups, value: str) -> str:
    if value not in lookups.offers:
        raise FieldError(f"offer '{value}' is not in the catalogue")
    return value


def staff_id(lookups: Lookups, value: str) -> str | None:
    if not value:
        return None
    staff_id = lookups.staff.get(value.upper())
    if staff_id is None:
        raise FieldError(f"staff member '{value}' is not known (import staff first)")
    return staff_id


def citizen(lookups: Lookups, value: str) -> str:
    citizen_id = lookups.citizens.get(require(value, name="citizen_reference", max_length=40))
    if citizen_id is None:
        raise FieldError(f"citizen '{value}' is not known (import citizens first)")
    return citizen_id


def group(lookups: Lookups, value: str) -> tuple[str, str]:
    found = lookups.groups.get(require(value, name="group_reference", max_length=40))
    if found is None:
        raise FieldError(f"group '{value}' is not known (import groups first)")
    return found
