"""The report pages' cache against the real app: a second view is served from the cache, a
pushed check-in or a merge is seen at the next view, "Beregn igen" rebuilds, the page says
when its figures were computed, downloads are always fresh, entries never cross roles, sites
or periods, and the cache stays within its bound."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.routing import Mount

from models import CheckIn, Citizen, SiteScope
from models.db import write_session
from models.ids import new_id
from models.timeutil import LOCAL_TZ
from sync.admin import reports as admin_reports
from sync.admin.provisional import merge_provisional
from sync.console import routes_reports
from sync.console.report_cache import Entry, PageKey, ReportCache, data_version
from sync.console.web import Console as ConsoleState
from sync.hlc import Stamp
from sync.server import auth
from tests.sync.admin.report_fixture import at, seed_report_fixture
from tests.sync.console.conftest import Console

PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}
COMPUTED = re.compile(r"Tallene er beregnet kl\. (\d\d:\d\d)\.")


@pytest.fixture
def reported(console: Console) -> Console:
    seed_report_fixture(console.engine)
    return console


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the report builder ran, per role it was asked for (titles shown or not)."""
    counted: Counter[str] = Counter()
    real = admin_reports.make_report

    def counting(engine: Any, query: Any, **kw: Any) -> Any:
        counted["admin" if query.titles else "leadership"] += 1
        counted["all"] += 1
        return real(engine, query, **kw)

    monkeypatch.setattr(routes_reports, "make_report", counting)
    return counted


def state(console: Console) -> ConsoleState:
    """The console's own state (its report cache) inside the central app."""
    app = console.client.app
    assert isinstance(app, FastAPI)
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/admin")
    found = mount.app.state.console  # type: ignore[attr-defined]
    assert isinstance(found, ConsoleState)
    return found


def cells(html: str) -> list[str]:
    return re.findall(r"<td>([^<]*)</td>", html)


def checkin(site: str, when: datetime, citizen: str) -> CheckIn:
    """A check-in loaded straight into central's database (no push, no feed entry)."""
    stamp = Stamp(int(when.timestamp() * 1000), 0, "dev-1").pack()
    return CheckIn(
        id=new_id(), site_id=site, device_id="dev-1", hlc=stamp, created_at=when,
        received_at=when, action="check_in", citizen_id=citizen, offer_id="aaben-raadgivning",
    )  # fmt: skip


def local_clock(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M")


def test_a_second_view_is_served_from_the_cache_and_says_when_it_was_computed(
    reported: Console, builds: Counter[str]
) -> None:
    client = reported.sign_in("anne")
    first = client.get("/admin/reports", params=PERIOD)
    built_at = reported.clock()
    reported.clock.advance(minutes=2)
    second = client.get("/admin/reports", params=PERIOD)
    assert first.status_code == second.status_code == 200
    assert builds["all"] == 1
    assert cells(first.text) == cells(second.text)
    assert COMPUTED.findall(second.text) == [local_clock(built_at)]
    assert second.headers["cache-control"] == "no-store"
    assert 'name="fresh" value="1"' in second.text and "Beregn igen" in second.text


def test_the_english_page_says_when_its_figures_were_computed(reported: Console) -> None:
    client = reported.sign_in("anne")
    client.get("/admin/language", params={"to": "en", "back": "/admin/reports"})
    page = client.get("/admin/reports", params=PERIOD).text
    assert f"Figures computed at {local_clock(reported.clock())}." in page
    assert ">Recompute</button>" in page


def test_recompute_rebuilds_and_shows_the_new_time(reported: Console, builds: Counter[str]) -> None:
    client = reported.sign_in("anne")
    client.get("/admin/reports", params=PERIOD)
    reported.clock.advance(minutes=3)
    again = client.get("/admin/reports", params={**PERIOD, "fresh": "1"})
    assert again.status_code == 200 and builds["all"] == 2
    assert COMPUTED.findall(again.text) == [local_clock(reported.clock())]
    reported.clock.advance(minutes=1)
    client.get("/admin/reports", params=PERIOD)
    assert builds["all"] == 2  # the recomputed report is the one kept


def _kiosk(console: Console, citizen: str) -> tuple[str, str]:
    """An enrolled kiosk at Hornslet, whose scope holds a new ``citizen``: (id, token)."""
    now = console.clock()
    code = auth.create_enrolment_code(console.engine, site_id="hornslet", now=now)
    device, token = auth.enrol_device(console.engine, code=code, name="", now=now)
    with write_session(console.engine) as session:
        session.add(Citizen(id=citizen, display_name="Ny Borger"))
        session.add(SiteScope(site_id="hornslet", citizen_id=citizen, since=now))
    return device.id, token


def _push_check_in(console: Console, kiosk: tuple[str, str], citizen: str) -> None:
    """The kiosk pushes one check-in through the real sync endpoint."""
    now, (device_id, token) = console.clock(), kiosk
    row = {
        "id": new_id(),
        "site_id": "hornslet",
        "device_id": device_id,
        "hlc": Stamp(int(now.timestamp() * 1000), 0, device_id).pack(),
        "created_at": now.isoformat(),
        "action": "check_in",
        "citizen_id": citizen,
        "offer_id": "aaben-raadgivning",
        "method": "name",
    }
    batch = {"first_seq": 1, "mutations": [{"seq": 1, "kind": "check_in", "row": row}]}
    answer = console.client.post(
        "/v1/sync/push", json=batch, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["acked_through"] == 1 and answer.json()["rejections"] == []


def test_a_pushed_check_in_changes_the_version_and_the_next_view_shows_it(
    reported: Console, builds: Counter[str]
) -> None:
    citizen = new_id()
    kiosk = _kiosk(reported, citizen)  # first, so that only the push itself is new
    client = reported.sign_in("anne")
    before = client.get("/admin/reports", params=PERIOD).text
    version = data_version(reported.engine)
    _push_check_in(reported, kiosk, citizen)
    assert data_version(reported.engine) != version
    after = client.get("/admin/reports", params=PERIOD).text
    assert builds["all"] == 2
    assert cells(after) != cells(before)
    assert cells(after) == cells(client.get("/admin/reports", params={**PERIOD, "fresh": "1"}).text)


def test_a_merge_changes_the_version_and_the_next_view_shows_it(
    reported: Console, builds: Counter[str]
) -> None:
    with write_session(reported.engine) as session:
        session.add(Citizen(id="p1", display_name="Gæst", provisional=True))
        session.add(checkin("hornslet", at(19, 10), "p1"))
    client = reported.sign_in("anne")
    before = client.get("/admin/reports", params=PERIOD).text
    assert builds["all"] == 1
    merge_provisional(reported.engine, "p1", "c1", now=reported.clock())
    after = client.get("/admin/reports", params=PERIOD).text
    assert builds["all"] == 2
    assert cells(after) != cells(before)  # the guest's visit now counts under c1
    assert cells(after) == cells(client.get("/admin/reports", params={**PERIOD, "fresh": "1"}).text)


def test_an_old_entry_or_one_from_yesterday_is_rebuilt(
    reported: Console, builds: Counter[str]
) -> None:
    client = reported.sign_in("anne")
    client.get("/admin/reports", params=PERIOD)
    reported.clock.advance(minutes=5)
    client.get("/admin/reports", params=PERIOD)
    assert builds["all"] == 2  # five minutes is the most a page's figures may be old
    reported.clock.at = datetime(2026, 11, 24, 23, 56, tzinfo=LOCAL_TZ).astimezone(UTC)
    client = reported.sign_in("anne")  # signed out while idle meanwhile
    assert client.get("/admin/reports", params=PERIOD).status_code == 200
    reported.clock.advance(minutes=4)  # past Danish midnight: "today" has moved
    assert client.get("/admin/reports", params=PERIOD).status_code == 200
    assert builds["all"] == 4


def test_downloads_are_always_computed_afresh(reported: Console, builds: Counter[str]) -> None:
    client = reported.sign_in("anne")
    client.get("/admin/reports", params=PERIOD)
    for fmt in ("csv", "csv", "xlsx"):
        answer = client.get("/admin/reports/download", params={**PERIOD, "fmt": fmt})
        assert answer.status_code == 200
    assert builds["all"] == 4
    before = client.get("/admin/reports/download", params={**PERIOD, "fmt": "csv"}).content
    with write_session(reported.engine) as session:
        session.add(checkin("kolind", at(20, 10), "c9"))
    after = client.get("/admin/reports/download", params={**PERIOD, "fmt": "csv"}).content
    assert after != before and builds["all"] == 6


def test_leadership_never_gets_an_admins_cached_report(
    reported: Console, builds: Counter[str]
) -> None:
    admin = reported.sign_in("anne")
    leader = reported.sign_in("leif")
    assert "Forstå din ADHD" in admin.get("/admin/reports", params=PERIOD).text
    page = leader.get("/admin/reports", params=PERIOD).text
    assert "Forstå din ADHD" not in page and "G-01" in page
    assert builds == Counter({"admin": 1, "leadership": 1, "all": 2})
    again = leader.get("/admin/reports", params=PERIOD).text  # the leadership's own entry
    assert "Forstå din ADHD" not in again and builds["all"] == 2
    assert "Forstå din ADHD" in admin.get("/admin/reports", params=PERIOD).text
    assert builds["all"] == 2  # redacting the leadership's copy left the admin's intact


def test_entries_never_cross_sites_or_periods(reported: Console, builds: Counter[str]) -> None:
    client = reported.sign_in("anne")
    every = client.get("/admin/reports", params=PERIOD).text
    hornslet = client.get("/admin/reports", params={**PERIOD, "site": "hornslet"}).text
    week = client.get("/admin/reports", params={"start": "2026-11-16", "end": "2026-11-22"}).text
    committee = client.get("/admin/reports", params={**PERIOD, "committee": "true"}).text
    assert builds["all"] == 4
    assert len({every, hornslet, week, committee}) == 4
    assert "Hornslet: 01.11.2026" in hornslet and "16.11.2026–22.11.2026" in week
    client.get("/admin/reports", params={**PERIOD, "site": "hornslet"})
    assert builds["all"] == 4


def test_the_cache_keeps_at_most_its_bound(reported: Console, builds: Counter[str]) -> None:
    state(reported).reports = ReportCache(size=2)
    client = reported.sign_in("anne")
    for day in (1, 2, 3):
        client.get("/admin/reports", params={"start": f"2026-11-0{day}", "end": "2026-11-30"})
    assert len(state(reported).reports) == 2 and builds["all"] == 3
    client.get("/admin/reports", params={"start": "2026-11-01", "end": "2026-11-30"})
    assert builds["all"] == 4  # the oldest was let go
    client.get("/admin/reports", params={"start": "2026-11-03", "end": "2026-11-30"})
    assert builds["all"] == 4


def test_the_lru_bound_lets_the_least_recently_used_go() -> None:
    cache = ReportCache(size=3)
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    end = date(2026, 11, 30)
    keys = [PageKey(None, date(2026, 11, d), end, False, "admin", "da") for d in range(1, 6)]
    for key in keys[:3]:
        cache.put(key, Entry(key, now, (1,)))
    assert cache.get(keys[0], (1,), now) is not None  # used: now the most recent
    cache.put(keys[3], Entry(keys[3], now, (1,)))
    cache.put(keys[4], Entry(keys[4], now, (1,)))
    assert len(cache) == 3
    assert keys[0] in cache and keys[1] not in cache and keys[2] not in cache
    assert cache.get(keys[4], (2,), now) is None  # another data version: not served
    assert cache.get(keys[3], (1,), now + timedelta(minutes=5)) is None
