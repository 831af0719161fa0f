"""Visits in the site report: check-ins per offer, unique citizens, anonymous contacts."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from kiosk.services.site_report import site_report
from kiosk.services.site_report_csv import report_csv
from models import AnonymousContact, CheckIn, Offer, Topic
from models.db import write_session
from models.figures.report import Report
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
def visits(fresh_db: Engine, frozen_now: datetime) -> Report:
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
                       now=frozen_now)  # fmt: skip


def _by_offer(report: Report) -> dict[str, dict]:
    return {r["offer"]: r for r in report.section("visits_offer").records()}


def test_check_ins_count_per_offer_without_retracted_ones_and_unique_citizens(
    visits: Report,
) -> None:
    by_offer = _by_offer(visits)
    assert (by_offer["Borgerservice"]["check_ins"], by_offer["Borgerservice"]["citizens"]) == (3, 2)
    assert (by_offer["forloeb-82b"]["check_ins"], by_offer["forloeb-82b"]["citizens"]) == (1, 1)
    assert (by_offer["I alt"]["check_ins"], by_offer["I alt"]["citizens"]) == (4, 3)


def test_anonymous_contacts_count_per_offer_and_topic_at_this_site_in_the_period(
    visits: Report,
) -> None:
    by_offer = _by_offer(visits)
    assert by_offer["Åben rådgivning"]["anonymous"] == 2 and by_offer["I alt"]["anonymous"] == 2
    topics = [(r["topic"], r["contacts"]) for r in visits.section("topics").records()]
    assert topics == [("Bolig", 2), ("Økonomi", 1)]


def test_offers_come_in_danish_order_with_their_names(visits: Report) -> None:
    assert [r["offer"] for r in visits.section("visits_offer").records()] == [
        "Borgerservice", "forloeb-82b", "Åben rådgivning", "I alt"
    ]  # fmt: skip


def test_the_csv_has_the_visits_block_with_a_total(
    fresh_db: Engine, frozen_now: datetime, visits: Report
) -> None:
    rows = list(csv.reader(report_csv(visits).splitlines(), delimiter=";"))
    assert ["Hornslet", "Borgerservice", "3", "2", "0"] in rows
    assert ["", "I alt", "4", "3", "2"] in rows
    assert ["Hornslet", "Bolig", "2"] in rows


def test_xlsx_export_holds_typed_cells_hides_sensitive_titles_and_is_audited(
    fresh_db: Engine, frozen_now: datetime, visits: Report, tmp_path
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
    workbook = load_workbook(path)

    def rows(sheet: str) -> list[list]:
        return [list(r) for r in workbook[sheet].iter_rows(values_only=True)]

    assert ["Hornslet", "Borgerservice", 3, 2, 0] in [r[:5] for r in rows("Besøg pr. tilbud")]
    first = rows("Besøg pr. dag")[1]
    assert isinstance(first[0], datetime) and first[0].date() == today - timedelta(days=1)
    everything = str([rows(name) for name in workbook.sheetnames])
    assert "ADHD" not in everything
    assert any(r[:3] == ["Hornslet", "G-101", "G-101"] for r in rows("Fremmøde på hold"))
    with read_session(fresh_db) as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "report_export")).one()
    assert "site_report.xlsx" in audit.detail and audit.staff_id == LEADER.id
    assert [p.name for p in path.parent.iterdir()] == ["rapport.xlsx"]  # no temporary left
