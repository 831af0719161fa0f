"""Fixed parts of the demo data: the four sites, the offer catalogue, topics, staff, groups."""

from __future__ import annotations

from dataclasses import dataclass

from models.catalogue import IdentityRule, Offer, OfferKind, Site, SiteOffer, Topic
from models.people import Role

SITE_IDS: tuple[str, ...] = ("ronde", "hornslet", "ebeltoft", "kolind")
#: Share of citizens whose home is each site (Rønde is the base and the largest).
SITE_WEIGHTS: tuple[int, ...] = (40, 20, 22, 18)
#: Akut (crisis walk-in) is offered only at these sites.
AKUT_SITES: frozenset[str] = frozenset({"ronde", "ebeltoft"})


def sites() -> list[Site]:
    """The centre's base in Rønde and its three satellites."""
    return [
        Site(id="ronde", name="Rønde", place="Byens Hus", is_base=True),
        Site(id="hornslet", name="Hornslet", place="Alpedalen"),
        Site(id="ebeltoft", name="Ebeltoft", place="Strandgårdshøj"),
        Site(id="kolind", name="Kolind", place="Kafé Kolind, Drasbeksgade"),
    ]


def offers() -> list[Offer]:
    """The SPEC §2 seed catalogue."""
    rows = [
        ("aaben-raadgivning", "Åben rådgivning", "Open counselling", OfferKind.WALKIN,
         "SEL §10/§12", IdentityRule.ANONYMOUS, False),
        ("aabent-samvaer", "Åbent samværstilbud", "Open drop-in", OfferKind.WALKIN,
         "", IdentityRule.ANONYMOUS, True),
        ("forloeb-82b", "Individuelt mestringsforløb", "Individual coping course",
         OfferKind.APPOINTMENT, "SEL §82b", IdentityRule.IDENTIFIED, False),
        ("gruppeforloeb", "Gruppeforløb", "Group course", OfferKind.GROUP,
         "SEL §82a", IdentityRule.IDENTIFIED, False),
        ("beskaeftigelse", "Beskæftigelse", "Employment consultation", OfferKind.EITHER,
         "", IdentityRule.EITHER, False),
        ("borgerservice", "Borgerservice", "Citizen service", OfferKind.EITHER,
         "", IdentityRule.EITHER, False),
        ("fritidsguide", "Fritidsguide", "Leisure guide", OfferKind.APPOINTMENT,
         "", IdentityRule.IDENTIFIED, False),
        ("akut", "Akut", "Crisis walk-in", OfferKind.WALKIN,
         "SEL §82c", IdentityRule.ANONYMOUS, False),
    ]  # fmt: skip
    return [
        Offer(
            id=slug,
            name_da=da,
            name_en=en,
            kind=kind,
            legal_basis=basis,
            identity=identity,
            wants_checkout=checkout,
            sort_order=i * 10,
        )
        for i, (slug, da, en, kind, basis, identity, checkout) in enumerate(rows)
    ]


def site_offers() -> list[SiteOffer]:
    """Every site offers everything except Akut, which only some sites offer."""
    return [
        SiteOffer(site_id=site, offer_id=offer.id)
        for site in SITE_IDS
        for offer in offers()
        if offer.id != "akut" or site in AKUT_SITES
    ]


def topics() -> list[Topic]:
    """Topics for anonymous contacts (SPEC §2)."""
    rows = [
        ("oekonomi", "økonomi", "finances"),
        ("bolig", "bolig", "housing"),
        ("job-uddannelse", "job/uddannelse", "job/education"),
        ("ensomhed", "ensomhed", "loneliness"),
        ("psykisk-trivsel", "psykisk trivsel", "mental well-being"),
        ("misbrug", "misbrug", "substance abuse"),
        ("find-vej", "find vej i systemet", "finding your way in the system"),
        ("andet", "andet", "other"),
    ]
    return [
        Topic(id=slug, name_da=da, name_en=en, sort_order=i * 10)
        for i, (slug, da, en) in enumerate(rows)
    ]


@dataclass(frozen=True)
class StaffSpec:
    """A demo staff member: initials, name, demo PIN and roles as ``(site, role)`` pairs."""

    initials: str
    display_name: str
    pin: str
    roles: tuple[tuple[str, Role], ...]


FD, GL, CO, AD = Role.FRONT_DESK, Role.GROUP_LEADER, Role.COUNSELLOR, Role.ADMIN
ALL_SITES_ADMIN = tuple((site, AD) for site in SITE_IDS)

#: The demo logins (listed in the README). PINs are for the demo only.
STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("AB", "Anne Bach", "100101", ALL_SITES_ADMIN),
    StaffSpec("MH", "Mette Holm", "200101", (("hornslet", FD),)),
    StaffSpec("JK", "Jens Kjær", "200202", (("hornslet", GL), ("ronde", GL))),
    StaffSpec("LP", "Lise Pedersen", "200303", (("hornslet", CO), ("hornslet", GL))),
    StaffSpec("TS", "Torben Søndergaard", "200404", (("hornslet", CO), ("kolind", CO))),
    StaffSpec("KN", "Karen Nørgaard", "300101", (("ronde", FD),)),
    StaffSpec("PA", "Peter Aagaard", "300202", (("ronde", GL),)),
    StaffSpec("HC", "Helle Christensen", "300303", (("ronde", CO), ("ronde", GL))),
    StaffSpec("SK", "Søren Kristensen", "300404", (("ronde", CO),)),
    StaffSpec("BM", "Birgitte Møller", "300505", (("ronde", FD), ("ronde", CO))),
    StaffSpec("EL", "Else Lund", "400101", (("ebeltoft", FD),)),
    StaffSpec("MJ", "Morten Jørgensen", "400202", (("ebeltoft", GL), ("ebeltoft", CO))),
    StaffSpec("AM", "Astrid Mørk", "400303", (("ebeltoft", CO),)),
    StaffSpec("RD", "Rikke Dahl", "500101", (("kolind", FD),)),
    StaffSpec("CF", "Claus Friis", "500202", (("kolind", GL), ("kolind", CO))),
    StaffSpec("NS", "Nanna Skaarup", "500303", (("ronde", FD), ("kolind", FD))),
)


@dataclass(frozen=True)
class GroupSpec:
    """A demo group: where, title, neutral code, leader, and when it meets.

    ``weekday_offset`` is days after today's weekday (0 = meets today); ``weeks_run`` is how
    many weekly sessions lie before today.
    """

    site_id: str
    title: str
    code: str
    sensitive: bool
    leader: str
    weekday_offset: int
    weeks_run: int
    start: str  # "HH:MM" local
    minutes: int = 120


#: Every site has a group that meets today (``weekday_offset=0``).
GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec("ronde", "Forstå din autisme", "G-101", True, "HC", 0, 6, "10:00"),
    GroupSpec("ronde", "ADHD i hverdagen", "G-102", True, "PA", 2, 3, "13:00"),
    GroupSpec("ronde", "Angst – små skridt", "G-103", True, "JK", 0, 9, "14:00"),
    GroupSpec("ronde", "Fællesskab og hverdagsliv", "G-104", False, "PA", 3, 1, "10:00"),
    GroupSpec("hornslet", "ADHD i hverdagen", "G-201", True, "JK", 0, 5, "10:00"),
    GroupSpec("hornslet", "Mestring i hverdagen", "G-202", False, "LP", 1, 8, "13:00"),
    GroupSpec("ebeltoft", "Angst – små skridt", "G-301", True, "MJ", 0, 2, "13:30"),
    GroupSpec("ebeltoft", "Styr på økonomien", "G-302", False, "MJ", 2, 10, "10:00"),
    GroupSpec("kolind", "Forstå din autisme", "G-401", True, "CF", 0, 4, "11:00"),
    GroupSpec("kolind", "Gåtur og snak", "G-402", False, "CF", 4, 7, "09:30"),
)
