"""Bulk companion to ``sync.changes`` for large central writes (imports of 100,000 rows).

``append`` adds one ORM object per feed entry; for an import that touches tens of thousands
of rows that dominates the run time. ``append_bulk`` reserves the same gap-free sequence
numbers under the same ``FeedCounter`` row lock and inserts the entries in one executemany.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, SQLModel, col, select

from models import Appointment, ChangeFeed, CheckIn, Citizen, Course, Enrolment, SiteScope
from sync.changes import DELETE, EVICT, UPSERT, VISIT_SCOPE_DAYS, next_feed_seqs, row_key

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
                col(CheckIn.citizen_id).in_(chunk), col(CheckIn.created_at) >= recent
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


def publish_bulk(
    session: Session,
    rows: Sequence[SQLModel],
    *,
    now: datetime,
    moved: Sequence[tuple[SQLModel, str]] = (),
) -> int:
    """``publish`` for many site-bound rows at once (imports of groups, sessions,
    enrolments, courses, appointments); returns the number of feed entries.

    Same ordering guarantees as ``publish``: a citizen entering a site is published there
    before the rows that refer to them; a row that ``moved`` away from a site gets its
    tombstone there before the citizen's evict.
    """
    session.add_all(rows)
    session.flush()
    citizens = sorted({str(c) for r in rows if (c := getattr(r, "citizen_id", None))})
    entered, left = refresh_scopes_bulk(session, citizens, now=now)
    entries = [(site, "citizen", citizen, UPSERT) for citizen, site in entered]
    entries += [
        (str(getattr(r, "site_id", "")), str(r.__tablename__), row_key(r), UPSERT) for r in rows
    ]
    entries += [(old, str(r.__tablename__), row_key(r), DELETE) for r, old in moved]
    entries += [(site, "citizen", citizen, EVICT) for citizen, site in left]
    return append_bulk(session, entries, now=now)
