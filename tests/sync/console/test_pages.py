"""Every console page and action against the real app: devices, imports, guests, reports,
access requests and retention; each action is audited with the signed-in person."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import select

from models import AuditEntry, Citizen, ConsolePendingImport, Device
from models.config import Settings
from models.db import read_session, write_session
from sync.changes import publish, refresh_scope
from sync.server import auth
from sync.server.app import create_app
from tests.sync.admin.report_fixture import at, checkin, seed_report_fixture
from tests.sync.console.conftest import Console, csrf_of

CITIZENS = (
    "reference;display_name;birth_year;card_token\n"
    "BOS-1;Åse Ømark;1980;\n"
    "BOS-2;;1981;\n"
    "BOS-3;Bo Berg;1700;\n"
)


def _enrolled(console: Console, site: str = "hornslet") -> str:
    code = auth.create_enrolment_code(console.engine, site_id=site, now=console.clock())
    device, _token = auth.enrol_device(console.engine, code=code, name="", now=console.clock())
    return device.id


def test_overview_marks_a_site_red_when_it_has_not_synced_for_a_day(console: Console) -> None:
    fresh, old = _enrolled(console, "hornslet"), _enrolled(console, "kolind")
    with write_session(console.engine) as session:
        for device_id, ago in ((fresh, timedelta(hours=2)), (old, timedelta(hours=25))):
            device = session.get(Device, device_id)
            device.last_push_at = device.last_pull_at = console.clock() - ago
            device.last_error = "gap" if device_id == old else ""
            session.add(device)
    page = console.sign_in("anne").get("/admin/").text
    rows = {site: page.split(f">{site}")[1].split("</tr>")[0] for site in ("Hornslet", "Kolind")}
    assert "Ikke synkroniseret i 24 timer" in rows["Kolind"] and "gap" in rows["Kolind"]
    assert "Ikke synkroniseret" not in rows["Hornslet"]
    assert console.audit("console_view")[-1].detail == "GET /admin/ (by anne)"


def test_enrol_shows_a_one_time_code_that_a_kiosk_can_use(console: Console) -> None:
    client = console.sign_in("anne")
    csrf = csrf_of(client.get("/admin/devices").text)
    page = client.post("/admin/devices/enrol", data={"site": "ebeltoft", "csrf": csrf})
    assert page.status_code == 200
    code = page.text.split('<output class="code">')[1].split("<")[0]
    device, _ = auth.enrol_device(console.engine, code=code, name="k1", now=console.clock())
    assert device.site_id == "ebeltoft"
    assert [e.detail for e in console.audit("device_enrol_code")] == ["site=ebeltoft (by anne)"]


def test_an_unknown_site_is_refused_with_a_message(console: Console) -> None:
    client = console.sign_in("anne")
    csrf = csrf_of(client.get("/admin/devices").text)
    page = client.post("/admin/devices/enrol", data={"site": "aarhus", "csrf": csrf})
    assert page.status_code == 422 and "Ukendt enhed eller sted" in page.text


def test_name_and_revoke_a_device(console: Console) -> None:
    device_id = _enrolled(console)
    client = console.sign_in("anne")
    csrf = csrf_of(client.get("/admin/devices").text)
    named = client.post(f"/admin/devices/{device_id}/name", data={"name": "Skranke", "csrf": csrf})
    assert named.status_code == 200 and "Skranke" in named.text
    bad = client.post(f"/admin/devices/{device_id}/name", data={"name": "a\x07", "csrf": csrf})
    assert bad.status_code == 422
    revoked = client.post(f"/admin/devices/{device_id}/revoke", data={"csrf": csrf})
    assert revoked.status_code == 200 and "spærret" in revoked.text
    with read_session(console.engine) as session:
        device = session.get(Device, device_id)
        assert device.name == "Skranke" and device.revoked_at is not None
    assert len(console.audit("device_rename")) == 1
    assert console.audit("device_revoke")[0].detail.endswith("(by anne)")
    unknown = client.post("/admin/devices/nope/revoke", data={"csrf": csrf})
    assert unknown.status_code == 422


def _upload(client, path: str, kind: str, text: str, csrf: str):
    files = {"file": ("export.csv", text.encode("utf-8"), "text/csv")}
    return client.post(path, data={"kind": kind, "csrf": csrf}, files=files)


def test_import_dry_run_lists_every_bad_line_and_imports_nothing(console: Console) -> None:
    client = console.sign_in("anne")
    csrf = csrf_of(client.get("/admin/imports").text)
    page = _upload(client, "/admin/imports/dry-run", "citizens", CITIZENS, csrf)
    assert page.status_code == 422
    table = page.text.split('id="bad-lines"')[1].split("</table>")[0]
    assert '<td class="num">3</td>' in table and '<td class="num">4</td>' in table
    assert '<td class="num">2</td>' not in table
    with read_session(console.engine) as session:
        assert session.exec(select(Citizen).where(Citizen.reference == "BOS-1")).first() is None


def test_import_dry_run_then_apply(console: Console) -> None:
    client = console.sign_in("anne")
    csrf = csrf_of(client.get("/admin/imports").text)
    good = "reference;display_name;birth_year;card_token\nBOS-1;Åse Ømark;1980;\n"
    page = _upload(client, "/admin/imports/dry-run", "citizens", good, csrf)
    assert page.status_code == 200 and "Nye 1, ændrede 0, uændrede 0." in page.text
    with read_session(console.engine) as session:
        assert session.exec(select(Citizen).where(Citizen.reference == "BOS-1")).first() is None
    ticket = page.text.split('name="ticket" value="')[1].split('"')[0]
    applied = client.post("/admin/imports/apply", data={"ticket": ticket, "csrf": csrf})
    assert applied.status_code == 200 and "Importeret." in applied.text
    with read_session(console.engine) as session:
        assert session.exec(select(Citizen).where(Citizen.reference == "BOS-1")).one()
    assert console.audit("import")[0].detail.endswith("(by anne)")
    again = client.post("/admin/imports/apply", data={"ticket": ticket, "csrf": csrf})
    assert again.status_code == 409  # a dry run is applied once


def test_import_refuses_an_unknown_kind_and_a_file_that_is_not_utf8(console: Console) -> None:
    client = console.sign_in("anne")
    csrf = csrf_of(client.get("/admin/imports").text)
    assert _upload(client, "/admin/imports/dry-run", "cpr", CITIZENS, csrf).status_code == 422
    files = {"file": ("x.csv", "reference;display_name\nR;Søren".encode("cp1252"), "text/csv")}
    page = client.post(
        "/admin/imports/dry-run", data={"kind": "citizens", "csrf": csrf}, files=files
    )
    assert page.status_code == 422 and "UTF-8" in page.text


@pytest.fixture
def guests(console: Console) -> Console:
    now = console.clock()
    with write_session(console.engine) as session:
        session.add(Citizen(id="p1", display_name="Gæst Christensen", provisional=True,
                            created_site_id="hornslet"))  # fmt: skip
        session.add(Citizen(id="t1", display_name="Søren Kristensen", birth_year=1970,
                            reference="BOS-9"))  # fmt: skip
        session.add(Citizen(id="p2", display_name="Ny Gæst", provisional=True))
        session.flush()
        refresh_scope(session, "p1", now=now)
        publish(session, [session.get(Citizen, "t1")], now=now)
        session.add(checkin("hornslet", at(23, 10), "p1"))
    return console


def test_guests_are_listed_and_merged_into_a_citizen_found_by_danish_matching(
    guests: Console,
) -> None:
    client = guests.sign_in("anne")
    page = client.get("/admin/provisional")
    assert "Gæst Christensen" in page.text and "Ny Gæst" in page.text
    found = client.post(
        "/admin/provisional/p1/search", data={"q": "soren christensen", "csrf": csrf_of(page.text)}
    )
    assert "Søren Kristensen" in found.text
    assert (
        "Søren Kristensen"
        in client.post(
            "/admin/provisional/p1/search",
            data={"q": "Kristensen Søren", "csrf": csrf_of(page.text)},
        ).text
    )
    nobody = client.post(
        "/admin/provisional/p1/search", data={"q": "aase", "csrf": csrf_of(page.text)}
    )
    assert "Søren Kristensen" not in nobody.text
    merged = client.post(
        "/admin/provisional/p1/merge", data={"into": "t1", "csrf": csrf_of(found.text)}
    )
    assert merged.status_code == 200 and "Gæsten er lagt sammen." in merged.text
    assert "Gæst Christensen" not in merged.text
    with read_session(guests.engine) as session:
        assert session.get(Citizen, "p1").merged_into == "t1"
    assert guests.audit("citizen_merge")[0].detail.endswith("(by anne)")


def test_merging_into_a_guest_is_refused_and_changes_nothing(guests: Console) -> None:
    client = guests.sign_in("anne")
    csrf = csrf_of(client.get("/admin/provisional").text)
    refused = client.post("/admin/provisional/p1/merge", data={"into": "p2", "csrf": csrf})
    assert refused.status_code == 422
    with read_session(guests.engine) as session:
        assert session.get(Citizen, "p1").merged_into is None


def test_a_guest_is_confirmed_with_a_reference_but_never_a_cpr(guests: Console) -> None:
    client = guests.sign_in("anne")
    csrf = csrf_of(client.get("/admin/provisional").text)
    cpr = client.post(
        "/admin/provisional/p2/confirm", data={"reference": "010190-1234", "csrf": csrf}
    )
    assert cpr.status_code == 422 and "010190-1234" not in cpr.text
    done = client.post("/admin/provisional/p2/confirm", data={"reference": "BOS-7", "csrf": csrf})
    assert done.status_code == 200 and "Gæsten er bekræftet." in done.text
    with read_session(guests.engine) as session:
        guest = session.get(Citizen, "p2")
        assert not guest.provisional and guest.reference == "BOS-7"


@pytest.fixture
def reported(console: Console) -> Console:
    seed_report_fixture(console.engine)
    return console


PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}


def test_report_page_draws_charts_and_hides_sensitive_titles_from_leadership(
    reported: Console,
) -> None:
    admin = reported.sign_in("anne").get("/admin/reports", params=PERIOD)
    assert admin.status_code == 200 and admin.headers["cache-control"] == "no-store"
    assert admin.text.count('<svg class="chart"') >= 3 and "<rect" in admin.text
    assert "Forstå din ADHD" in admin.text
    leader = reported.sign_in("leif").get("/admin/reports", params=PERIOD)
    assert leader.status_code == 200 and "G-01" in leader.text
    assert "Forstå din ADHD" not in leader.text


def test_report_page_shows_section_titles_labels_and_danish_numbers(reported: Console) -> None:
    client = reported.sign_in("anne")
    page = client.get("/admin/reports", params=PERIOD).text
    headings = re.findall(r"<h2 id=\"s-[a-z_]+\">([^<]*)</h2>", page)
    assert "Besøg pr. uge" in headings and all(h and "<" not in h for h in headings)
    assert "bound method" not in page and "Column(" not in page and "Section(" not in page
    labels = re.findall(r'<th scope="col">([^<]*)</th>', page)
    assert {"Uge", "Sted", "Tilbud"} <= set(labels) and all(labels)
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert any(re.fullmatch(r"\d+,\d", c) for c in cells)  # a decimal comma, not a point
    assert not any(re.fullmatch(r"\d+\.\d", c) for c in cells)
    bar_values = re.findall(r'<text x="\d+" y="\d+">([^<]*)</text>', page)
    assert bar_values and all(re.fullmatch(r"\d+(,\d)?", v) for v in bar_values)
    english = client.get("/admin/language", params={"to": "en", "back": "/admin/reports"})
    assert english.status_code == 303
    page_en = client.get("/admin/reports", params=PERIOD).text
    assert "Visits per week" in re.findall(r"<h2 id=\"s-[a-z_]+\">([^<]*)</h2>", page_en)


def test_report_downloads_as_csv_and_xlsx_and_each_is_audited(reported: Console) -> None:
    client = reported.sign_in("leif")
    csv = client.get("/admin/reports/download", params={**PERIOD, "fmt": "csv"})
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    text = csv.content.decode("utf-8-sig")
    assert "Besøg pr. uge" in text and "Forstå din ADHD" not in text
    xlsx = client.get("/admin/reports/download", params={**PERIOD, "fmt": "xlsx"})
    book = load_workbook(BytesIO(xlsx.content))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert "G-01" in cells and "Forstå din ADHD" not in cells
    exports = reported.audit("report_export")
    assert len(exports) == 2 and all(e.detail.endswith("(by leif)") for e in exports)


def test_a_bad_report_period_gets_a_message(reported: Console) -> None:
    client = reported.sign_in("anne")
    page = client.get("/admin/reports", params={"start": "2026-13-01", "end": "2026-11-30"})
    assert page.status_code == 422 and "Ugyldig periode" in page.text
    backwards = client.get("/admin/reports", params={"start": "2026-11-30", "end": "2026-11-01"})
    assert backwards.status_code == 422


def test_access_request_shows_and_downloads_the_citizens_log(guests: Console) -> None:
    client = guests.sign_in("anne")
    csrf = csrf_of(client.get("/admin/audit").text)
    found = client.post("/admin/audit/search", data={"q": "christensen", "csrf": csrf})
    assert "Søren Kristensen" in found.text
    assert client.post("/admin/audit/search", data={"q": "jensen"}).status_code == 403
    # the console's own search just made an audit line; give the citizen one more
    with write_session(guests.engine) as session:
        session.add(checkin("hornslet", at(24, 9), "t1"))
    page = client.get("/admin/audit", params={"citizen": "BOS-9"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "udlevering af log" not in page.text.split('id="audit-log"')[0]
    download = client.get("/admin/audit/download", params={"citizen": "t1", "staff": "true"})
    text = download.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Dato;Tid;Handling;Sted;Medarbejder"
    assert "udlevering af log" in text  # the page view above was itself logged
    exports = guests.audit("audit_export")
    assert len(exports) == 2 and exports[0].citizen_id == "t1"
    assert exports[0].detail.endswith("(by anne)")
    assert client.get("/admin/audit", params={"citizen": "nobody"}).status_code == 404


def test_retention_shows_what_would_go_and_purges_it(console: Console) -> None:
    old = console.clock() - timedelta(days=400)
    with write_session(console.engine) as session:
        session.add(AuditEntry(id="old-1", site_id="ronde", device_id="d", hlc="x",
                               created_at=old, received_at=old, action="read"))  # fmt: skip
    client = console.sign_in("anne")
    page = client.get("/admin/retention")
    assert '<span id="would-total">1</span>' in page.text
    with read_session(console.engine) as session:
        assert session.get(AuditEntry, "old-1") is not None  # the preview deleted nothing
    done = client.post("/admin/retention/purge", data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200 and '<span id="would-total">0</span>' in done.text
    with read_session(console.engine) as session:
        assert session.get(AuditEntry, "old-1") is None
    assert console.audit("purge")[0].detail.endswith("(by anne)")


GOOD_CITIZEN = "reference;display_name;birth_year;card_token\nBOS-7;Åse Ømark;1980;\n"


def _dry_run_ticket(client, csrf: str) -> str:
    page = _upload(client, "/admin/imports/dry-run", "citizens", GOOD_CITIZEN, csrf)
    assert page.status_code == 200, page.text
    return page.text.split('name="ticket" value="')[1].split('"')[0]


def test_an_import_dry_run_may_be_applied_by_another_worker(console: Console, tmp_path) -> None:
    """The upload waits in the database, not in one process (``serve --workers N``)."""
    client = console.sign_in("anne")
    csrf = csrf_of(client.get("/admin/imports").text)
    ticket = _dry_run_ticket(client, csrf)
    other_worker = create_app(Settings(home=tmp_path), engine=console.engine, now=console.clock)
    other = TestClient(other_worker, base_url="https://testserver", follow_redirects=False)
    other.cookies = client.cookies
    applied = other.post("/admin/imports/apply", data={"ticket": ticket, "csrf": csrf})
    assert applied.status_code == 200 and "Importeret." in applied.text
    with read_session(console.engine) as session:
        assert session.exec(select(Citizen).where(Citizen.reference == "BOS-7")).one()
        assert session.exec(select(ConsolePendingImport)).all() == []  # applied: deleted


def test_an_import_dry_run_is_only_the_uploaders_and_only_for_an_hour(console: Console) -> None:
    anne = console.sign_in("anne")
    csrf = csrf_of(anne.get("/admin/imports").text)
    ticket = _dry_run_ticket(anne, csrf)
    second = console.sign_in("anne")  # the same person, another sign-in
    second_csrf = csrf_of(second.get("/admin/imports").text)
    refused = second.post("/admin/imports/apply", data={"ticket": ticket, "csrf": second_csrf})
    assert refused.status_code == 409
    console.clock.advance(minutes=61)
    later = console.sign_in("anne")
    later_csrf = csrf_of(later.get("/admin/imports").text)
    fresh = _dry_run_ticket(later, later_csrf)  # any write purges uploads over an hour old
    with read_session(console.engine) as session:
        assert session.exec(select(Citizen).where(Citizen.reference == "BOS-7")).first() is None
        kept = session.exec(select(ConsolePendingImport)).all()
    assert [k.ticket_hash for k in kept] == [hashlib.sha256(fresh.encode()).hexdigest()]
