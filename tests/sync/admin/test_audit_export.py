"""Per-citizen audit export: dates, actions, sites; staff only on request; audited."""

from __future__ import annotations

from sqlmodel import select

from kiosk.cli import main
from models import AuditEntry, Citizen, Staff
from models.db import read_session, write_session
from sync.admin.audit_export import export_citizen_log
from tests.sync.admin.conftest import db_url
from tests.sync.admin.report_fixture import at, event


def _seed(engine):
    with write_session(engine) as session:
        session.add(Citizen(id="c1", display_name="Åse Ømark", reference="BOS-1"))
        session.add(Citizen(id="c2", display_name="Ib Holm"))
        session.add(Staff(id="st1", initials="MK", display_name="Mette Krog", pin_hash="x"))
        session.flush()
        session.add(event(AuditEntry, "hornslet", at(17, 10), citizen_id="c1", staff_id="st1",
                          action="search", detail="åse"))  # fmt: skip
        session.add(event(AuditEntry, "ebeltoft", at(18, 9, 5), citizen_id="c1", staff_id="st1",
                          action="read"))  # fmt: skip
        session.add(event(AuditEntry, "hornslet", at(18, 11), citizen_id="c2", action="read"))


def test_the_log_lists_dates_actions_and_sites_without_staff(central, frozen_now):
    _seed(central)
    citizen_id, lines = export_citizen_log(central, "BOS-1", now=frozen_now)
    assert citizen_id == "c1"
    assert [(ln.at.strftime("%d.%m.%Y %H:%M"), ln.action, ln.site, ln.staff) for ln in lines] == [
        ("17.11.2026 10:00", "vist i et søgeresultat", "Hornslet", None),
        ("18.11.2026 09:05", "opslag", "Ebeltoft", None),
    ]


def test_staff_identities_appear_only_with_the_flag(central, frozen_now):
    _seed(central)
    _, lines = export_citizen_log(central, "c1", now=frozen_now, with_staff=True)
    assert {ln.staff for ln in lines} == {"MK (Mette Krog)"}


def test_the_export_is_itself_audited_and_shows_in_the_next_export(central, frozen_now):
    _seed(central)
    export_citizen_log(central, "c1", now=frozen_now)
    with read_session(central) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "audit_export")).one()
    assert entry.citizen_id == "c1" and "staff withheld" in entry.detail
    _, lines = export_citizen_log(central, "c1", now=frozen_now)
    assert lines[-1].action == "udlevering af log"


def test_the_cli_writes_csv_without_staff_unless_asked(central, tmp_path, capsys):
    _seed(central)
    out = tmp_path / "log.csv"
    url = db_url(central)
    assert main(["audit", "export", "--citizen", "c1", "--format", "csv", "--out", str(out),
                 "--db", url]) == 0  # fmt: skip
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == "Dato;Tid;Handling;Sted"
    assert "Mette" not in text and "MK" not in text
    assert main(["audit", "export", "--citizen", "c1", "--with-staff", "--db", url]) == 0
    assert "MK (Mette Krog)" in capsys.readouterr().out
    assert main(["audit", "export", "--citizen", "nobody", "--db", url]) == 2
