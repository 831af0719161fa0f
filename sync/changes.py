"""Central write path for reference data: every change lands in the per-site change feed.

Call ``publish`` in the same transaction as the reference rows it describes. Feed sequence
numbers come from ``FeedCounter`` under its row lock, held until commit, so the order in
which transactions commit is the order of their sequence numbers (cursor order).

Citizens are replicated by scope: a citizen is in a site's scope while they have an active
enrolment, course or upcoming/recent appointment there, or checked in there recently.
``refresh_scope`` recomputes that, publishes the citizen to sites they enter (before any row
that refers to them) and an ``evict`` to sites they leave.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, inspect, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from models import (
    Appointment,
    ChangeFeed,
    CheckIn,
    Citizen,
    Course,
    Enrolment,
    FeedCounter,
    Offer,
    Questionnaire,
    QuestionnaireQuestion,
    Site,
    SiteOffer,
    SiteScope,
    Staff,
    StaffSiteRole,
    Topic,
)
from models.events import CheckInAction
from sync.crashpoints import crash_point, declare

#: How long a visit (or a past appointment) keeps a citizen in a site's scope.
VISIT_SCOPE_DAYS = 30
UPSERT, DELETE, EVICT = "upsert", "delete", "evict"
#: Site rows that belong to one citizen: replicated only where the citizen is in scope.
CITIZEN_ROWS = (Enrolment, Course, Appointment)


def next_feed_seqs(session: Session, count: int) -> range:
    """Reserve ``count`` feed sequence numbers; the counter's row lock is held until commit.

    One ``UPDATE … RETURNING`` on the single counter row: on PostgreSQL a second writer's
    UPDATE waits for the first one's commit and then continues from its value, so numbers
    never collide, and none is handed out while a smaller one is still uncommitted (a pull
    can never pass over an entry that becomes visible later). On SQLite the write lock taken
    at BEGIN does the same. The row is created on first use, race-free (``ensure_feed_counter``).
    """
    reserve = (
        update(FeedCounter)
        .where(col(FeedCounter.id) == 1)
        .values(value=col(FeedCounter.value) + count)
        .returning(col(FeedCounter.value))
    )
    end = session.execute(reserve).scalar_one_or_none()
    if end is None:
        ensure_feed_counter(session)
        end = session.execute(reserve).scalar_one()
    return range(int(end) - count + 1, int(end) + 1)


def ensure_feed_counter(session: Session) -> None:
    """Create the counter row unless it exists (two processes may try at once: the second
    insert is a no-op, never a unique-key error)."""
    dialect = session.get_bind().dialect.name
    table = FeedCounter.__table__  # type: ignore[attr-defined]
    if dialect == "postgresql":
        statement: Any = pg_insert(table).on_conflict_do_nothing(index_elements=["id"])
    elif dialect == "sqlite":
        statement = sqlite_insert(table).on_conflict_do_nothing(index_elements=["id"])
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"unsupported database {dialect}")
    session.execute(statement.values(id=1, value=0))


def hold_feed_lock(session: Session) -> None:
    """Take the feed counter's row lock now, before reading what the change depends on.

    For a change whose rows depend on what a concurrent writer may be inserting (a citizen's
    scope): waiting here first means the reads below see that writer's committed rows, so
    two PostgreSQL transactions neither insert the same scope row (a unique-key error) nor
    deadlock (one holding the counter and waiting for the other's scope row). SQLite needs
    nothing: its write lock, taken at BEGIN, already serialises writers.
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    locked = select(FeedCounter.value).where(FeedCounter.id == 1).with_for_update()
    if session.exec(locked).first() is None:
        ensure_feed_counter(session)
        session.exec(locked).one()


def row_key(row: SQLModel) -> str:
    """The feed's id for a row: its primary key, composite keys joined with '|'."""
    mapper = inspect(type(row))
    return "|".join(str(getattr(row, c.key)) for c in mapper.primary_key)


def all_site_ids(session: Session) -> list[str]:
    return list(session.exec(select(Site.id)).all())


def sites_for_row(session: Session, row: SQLModel) -> set[str]:
    """The sites whose kiosks hold ``row``."""
    if isinstance(row, Site | Offer | Topic | Questionnaire | QuestionnaireQuestion):
        return set(all_site_ids(session))
    if isinstance(row, SiteOffer | StaffSiteRole):
        return {row.site_id}
    if isinstance(row, Staff):
        roles = session.exec(select(StaffSiteRole.site_id).where(StaffSiteRole.staff_id == row.id))
        return set(roles.all())
    if isinstance(row, Citizen):
        return scoped_sites(session, row.id)
    site_id = getattr(row, "site_id", None)
    if site_id is None:
        raise ValueError(f"no site rule for {type(row).__name__}")
    if isinstance(row, CITIZEN_ROWS):
        # A site holds a citizen's rows only while it holds the citizen.
        return {str(site_id)} & scoped_sites(session, row.citizen_id)
    return {str(site_id)}


def scoped_sites(session: Session, citizen_id: str) -> set[str]:
    """The sites whose scope holds ``citizen_id``."""
    scopes = session.exec(select(SiteScope.site_id).where(SiteScope.citizen_id == citizen_id))
    return set(scopes.all())


def citizen_site_rows(session: Session, citizen_id: str, site_id: str) -> list[SQLModel]:
    """A citizen's enrolments, courses and appointments at one site (backfilled on entry)."""
    rows: list[SQLModel] = []
    for model in CITIZEN_ROWS:
        query = select(model).where(model.citizen_id == citizen_id, model.site_id == site_id)
        rows.extend(session.exec(query).all())
    return rows


def append(
    session: Session, entries: Iterable[tuple[str, str, str, str]], *, now: datetime
) -> None:
    """Append feed entries ``(site_id, table_name, row_id, op)`` in the given order."""
    entries = list(entries)
    if not entries:
        return
    seqs = next_feed_seqs(session, len(entries))
    # One executemany (no unit of work): a push of 500 events appends 500 entries here.
    session.execute(
        insert(ChangeFeed.__table__),  # type: ignore[attr-defined]
        [
            {
                "seq": seq,
                "site_id": site_id,
                "table_name": table,
                "row_id": row_id,
                "op": op,
                "changed_at": now,
            }
            for seq, (site_id, table, row_id, op) in zip(seqs, entries, strict=True)
        ],
    )
    crash_point(FEED_APPENDED)


SCOPE_REFRESHED = declare("server.scope.refreshed", "a citizen's scope changed; not committed")
FEED_APPENDED = declare("server.feed.appended", "feed entries added; not committed")


def publish(
    session: Session,
    rows: Iterable[SQLModel],
    *,
    now: datetime,
    op: str = UPSERT,
    sites: set[str] | None = None,
) -> None:
    """Record that ``rows`` were upserted (or deleted) for every site that holds them.

    For rows that refer to a citizen, the citizen's scope is refreshed: before an upsert,
    so a site that newly holds the row receives the citizen first; after a delete, so the
    row's tombstone precedes the citizen's evict. Pass ``sites`` to record a delete
    for the sites that held a row before it changed (a row moved between sites).
    """
    rows = list(rows)
    citizens = list(dict.fromkeys(c for c in map(_citizen_of, rows) if c is not None))
    backfilled: dict[str, set[str]] = {}
    if op == UPSERT:
        session.add_all(rows)
        session.flush()
        # Each citizen's scope once, after every row is in place: entering a site sends
        # the citizen and backfills their rows there (this batch's included).
        for citizen_id in citizens:
            backfilled[citizen_id], _left = refresh_scope(session, citizen_id, now=now)
    entries: list[tuple[str, str, str, str]] = []
    for row in rows:
        targets = sites if sites is not None else sites_for_row(session, row)
        owner = _citizen_of(row)
        if owner is not None:
            targets = targets - backfilled.get(owner, set())
        table = str(row.__tablename__)
        entries += [(site, table, row_key(row), op) for site in sorted(targets)]
    append(session, entries, now=now)
    if op != UPSERT:
        # The rows' tombstones go first, then their citizens may leave a site's scope.
        session.flush()
        for citizen_id in citizens:
            refresh_scope(session, citizen_id, now=now)


def _citizen_of(row: SQLModel) -> str | None:
    """The citizen a reference row belongs to (check-ins are events: not scoped here)."""
    citizen_id = getattr(row, "citizen_id", None)
    if citizen_id is None or isinstance(row, CheckIn):
        return None
    return str(citizen_id)


def wanted_sites(session: Session, citizen_id: str, *, now: datetime) -> set[str]:
    """The sites whose scope ``citizen_id`` belongs to right now."""
    today = now.date()
    recent = now - timedelta(days=VISIT_SCOPE_DAYS)
    wanted: set[str] = set()
    enrolments = select(Enrolment.site_id).where(
        Enrolment.citizen_id == citizen_id,
        (col(Enrolment.ends_on).is_(None)) | (col(Enrolment.ends_on) >= today),
    )
    courses = select(Course.site_id).where(
        Course.citizen_id == citizen_id,
        (col(Course.ends_on).is_(None)) | (col(Course.ends_on) >= today),
    )
    appointments = select(Appointment.site_id).where(
        Appointment.citizen_id == citizen_id, col(Appointment.starts_at) >= recent
    )
    retracted = select(col(CheckIn.ref_id)).where(
        CheckIn.citizen_id == citizen_id, CheckIn.action == CheckInAction.RETRACTION
    )
    visits = select(CheckIn.site_id).where(
        CheckIn.citizen_id == citizen_id,
        CheckIn.action == CheckInAction.CHECK_IN,
        col(CheckIn.created_at) >= recent,
        col(CheckIn.created_at) <= now + timedelta(days=1),
        col(CheckIn.id).not_in(retracted),
    )
    for query in (enrolments, courses, appointments, visits):
        wanted.update(session.exec(query).all())
    citizen = session.get(Citizen, citizen_id)
    if citizen is not None and citizen.provisional and citizen.created_site_id:
        wanted.add(citizen.created_site_id)  # a guest stays where they were added until merged
    return wanted


def refresh_scope(session: Session, citizen_id: str, *, now: datetime) -> tuple[set[str], set[str]]:
    """Bring ``SiteScope`` for one citizen up to date; returns (entered, left) site ids.

    Entering a site publishes the citizen row there, then backfills the citizen's
    enrolments, courses and appointments at that site; leaving publishes an ``evict``
    (the kiosk deletes the citizen with those rows).
    """
    hold_feed_lock(session)  # first: another writer may be scoping the same citizen
    current = {
        s.site_id: s
        for s in session.exec(select(SiteScope).where(SiteScope.citizen_id == citizen_id)).all()
    }
    wanted = wanted_sites(session, citizen_id, now=now)
    entered, left = wanted - current.keys(), current.keys() - wanted
    for site in sorted(entered):
        session.add(SiteScope(site_id=site, citizen_id=citizen_id, since=now))
    for site in sorted(left):
        session.delete(current[site])
    session.flush()
    entries: list[tuple[str, str, str, str]] = []
    for site in sorted(entered):
        entries.append((site, "citizen", citizen_id, UPSERT))
        for row in citizen_site_rows(session, citizen_id, site):
            entries.append((site, str(row.__tablename__), row_key(row), UPSERT))
    entries += [(site, "citizen", citizen_id, EVICT) for site in sorted(left)]
    append(session, entries, now=now)
    crash_point(SCOPE_REFRESHED)
    return entered, left
