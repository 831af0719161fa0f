"""CSV import of case-system exports: validation, all-or-nothing, idempotent upserts."""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from kiosk.cli import main
from models import AuditEntry, ChangeFeed, Citizen, Enrolment, GroupSession, Staff, StaffSiteRole
from models.db import read_session
from sync.admin.csvfile import ImportRefused
from sync.admin.importer import import_csv
from tests.sync.admin.conftest import db_url, feed_length

CITIZENS = (
    "reference;display_name;birth_year;card_token\n"
    "R-1;Åse Ømark;1980;A1B2C3\n"
    "R-2;Jens Jensen;1975;\n"
    "R-3;Karen Aagaard;;\n"
)
GROUPS = (
    "reference;site;offer;title;code;sensitive;starts_on;ends_on;leader_initials\n"
    "G-1;hornslet;gruppeforloeb;Forstå din ADHD;G-01;ja;01.09.2026;15.12.2026;\n"
)


def _citizens(engine):
    with read_session(engine) as session:
        rows = session.exec(select(Citizen).order_by(Citizen.reference)).all()
    return [(c.reference, c.display_name, c.birth_year, c.card_token) for c in rows]


def _refused(engine, kind, text, frozen_now, **kw) -> ImportRefused:
    data = text if isinstance(text, bytes) else text.encode()
    with pytest.raises(ImportRefused) as info:
        import_csv(engine, kind, data, now=frozen_now, **kw)
    return info.value


def test_citizens_are_imported_with_their_fields(central, frozen_now):
    result = import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now)
    assert (result.created, result.changed, result.unchanged) == (3, 0, 0)
    assert _citizens(central) == [
        ("R-1", "Åse Ømark", 1980, "A1B2C3"),
        ("R-2", "Jens Jensen", 1975, None),
        ("R-3", "Karen Aagaard", None, None),
    ]


def test_a_citizens_file_whose_third_line_lacks_a_name_is_refused(central, frozen_now):
    text = CITIZENS.replace("R-2;Jens Jensen;", "R-2;;")
    refused = _refused(central, "citizens", text, frozen_now)
    assert [e.line for e in refused.errors] == [3]
    assert "line 3" in str(refused) and "display_name is missing" in str(refused.errors[0])
    assert _citizens(central) == []


def test_every_bad_line_is_reported_and_nothing_is_imported(central, frozen_now):
    text = CITIZENS + "R-4;Ib;19x5;\nR-1;Dobbelt;1990;\nR-6;Ulla;1960;abc def\n"
    refused = _refused(central, "citizens", text, frozen_now)
    reasons = {e.line: e.reason for e in refused.errors}
    assert sorted(reasons) == [5, 6, 7]
    assert "not a whole number" in reasons[5]
    assert "also on line 2" in reasons[6]
    assert "card_token" in reasons[7]
    assert _citizens(central) == []


def test_a_file_that_is_not_utf8_is_refused(central, frozen_now):
    refused = _refused(central, "citizens", CITIZENS.encode("cp1252"), frozen_now)
    assert "not UTF-8" in str(refused.errors[0])
    assert refused.errors[0].line == 2
    assert _citizens(central) == []


def test_a_byte_order_mark_is_accepted(central, frozen_now):
    result = import_csv(central, "citizens", CITIZENS.encode("utf-8-sig"), now=frozen_now)
    assert result.created == 3


def test_an_empty_file_is_refused(central, frozen_now):
    refused = _refused(central, "citizens", b"", frozen_now)
    assert "empty" in str(refused.errors[0]) and refused.errors[0].line == 1


def test_missing_and_extra_columns_are_refused_on_the_header_line(central, frozen_now):
    missing = _refused(central, "citizens", "reference;display_name;birth_year\n", frozen_now)
    assert (
        missing.errors[0].line == 1 and "missing column(s) card_token" in missing.errors[0].reason
    )
    extra = _refused(
        central, "citizens", "reference;display_name;birth_year;card_token;cpr\n", frozen_now
    )
    assert "unexpected column(s) cpr" in extra.errors[0].reason


def test_a_line_with_too_many_fields_is_refused(central, frozen_now):
    refused = _refused(central, "citizens", CITIZENS + "R-9;Ole;1950;;extra\n", frozen_now)
    assert [e.line for e in refused.errors] == [5]
    assert "expected 4 fields, found 5" in refused.errors[0].reason


@pytest.mark.parametrize("value", ["2411801234", "241180-1234", "Åse 241180-1234"])
def test_cpr_like_values_are_refused_without_echoing_them(central, frozen_now, value):
    text = f"reference;display_name;birth_year;card_token\nR-1;{value};1980;\n"
    refused = _refused(central, "citizens", text, frozen_now)
    assert "CPR" in refused.errors[0].reason
    assert "1234" not in str(refused.errors[0])
    assert _citizens(central) == []


@pytest.mark.parametrize("value", ["Ib \x1b]0;title\x07Aa", "Ib\x00Aa", "Ib\u202eaA", "Ib\x9bAa"])
def test_control_characters_are_refused_with_their_line(central, frozen_now, value):
    text = f"reference;display_name;birth_year;card_token\nR-1;Ok;1980;\nR-2;{value};1981;\n"
    refused = _refused(central, "citizens", text, frozen_now)
    assert [e.line for e in refused.errors] == [3]
    assert "control character" in refused.errors[0].reason
    assert _citizens(central) == []


def test_reimporting_the_same_file_changes_nothing(central, frozen_now):
    import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now)
    import_csv(central, "groups", GROUPS.encode(), now=frozen_now)
    enrol = (
        "reference;group_reference;citizen_reference;starts_on;ends_on\nE-1;G-1;R-1;01.09.2026;\n"
    )
    import_csv(central, "enrolments", enrol.encode(), now=frozen_now)
    feed_before = feed_length(central)
    for kind, text in (("citizens", CITIZENS), ("groups", GROUPS), ("enrolments", enrol)):
        result = import_csv(central, kind, text.encode(), now=frozen_now)
        assert result.changes == [] and result.unchanged == result.lines
    assert feed_length(central) == feed_before


def test_a_changed_citizen_is_published_to_the_sites_that_hold_them(central, frozen_now):
    import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now)
    import_csv(central, "groups", GROUPS.encode(), now=frozen_now)
    enrol = (
        "reference;group_reference;citizen_reference;starts_on;ends_on\nE-1;G-1;R-1;01.09.2026;\n"
    )
    import_csv(central, "enrolments", enrol.encode(), now=frozen_now)
    before = feed_length(central)
    result = import_csv(
        central,
        "citizens",
        CITIZENS.replace("Åse Ømark", "Åse Ømark Holm").encode(),
        now=frozen_now,
    )
    assert [(c.key, c.fields) for c in result.changes] == [("R-1", ("display_name",))]
    with read_session(central) as session:
        new = session.exec(select(ChangeFeed).where(ChangeFeed.seq > before)).all()
    assert [(f.site_id, f.table_name, f.op) for f in new] == [("hornslet", "citizen", "upsert")]


def test_an_enrolment_brings_the_citizen_to_the_group_site_only(central, frozen_now):
    import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now)
    import_csv(central, "groups", GROUPS.encode(), now=frozen_now)
    enrol = (
        "reference;group_reference;citizen_reference;starts_on;ends_on\nE-1;G-1;R-2;01.09.2026;\n"
    )
    import_csv(central, "enrolments", enrol.encode(), now=frozen_now)
    with read_session(central) as session:
        feed = session.exec(
            select(ChangeFeed).where(ChangeFeed.table_name.in_(["citizen", "enrolment"]))
        ).all()
        enrolment = session.exec(select(Enrolment)).one()
    assert [(f.site_id, f.table_name) for f in feed] == [
        ("hornslet", "citizen"),
        ("hornslet", "enrolment"),
    ]
    assert enrolment.starts_on == date(2026, 9, 1) and enrolment.site_id == "hornslet"


def test_unknown_references_and_bad_dates_name_their_lines(central, frozen_now):
    import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now)
    import_csv(central, "groups", GROUPS.encode(), now=frozen_now)
    enrol = (
        "reference;group_reference;citizen_reference;starts_on;ends_on\n"
        "E-1;G-1;R-1;01.09.2026;\n"
        "E-2;G-9;R-1;01.09.2026;\n"
        "E-3;G-1;R-1;31.02.2026;\n"
        "E-4;G-1;R-1;2026-09-01;\n"
        "E-5;G-1;R-404;01.09.2026;\n"
    )
    refused = _refused(central, "enrolments", enrol, frozen_now)
    reasons = {e.line: e.reason for e in refused.errors}
    assert sorted(reasons) == [3, 4, 5, 6]
    assert "group 'G-9' is not known" in reasons[3]
    assert "not a real date" in reasons[4]
    assert "dd.mm.yyyy" in reasons[5]
    assert "citizen 'R-404' is not known" in reasons[6]
    with read_session(central) as session:
        assert session.exec(select(Enrolment)).all() == []


def test_session_times_are_danish_local_time_stored_as_utc(central, frozen_now):
    import_csv(central, "groups", GROUPS.encode(), now=frozen_now)
    sessions = (
        "reference;group_reference;date;starts;ends;location\n"
        "S-1;G-1;24.11.2026;10:00;12:00;Lokale 2\n"
    )
    import_csv(central, "sessions", sessions.encode(), now=frozen_now)
    with read_session(central) as session:
        row = session.exec(select(GroupSession)).one()
    assert (row.starts_at.hour, row.ends_at.hour, row.site_id) == (9, 11, "hornslet")


def test_staff_pins_are_stored_only_as_argon2_hashes(central, frozen_now):
    text = (
        "initials;display_name;roles;pin;active\n"
        "MK;Mette Krog;hornslet:front_desk,ronde:admin;482193;\n"
    )
    import_csv(central, "staff", text.encode(), now=frozen_now)
    with read_session(central) as session:
        staff = session.exec(select(Staff)).one()
        roles = session.exec(select(StaffSiteRole.site_id, StaffSiteRole.role)).all()
    assert "482193" not in staff.pin_hash and PasswordHasher().verify(staff.pin_hash, "482193")
    assert sorted(roles) == [("hornslet", "front_desk"), ("ronde", "admin")]
    again = import_csv(central, "staff", text.encode(), now=frozen_now)
    assert again.changes == []
    moved = text.replace("hornslet:front_desk,", "")
    result = import_csv(central, "staff", moved.encode(), now=frozen_now)
    assert result.changes[0].fields == ("roles",)
    with read_session(central) as session:
        assert session.exec(select(StaffSiteRole.site_id)).all() == ["ronde"]


def test_a_dry_run_writes_nothing_but_says_what_would_change(central, frozen_now):
    before = feed_length(central)
    result = import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now, dry_run=True)
    assert result.created == 3 and result.dry_run
    assert _citizens(central) == [] and feed_length(central) == before
    with read_session(central) as session:
        assert session.exec(select(AuditEntry)).all() == []


def test_an_import_is_audited(central, frozen_now):
    import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now)
    with read_session(central) as session:
        entry = session.exec(select(AuditEntry)).one()
    assert entry.action == "import" and entry.detail.startswith("citizens: 3 new, 0 changed")


def test_the_cli_refuses_a_bad_file_with_exit_2_naming_the_line(central, write_csv, capsys):
    path = write_csv("borgere.csv", CITIZENS.replace("R-2;Jens Jensen;", "R-2;;"))
    url = db_url(central)
    assert main(["central", "import", "citizens", str(path), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "bad line 3" in err and "line 3: display_name is missing" in err
    assert _citizens(central) == []


def test_the_cli_dry_run_lists_changes_and_imports_nothing(central, write_csv, capsys):
    path = write_csv("borgere.csv", CITIZENS)
    url = db_url(central)
    assert main(["central", "import", "citizens", str(path), "--dry-run", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "would import citizens: 3 new" in out and "line 2: R-1 new" in out
    assert _citizens(central) == []
    assert main(["central", "import", "citizens", str(path), "--db", url]) == 0
    assert len(_citizens(central)) == 3


def test_bulk_imported_rows_are_stored_exactly_as_the_orm_stores_them(central, frozen_now):
    from sqlalchemy import text

    from models.db import write_session

    import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now)
    with write_session(central) as session:
        session.add(Citizen(id="orm", display_name="Via ORM", updated_at=frozen_now))
    with read_session(central) as session:
        stored = session.execute(
            text("SELECT id, updated_at, provisional FROM citizen ORDER BY id")
        ).all()
        later = session.exec(select(Citizen).where(Citizen.updated_at >= frozen_now)).all()
    by_id = {row[0]: row[1:] for row in stored}
    assert len({type(v) for v, _ in by_id.values()}) == 1
    assert len({v for v, _ in by_id.values()}) == 1  # the same instant, the same stored form
    assert len(later) == 4 and all(not c.provisional for c in later)


def test_windows_line_endings_and_trailing_separators_are_accepted(central, frozen_now):
    text = CITIZENS.replace("card_token\n", "card_token;\n").replace("\n", "\r\n")
    text = text.replace("A1B2C3\r\n", "A1B2C3;\r\n")
    result = import_csv(central, "citizens", text.encode(), now=frozen_now)
    assert result.created == 3
    assert _citizens(central)[0] == ("R-1", "Åse Ømark", 1980, "A1B2C3")


def test_large_files_find_existing_citizens_by_one_scan(central, frozen_now, monkeypatch):
    from sync.admin import writers

    monkeypatch.setattr(writers, "_SCAN_ABOVE", 1)  # take the large-file path with 3 lines
    import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now)
    assert import_csv(central, "citizens", CITIZENS.encode(), now=frozen_now).changes == []
    changed = import_csv(
        central, "citizens", CITIZENS.replace("1975", "1976").encode(), now=frozen_now
    )
    assert [(c.key, c.fields) for c in changed.changes] == [("R-2", ("birth_year",))]


def test_the_command_line_lists_every_import_kind_in_order() -> None:
    from sync.admin import IMPORT_KINDS
    from sync.admin.kinds import KINDS

    assert tuple(KINDS) == IMPORT_KINDS
