"""Citizens and staff. There is no CPR field anywhere in this system (SPEC §6)."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

import models.catalogue  # noqa: F401  (site: the table its foreign keys name)


class Role(StrEnum):
    """What a staff member may do at a site."""

    FRONT_DESK = "front_desk"
    GROUP_LEADER = "group_leader"
    COUNSELLOR = "counsellor"
    ADMIN = "admin"


class CitizenBase(SQLModel):
    display_name: str = Field(max_length=120)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)


class CitizenCreate(CitizenBase):
    reference: str | None = Field(default=None, max_length=40)
    card_token: str | None = Field(default=None, max_length=64)


class CitizenPublic(CitizenBase):
    id: str


class Citizen(CitizenBase, table=True):
    """A citizen, identified by a random id, a case-system reference and a card token.

    Provisional citizens are guests added at a kiosk; the central administrator merges
    them into an existing citizen (``merged_into``) or confirms them.
    """

    __tablename__ = "citizen"
    id: str = Field(primary_key=True, max_length=36)
    reference: str | None = Field(default=None, max_length=40, unique=True)
    card_token: str | None = Field(default=None, max_length=64, unique=True)
    provisional: bool = False
    merged_into: str | None = Field(default=None, max_length=36)
    created_site_id: str | None = Field(default=None, max_length=32)
    updated_at: datetime | None = None


class StaffBase(SQLModel):
    initials: str = Field(max_length=8, unique=True)
    display_name: str = Field(max_length=120)


class StaffPublic(StaffBase):
    id: str


class Staff(StaffBase, table=True):
    """A staff member with a personal login (initials + PIN, stored as an argon2 hash)."""

    __tablename__ = "staff"
    id: str = Field(primary_key=True, max_length=36)
    pin_hash: str = Field(max_length=200)
    active: bool = True


class StaffSiteRole(SQLModel, table=True):
    """A role a staff member holds at one site (roles are per site)."""

    __tablename__ = "staff_site_role"
    staff_id: str = Field(foreign_key="staff.id", primary_key=True, max_length=36)
    site_id: str = Field(foreign_key="site.id", primary_key=True, max_length=32)
    role: str = Field(primary_key=True, max_length=16)  # Role
