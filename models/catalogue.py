"""Sites, the offer catalogue and anonymous-contact topics: data, not code (SPEC §2)."""

from enum import StrEnum

from sqlmodel import Field, SQLModel


class OfferKind(StrEnum):
    """How citizens reach an offer."""

    WALKIN = "walkin"
    APPOINTMENT = "appointment"
    GROUP = "group"
    EITHER = "either"


class IdentityRule(StrEnum):
    """Whether an offer may be used without identity."""

    ANONYMOUS = "anonymous"  # anonymous allowed; identity optional
    IDENTIFIED = "identified"
    EITHER = "either"


class SiteBase(SQLModel):
    name: str = Field(max_length=80)
    place: str = Field(max_length=120, default="")
    is_base: bool = False


class Site(SiteBase, table=True):
    """One of the centre's four sites; the id is a slug such as ``hornslet``."""

    __tablename__ = "site"
    id: str = Field(primary_key=True, max_length=32)


class OfferBase(SQLModel):
    name_da: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    kind: str = Field(max_length=16)  # OfferKind
    legal_basis: str = Field(default="", max_length=32)
    identity: str = Field(max_length=16)  # IdentityRule
    wants_checkout: bool = False
    sort_order: int = 0
    active: bool = True


class Offer(OfferBase, table=True):
    """An offer (tilbud) in the catalogue; the id is a slug such as ``aaben-raadgivning``."""

    __tablename__ = "offer"
    id: str = Field(primary_key=True, max_length=40)


class SiteOffer(SQLModel, table=True):
    """Which offers a site provides (Akut, for instance, only where a site offers it)."""

    __tablename__ = "site_offer"
    site_id: str = Field(foreign_key="site.id", primary_key=True, max_length=32)
    offer_id: str = Field(foreign_key="offer.id", primary_key=True, max_length=40)


class TopicBase(SQLModel):
    name_da: str = Field(max_length=80)
    name_en: str = Field(max_length=80)
    sort_order: int = 0
    active: bool = True


class Topic(TopicBase, table=True):
    """A topic for anonymous contacts (økonomi, bolig, …); editable list."""

    __tablename__ = "topic"
    id: str = Field(primary_key=True, max_length=40)


class SiteDevice(SQLModel, table=True):
    """A kiosk of a site as its sibling devices see it: the name given at enrolment and the
    letter its queue tickets carry (``A12``, ``B3``), so numbers stay unique per site and day."""

    __tablename__ = "site_device"
    id: str = Field(primary_key=True, max_length=36)  # the device id
    site_id: str = Field(index=True, max_length=32)
    name: str = Field(default="", max_length=80)
    queue_prefix: str = Field(default="", max_length=4)
