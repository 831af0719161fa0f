"""Property tests for the merge rules: latest HLC wins, order does not matter, applying a
page twice or in pieces gives the same kiosk state."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Group, GroupSession
from models.db import make_engine, write_session
from models.migrate import upgrade
from sync.apply import apply_page
from sync.hlc import Stamp
from sync.local import local_summary
from sync.outbox import init_state
from sync.protocol import Change, PullPage
from sync.server.decisions import decide_session_state
from tests.conftest import FROZEN_NOW

STATES = ["held", "cancelled", "closed", "reopened"]
requests = st.lists(
    st.tuples(
        st.sampled_from(STATES),
        st.integers(min_value=1, max_value=50),
        st.integers(min_value=0, max_value=3),
        st.sampled_from(["k1", "k2", "central"]),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda r: (r[1], r[2], r[3]),
)
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _final_state(engine, ordered):
    with write_session(engine) as session:
        row = session.get(GroupSession, "s1")
        row.status, row.closed, row.state_hlc = "planned", False, ""
        session.flush()
        for state, ms, counter, node in ordered:
            hlc = Stamp(ms, counter, node).pack()
            decide_session_state(session, "s1", state, hlc=hlc, reason="", now=FROZEN_NOW)
        result = (row.status, row.closed, row.state_hlc)
        session.rollback()
    return result


@PROPERTY
@given(requests, st.randoms(use_true_random=False))
def test_session_state_is_decided_by_the_latest_stamp_whatever_the_arrival_order(
    central_db, batch, rnd
):
    _ensure_session(central_db)
    shuffled = list(batch)
    rnd.shuffle(shuffled)
    in_order = sorted(batch, key=lambda r: Stamp(r[1], r[2], r[3]))
    assert _final_state(central_db, shuffled)[2] == _final_state(central_db, in_order)[2]
    latest = in_order[-1]
    assert _final_state(central_db, shuffled)[2] == Stamp(latest[1], latest[2], latest[3]).pack()


def _ensure_session(engine):
    from sync.catalogue import seed_catalogue

    with write_session(engine) as session:
        if session.get(GroupSession, "s1") is not None:
            return

    seed_catalogue(engine, now=FROZEN_NOW)
    with write_session(engine) as session:
        session.add(
            Group(
                id="g1",
                site_id="hornslet",
                offer_id="gruppeforloeb",
                title="T",
                code="G",
                starts_on=date(2026, 9, 1),
            )
        )
        session.flush()
        session.add(
            GroupSession(
                id="s1",
                group_id="g1",
                site_id="hornslet",
                starts_at=FROZEN_NOW,
                ends_at=FROZEN_NOW,
            )
        )


def _row(i: int, title: str) -> dict:
    return {
        "id": f"g{i}",
        "site_id": "hornslet",
        "offer_id": "gruppeforloeb",
        "leader_staff_id": None,
        "reference": None,
        "title": title,
        "code": f"C{i}",
        "sensitive": False,
        "starts_on": "2026-09-01",
        "ends_on": None,
        "active": True,
    }


changes = st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from(["upsert", "delete"]), st.text("abc", max_size=3)),
    min_size=1,
    max_size=25,
)


def _page(items, start: int, cursor_after: int) -> PullPage:
    return PullPage(
        changes=[
            Change(
                seq=start + n,
                table="course_group",
                op=op,
                row_id=f"g{i}",
                row=_row(i, title) if op == "upsert" else None,
            )
            for n, (i, op, title) in enumerate(items)
        ],
        cursor=cursor_after,
        epoch="e",
        more=False,
    )


def _kiosk(tmp_path, name):
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade(engine, "kiosk")
    with write_session(engine) as session:
        init_state(session, device_id="d", site_id="hornslet")
    return engine


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes, st.data())
def test_applying_pages_in_pieces_or_twice_equals_applying_once(kiosk_pair, items, data):
    once, pieces = kiosk_pair
    for engine in kiosk_pair:
        with write_session(engine) as session:
            session.execute(Group.__table__.delete())
    apply_page(once, _page(items, 1, len(items)), now_ms=0)
    cut = data.draw(st.integers(0, len(items)))
    apply_page(pieces, _page(items[:cut], 1, cut), now_ms=0)
    apply_page(pieces, _page(items[cut:], cut + 1, len(items)), now_ms=0)
    apply_page(pieces, _page(items, 1, len(items)), now_ms=0)  # a replayed page is harmless
    assert local_summary(once) == local_summary(pieces)


@pytest.fixture
def kiosk_pair(tmp_path):
    pair = (_kiosk(tmp_path, "once.db"), _kiosk(tmp_path, "pieces.db"))
    yield pair
    for engine in pair:
        engine.dispose()
