"""Bulk companion to ``sync.changes`` for large central writes (imports of 100,000 rows).

``append`` adds one ORM object per feed entry; for an import that touches tens of thousands
of rows that dominates the run time. ``append_bulk`` reserves the same gap-free sequence
numbers under the same ``FeedCounter`` row lock and inserts the entries in one executemany.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, select

from models import Appointment, ChangeFeed, CheckIn, Citizen, Course, Enrolment, SiteScope
from models.events import CheckInAction
from sync.changes import (
    CITIZEN_ROWS,
    DELETE,
    EVICT,
    UPSERT,
    VISIT_SCOPE_DAYS,
    hold_feed_lock,
    next_feed_seqs,
    row_key,
)

_CHUNK = 900  # stays below every SQLite build's bound-parameter limit


def append_bulk(
    session: Session, entries: Iterable[tuple[str, str, str, str]], *, now: datetime
) -> int:
    """Append feed entries ``(site_id, table_name, row_id, op)`` in order; returns the count."""
    entries = list(entries)
    if not entries:
        return 0
    session.flush()
    seqs = next_feed_seqs(session, len(entries))
    rows = [
        {
            "seq": seq,
            "site_id": site,
            "table_name": table,
            "row_id": row_id,
            "op": op,
            "changed_at": now,
        }
        for seq, (site, table, row_id, op) in zip(seqs, entries, strict=True)
    ]
    session.connection().execute(insert(ChangeFeed), rows)
    return len(rows)


def scope_sites(session: Session, citizen_ids: Sequence[str]) -> dict[str, set[str]]:
    """The sites each of ``citizen_ids`` is in scope at (citizens in no scope are left out)."""
    found: dict[str, set[str]] = {}
    for start in range(0, len(citizen_ids), _CHUNK):
        chunk = citizen_ids[start : start + _CHUNK]
        query = select(SiteScope.citizen_id, SiteScope.site_id).where(
            col(SiteScope.citizen_id).in_(chunk)
        )
        for citizen_id, site_id in session.exec(query).all():
            found.setdefault(citizen_id, set()).add(site_id)
    return found


def wanted_sites_bulk(
    session: Session, citizen_ids: Sequence[str], *, now: datetime
) -> dict[str, set[str]]:
    """``sync.changes.wanted_sites`` for many citizens at once (same rules, few queries)."""
    today = now.date()
    recent = now - timedelta(days=VISIT_SCOPE_DAYS)
    wanted: dict[str, set[str]] = {cid: set() for cid in citizen_ids}
    retraction = aliased(CheckIn)
    retracted = exists().where(
        col(retraction.action) == CheckInAction.RETRACTION,
        col(retraction.ref_id) == col(CheckIn.id),
    )
    for start in range(0, len(citizen_ids), _CHUNK):
        chunk = list(citizen_ids[start : start + _CHUNK])
        queries: list[Any] = [
            select(Enrolment.citizen_id, Enrolment.site_id).where(
                col(Enrolment.citizen_id).in_(chunk),
                col(Enrolment.ends_on).is_(None) | (col(Enrolment.ends_on) >= today),
            ),
            select(Course.citizen_id, Course.site_id).where(
                col(Course.citizen_id).in_(chunk),
                col(Course.ends_on).is_(None) | (col(Course.ends_on) >= today),
            ),
            select(Appointment.citizen_id, Appointment.site_id).where(
                col(Appointment.citizen_id).in_(chunk), col(Appointment.starts_at) >= recent
            ),
            select(CheckIn.citizen_id, CheckIn.site_id).where(
                col(CheckIn.citizen_id).in_(chunk),
                CheckIn.action == CheckInAction.CHECK_IN,
                col(CheckIn.created_at) >= recent,
                col(CheckIn.created_at) <= now + timedelta(days=1),
                ~retracted,
            ),
            select(Citizen.id, Citizen.created_site_id).where(
                col(Citizen.id).in_(chunk),
                col(Citizen.provisional),
                col(Citizen.created_site_id).is_not(None),
            ),
        ]
        for query in queries:
            for citizen_id, site_id in session.exec(query).all():
                wanted[citizen_id].add(site_id)
    return wanted


def refresh_scopes_bulk(
    session: Session, citizen_ids: Sequence[str], *, now: datetime
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Bring ``SiteScope`` up to date for many citizens; returns (entered, left) as
    ``(citizen_id, site_id)`` pairs. The caller appends the feed entries in order."""
    session.flush()
    hold_feed_lock(session)  # before reading scopes a concurrent push may be changing
    wanted = wanted_sites_bulk(session, citizen_ids, now=now)
    current = scope_sites(session, citizen_ids)
    entered: list[tuple[str, str]] = []
    left: list[tuple[str, str]] = []
    for citizen_id in citizen_ids:
        have, want = current.get(citizen_id, set()), wanted[citizen_id]
        entered += [(citizen_id, site) for site in sorted(want - have)]
        left += [(citizen_id, site) for site in sorted(have - want)]
    if entered:
        session.connection().execute(
            insert(SiteScope),
            [{"site_id": s, "citizen_id": c, "since": now, "until": None} for c, s in entered],
        )
    for citizen_id, site in left:
        session.execute(
            delete(SiteScope).where(
                col(SiteScope.citizen_id) == citizen_id, col(SiteScope.site_id) == site
            )
        )
    return entered, left


def _backfill(
    session: Session, entered: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], list[SQLModel]]:
    """The enrolments, courses and appointments each (citizen, site) entering brings along."""
    wanted = set(entered)
    citizens = sorted({c for c, _ in entered})
    found: dict[tuple[str, str], list[SQLModel]] = {pair: [] for pair in entered}
    for model in CITIZEN_ROWS:
        for start in range(0, len(citizens), _CHUNK):
            query = select(model).where(col(model.citizen_id).in_(citizens[start : start + _CHUNK]))
            for row in session.exec(query).all():
                pair = (str(getattr(row, "citizen_id", "")), str(getattr(row, "site_id", "")))
                if pair in wanted:
                    found[pair].append(row)
    return found


def publish_bulk(
    session: Session,
    rows: Sequence[SQLModel],
    *,
    now: datetime,
    moved: Sequence[tuple[SQLModel, str]] = (),
) -> int:
    """``publish`` for many site-bound rows at once (imports of groups, sessions,
    enrolments, courses, appointments); returns the number of feed entries.

    Same rules as ``publish``: a citizen entering a site is published there first, with
    the rows they bring (backfill); a citizen's rows reach only sites whose scope holds
    them; a row that ``moved`` away from a site gets its tombstone there before the
    citizen's evict.
    """
    session.add_all(rows)
    session.flush()
    citizens = sorted({str(c) for r in rows if (c := getattr(r, "citizen_id", None))})
    before = scope_sites(session, citizens)
    entered, left = refresh_scopes_bulk(session, citizens, now=now)
    scoped = {c: (before.get(c, set()) | {s for e, s in entered if e == c}) for c in citizens}
    for citizen, site in left:
        scoped[citizen].discard(site)
    entries: list[tuple[str, str, str, str]] = []
    sent: set[tuple[str, str, str]] = set()
    for (citizen, site), brought in _backfill(session, entered).items():
        entries.append((site, "citizen", citizen, UPSERT))
        for row in brought:
            entries.append((site, str(row.__tablename__), row_key(row), UPSERT))
            sent.add((site, str(row.__tablename__), row_key(row)))
    for row in rows:
        site, table, key = str(getattr(row, "site_id", "")), str(row.__tablename__), row_key(row)
        citizen = str(getattr(row, "citizen_id", ""))
        if isinstance(row, CITIZEN_ROWS) and site not in scoped[citizen]:
            continue  # the site does not hold this citizen
        if (site, table, key) not in sent:
            entries.append((site, table, key, UPSERT))
    entries += [(old, str(r.__tablename__), row_key(r), DELETE) for r, old in moved]
    entries += [(site, "citizen", citizen, EVICT) for citizen, site in left]
    return append_bulk(session, entries, now=now)
