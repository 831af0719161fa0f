"""Visits in the site report: check-ins per offer, unique citizens, anonymous contacts."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta

import pytest
from kiosk.services.site_visits import Visits
from sqlalchemy.engine import Engine

from kiosk.services.site_report import site_report
from kiosk.services.site_report_csv import report_csv
from models import AnonymousContact, CheckIn, Offer, Topic
from models.db import write_session
from models.ids import new_id
from models.timeutil import local_today
from sync.outbox import record
from tests.kiosk.attendance_world import LEADER, seed_reference


def _check_in(citizen: str, offer: str, at: datetime, **extra: str) -> CheckIn:
    return CheckIn(id=new_id(), action=extra.pop("action", "check_in"), citizen_id=citizen,
                   offer_id=offer, created_at=at, **extra)  # fmt: skip


def _anonymous(offer: str, topics: str, day: date, site: str = "hornslet") -> AnonymousContact:
    return AnonymousContact(id=new_id(), offer_id=offer, topics=topics, contact_date=day,
                            site_id=site)  # fmt: skip


@pytest.fixture
def visits(fresh_db: Engine, frozen_now: datetime) -> Visits:
    seed_reference(fresh_db)
    today = local_today(frozen_now)
    week_ago = frozen_now - timedelta(days=8)  # before the report's 7 days
    undone = _check_in("c3", "borgerservice", frozen_now)
    with write_session(fresh_db) as s:
        s.add(Offer(id="aaben-raadgivning", name_da="Åben rådgivning", name_en="Open counselling",
                    kind="walk_in", identity="anonymous_allowed", sort_order=1))  # fmt: skip
        s.add(Offer(id="borgerservice", name_da="Borgerservice", name_en="Citizen service",
                    kind="walk_in", identity="either", sort_order=5))  # fmt: skip
        s.add(Topic(id="bolig", name_da="Bolig", name_en="Housing", sort_order=2))
        s.add(Topic(id="oekonomi", name_da="Økonomi", name_en="Money", sort_order=1))
        record(s, [
            _check_in("c1", "borgerservice", frozen_now - timedelta(days=1)),
            _check_in("c1", "borgerservice", frozen_now),  # the same citizen again
            _check_in("c2", "borgerservice", frozen_now),
            undone,
            _check_in("c3", "borgerservice", frozen_now, action="retraction", ref_id=undone.id),
            _check_in("c4", "forloeb-82b", frozen_now),
            _check_in("c5", "forloeb-82b", week_ago),  # outside the period
            _anonymous("aaben-raadgivning", "oekonomi,bolig", today),
            _anonymous("aaben-raadgivning", "bolig", today - timedelta(days=2)),
            _anonymous("aaben-raadgivning", "bolig", today - timedelta(days=9)),  # too early
        ], now=frozen_now)  # fmt: skip
        ronde = _anonymous("aaben-raadgivning", "bolig", today, site="ronde")
        ronde.created_at = frozen_now
        s.add(ronde)  # another site's contact (as a pull would bring it): not counted here
    return site_report(fresh_db, start=today - timedelta(days=6), end=today, staff=LEADER,
                       now=frozen_now).visits  # fmt: skip


def test_check_ins_count_per_offer_without_retracted_ones_and_unique_citizens(
    visits: Visits,
) -> None:
    by_offer = {o.offer_id: o for o in visits.offers}
    assert (by_offer["borgerservice"].check_ins, by_offer["borgerservice"].citizens) == (3, 2)
    assert (by_offer["forloeb-82b"].check_ins, by_offer["forloeb-82b"].citizens) == (1, 1)
    assert (visits.check_ins, visits.citizens) == (4, 3)


def test_anonymous_contacts_count_per_offer_and_topic_at_this_site_in_the_period(
    visits: Visits,
) -> None:
    by_offer = {o.offer_id: o for o in visits.offers}
    assert by_offer["aaben-raadgivning"].anonymous == 2 and visits.anonymous == 2
    assert [(t.name_da, t.contacts) for t in visits.topics] == [("Økonomi", 1), ("Bolig", 2)]


def test_offers_come_in_catalogue_order_with_their_names(visits: Visits) -> None:
    assert [o.name_da for o in visits.offers] == [
        "forloeb-82b", "Åben rådgivning", "Borgerservice"
    ]  # fmt: skip


def test_the_csv_has_the_visits_block_with_a_total(
    fresh_db: Engine, frozen_now: datetime, visits: Visits
) -> None:
    today = local_today(frozen_now)
    report = site_report(fresh_db, start=today - timedelta(days=6), end=today, staff=LEADER,
                         now=frozen_now)  # fmt: skip
    rows = list(csv.reader(report_csv(report).splitlines(), delimiter=";"))
    assert ["Borgerservice", "3", "2", "0"] in rows
    assert ["i alt", "4", "3", "2"] in rows
    assert ["Bolig", "2"] in rows


def test_xlsx_export_holds_typed_cells_hides_sensitive_titles_and_is_audited(
    fresh_db: Engine, frozen_now: datetime, visits: Visits, tmp_path
) -> None:
    from openpyxl import load_workbook
    from sqlmodel import select

    from kiosk.services.site_report_xlsx import export_report_xlsx
    from models import AuditEntry
    from models.db import read_session
    from tests.kiosk.attendance_world import seed_group

    del visits
    seed_group(fresh_db, frozen_now, participants=2, past_weeks=1, sensitive=True)
    today = local_today(frozen_now)
    report = site_report(fresh_db, start=today - timedelta(days=6), end=today, staff=LEADER,
                         now=frozen_now)  # fmt: skip
    path = export_report_xlsx(fresh_db, report, tmp_path / "ud" / "rapport.xlsx", staff=LEADER,
                              now=frozen_now)  # fmt: skip
    rows = [list(r) for r in load_workbook(path).active.iter_rows(values_only=True)]
    assert ["Borgerservice", 3, 2, 0] in [r[:4] for r in rows]
    first = next(r for r in rows if r[0] == "site")
    assert isinstance(first[3], datetime) and first[3].date() == today - timedelta(days=6)
    assert "ADHD" not in str(rows) and any(r[:2] == ["G-101", "G-101"] for r in rows)
    with read_session(fresh_db) as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "report_export")).one()
    assert "site_report.xlsx" in audit.detail and audit.staff_id == LEADER.id
    assert [p.name for p in path.parent.iterdir()] == ["rapport.xlsx"]  # no temporary left
