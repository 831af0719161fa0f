"""The default catalogue `mestring central init` creates: the four sites, the offers of
SPEC §2 and the anonymous-contact topics. Idempotent; written through the change feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from models import Offer, Site, SiteOffer, Topic
from models.catalogue import IdentityRule, OfferKind
from models.db import write_session
from sync.changes import publish

SITES = [
    ("ronde", "Rønde", "Byens Hus", True),
    ("hornslet", "Hornslet", "Alpedalen", False),
    ("ebeltoft", "Ebeltoft", "Strandgårdshøj", False),
    ("kolind", "Kolind", "Kafé Kolind, Drasbeksgade", False),
]
_W, _A, _G, _E = OfferKind.WALKIN, OfferKind.APPOINTMENT, OfferKind.GROUP, OfferKind.EITHER
_ANON, _ID, _EITHER = IdentityRule.ANONYMOUS, IdentityRule.IDENTIFIED, IdentityRule.EITHER
OFFERS = [
    ("aaben-raadgivning", "Åben rådgivning", "Open counselling", _W, "SEL §10/§12", _ANON, False),
    ("aabent-samvaer", "Åbent samværstilbud", "Open drop-in", _W, "", _ANON, False),
    (
        "mestringsforloeb",
        "Individuelt mestringsforløb",
        "Individual course",
        _A,
        "SEL §82b",
        _ID,
        False,
    ),
    ("gruppeforloeb", "Gruppeforløb", "Group course", _G, "SEL §82a", _ID, False),
    ("beskaeftigelse", "Beskæftigelse", "Employment consultation", _E, "", _EITHER, False),
    ("borgerservice", "Borgerservice", "Citizen service", _E, "", _EITHER, False),
    ("fritidsguide", "Fritidsguide", "Leisure guide", _A, "", _ID, False),
    ("akut", "Akut", "Crisis walk-in", _W, "SEL §82c", _ANON, False),
]
TOPICS = [
    ("oekonomi", "Økonomi", "Money"),
    ("bolig", "Bolig", "Housing"),
    ("job-uddannelse", "Job/uddannelse", "Work/education"),
    ("ensomhed", "Ensomhed", "Loneliness"),
    ("psykisk-trivsel", "Psykisk trivsel", "Mental well-being"),
    ("misbrug", "Misbrug", "Substance use"),
    ("find-vej", "Find vej i systemet", "Finding your way in the system"),
    ("andet", "Andet", "Other"),
]
AKUT_SITES = {"ronde"}


def catalogue_rows() -> list[SQLModel]:
    rows: list[SQLModel] = [
        Site(id=sid, name=name, place=place, is_base=base) for sid, name, place, base in SITES
    ]
    for order, (oid, da, en, kind, basis, identity, checkout) in enumerate(OFFERS):
        rows.append(
            Offer(
                id=oid,
                name_da=da,
                name_en=en,
                kind=kind,
                legal_basis=basis,
                identity=identity,
                wants_checkout=checkout,
                sort_order=order,
            )
        )
    for order, (tid, da, en) in enumerate(TOPICS):
        rows.append(Topic(id=tid, name_da=da, name_en=en, sort_order=order))
    for site_id, *_site in SITES:
        for oid, *_rest in OFFERS:
            if oid != "akut" or site_id in AKUT_SITES:
                rows.append(SiteOffer(site_id=site_id, offer_id=oid))
    return rows


def seed_catalogue(engine: Engine, *, now: datetime) -> int:
    """Create whatever of the default catalogue is missing; returns rows added."""
    with write_session(engine) as session:
        missing = []
        for row in catalogue_rows():
            key = inspect(type(row)).primary_key_from_instance(row)
            if session.get(type(row), key[0] if len(key) == 1 else tuple(key)) is None:
                missing.append(row)
        # Parents before children (no ORM relationships order them), and sites first so
        # site-wide rows reach every site's feed.
        for row in missing:
            session.add(row)
            session.flush()
        publish(session, missing, now=now)
    return len(missing)
