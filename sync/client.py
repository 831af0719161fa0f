"""One sync session for a kiosk: push until the outbox is empty, pull until up to date,
verify with the integrity summary; resync from a snapshot on 410 or a mismatch."""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from models.config import Settings
from models.db import read_session
from models.ids import now_ms
from models.kiosk_state import Outbox
from models.timeutil import Clock, utcnow
from sync.apply import apply_page, swap_in_tables
from sync.crashpoints import crash_point, declare
from sync.local import (
    acked_own_seq,
    acknowledge,
    ensure_lineage,
    local_summary,
    next_batch,
    record_outcome,
)
from sync.outbox import load_state
from sync.own_rows import confirm, unconfirmed_rows
from sync.protocol import (
    MAX_PUSH_MUTATIONS,
    PULL_PAGE_SIZE,
    SITE_EVENT_TABLES,
    SNAPSHOT_PAGE_SIZE,
    VERIFY_CHUNK,
    PullPage,
)
from sync.requeue import rebase, requeue_from, requeue_own_rows, requeue_rows
from sync.retention import purge_kiosk
from sync.rows import REFERENCE, WireRow
from sync.transport import (
    ClockSkew,
    PayloadTooLarge,
    ResyncRequired,
    SeqGap,
    SeqRewound,
    SyncClient,
    SyncError,
)


@dataclass(frozen=True)
class Progress:
    phase: str  # push | pull | resync | verify | done
    done: int
    message: str = ""


ProgressFn = Callable[[Progress], None]

PUSH_ANSWERED = declare("kiosk.push.answered", "central committed a batch; outbox not yet trimmed")
PUSH_ACKNOWLEDGED = declare("kiosk.push.acknowledged", "acknowledged outbox entries deleted")
PULL_RECEIVED = declare("kiosk.pull.received", "a page arrived; not yet applied")
PULL_APPLIED = declare("kiosk.pull.applied", "a page, its cursor and clock committed")
RESYNC_DOWNLOADED = declare("kiosk.resync.downloaded", "snapshot in memory; not yet swapped")
RESYNC_SWAPPED = declare("kiosk.resync.swapped", "snapshot swapped in with its cursor")
BATCH_READ = declare("kiosk.push.batch_read", "a batch read from the outbox; not yet sent")
REQUEUED = declare("kiosk.requeue.committed", "own rows queued again after a 409; not yet sent")
REPAIR_DOWNLOADED = declare("kiosk.repair.downloaded", "mismatching tables in memory; not swapped")
REPAIR_SWAPPED = declare("kiosk.repair.swapped", "mismatching tables swapped in")
FINISHED = declare("kiosk.session.finished", "a good sync recorded; the session not yet closed")


@dataclass
class SyncReport:
    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    full_resync: bool = False
    resynced_tables: list[str] = field(default_factory=list)
    clock_offset_ms: int = 0
    rebased: bool = False  # central found this kiosk rewound; its outbox was re-based
    requeued: int = 0  # own rows central lacked, queued again by the verification


@contextmanager
def session_lock(path: Path | None) -> Iterator[None]:
    """One sync session per device at a time (an advisory file lock next to the data)."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise SyncError("another sync session is already running on this kiosk") from err
        yield
    finally:
        os.close(handle)


class _Session:
    def __init__(
        self,
        engine: Engine,
        client: SyncClient,
        now: Clock,
        progress: ProgressFn | None,
    ) -> None:
        self.engine, self.client, self.now = engine, client, now
        self.progress = progress or (lambda _p: None)
        self.report = SyncReport()
        #: The last own seq this disk holds as acknowledged (sent with each pull, so central
        #: knows whether it holds every event made under its credential).
        self.acked = -1
        self.matched: tuple[int, str] | None = None  # central's (cursor, epoch) last matched

    def cursor_and_epoch(self) -> tuple[int, str]:
        with read_session(self.engine) as session:
            state = load_state(session)
            return state.cursor, state.epoch

    async def report_waiting(self) -> None:
        """Tell central (a header on the following requests) how many rows still wait."""
        self.client.report_waiting(await asyncio.to_thread(outbox_size, self.engine))

    async def push_all(self) -> None:
        limit = MAX_PUSH_MUTATIONS
        await asyncio.to_thread(ensure_lineage, self.engine)
        while True:
            await self.report_waiting()
            batch = await asyncio.to_thread(next_batch, self.engine, limit)
            if batch is None:
                return
            crash_point(BATCH_READ)
            try:
                result = await self.client.push(batch)
            except PayloadTooLarge:
                if limit == 1:
                    raise
                limit = max(1, limit // 2)
                continue
            except SeqRewound as rewound:
                # Central acknowledged these seqs for rows it never saw from us: this disk
                # is older than what central holds (restored from an image). Renumber every
                # own row after central's last seq on a new lineage; central skips known ids.
                await asyncio.to_thread(
                    rebase,
                    self.engine,
                    rewound.expected_seq,
                    onto=rewound.lineage,
                    now=self.now(),
                )
                self.report.rebased = True
                crash_point(REQUEUED)
                continue
            except SeqGap as gap:
                # Central lost entries we no longer hold (restored from backup): queue our
                # local copies again; central de-duplicates them by id.
                await asyncio.to_thread(requeue_from, self.engine, gap.expected_seq, now=self.now())
                crash_point(REQUEUED)
                continue
            crash_point(PUSH_ANSWERED)  # central committed; the ack is not yet local
            await asyncio.to_thread(
                acknowledge,
                self.engine,
                result.acked_through,
                result.rejections,
                now=self.now(),
                adjusted=result.adjusted,
            )
            crash_point(PUSH_ACKNOWLEDGED)
            self.report.pushed += len(batch.mutations)
            self.report.rejected += sum(1 for r in result.rejections if r.seq >= batch.first_seq)
            self.progress(Progress("push", self.report.pushed))

    async def pull_all(self) -> None:
        if self.report.rebased and not self.report.full_resync:
            # Restored from an older image: the feed does not send a device its own events,
            # so the ones this disk lost come back with a snapshot of the site's rows.
            await self.full_resync()
            return
        for _attempt in range(3):
            try:
                await self._pull_pages()
                return
            except ResyncRequired:
                await self.push_all()
                await self.full_resync()
        raise SyncError("the server keeps asking for a resync; try again later")

    async def _pull_pages(self) -> None:
        """Pull until up to date. The next page is requested as soon as a page arrives, so
        the server builds it while this one is applied; pages still apply strictly in order,
        each with its cursor in one transaction."""
        cursor, epoch = self.cursor_and_epoch()
        self.acked = await asyncio.to_thread(acked_own_seq, self.engine)
        fetch = asyncio.ensure_future(self._fetch(cursor, epoch))
        try:
            while True:
                page = await fetch
                crash_point(PULL_RECEIVED)
                if page.more:
                    fetch = asyncio.ensure_future(self._fetch(page.cursor, page.epoch))
                await asyncio.to_thread(apply_page, self.engine, page, now_ms=now_ms())
                crash_point(PULL_APPLIED)
                self.report.pulled += len(page.changes)
                self.progress(Progress("pull", self.report.pulled))
                if not page.more:
                    return
        finally:
            fetch.cancel()  # a prefetched page not applied is simply asked for again

    async def _fetch(self, cursor: int, epoch: str) -> PullPage:
        return await self.client.pull(
            cursor=cursor, epoch=epoch, limit=PULL_PAGE_SIZE, acked=self.acked
        )

    async def download(self, tables: list[str]) -> tuple[dict[str, list[WireRow]], int, str]:
        """Every row of ``tables`` the site holds; the cursor is the oldest page's."""
        snapshot: dict[str, list[WireRow]] = {}
        cursor, epoch = -1, ""
        for name in tables:
            rows: list[WireRow] = []
            after: str | None = None
            while True:
                page = await self.client.snapshot(name, after=after, limit=SNAPSHOT_PAGE_SIZE)
                if cursor < 0:
                    cursor, epoch = page.cursor, page.epoch
                if page.epoch != epoch:
                    raise ResyncRequired("the server's epoch changed during the snapshot")
                rows.extend(page.rows)
                after = page.next_after
                if after is None:
                    break
            snapshot[name] = rows
            self.progress(Progress("resync", sum(len(r) for r in snapshot.values()), name))
        return snapshot, max(cursor, 0), epoch

    async def full_resync(self) -> None:
        _cursor, old_epoch = self.cursor_and_epoch()
        snapshot, cursor, epoch = await self.download([*REFERENCE, *SITE_EVENT_TABLES])
        crash_point(RESYNC_DOWNLOADED)
        if old_epoch and epoch != old_epoch:
            # Central was restored from a backup: it may have lost rows it had acknowledged
            # (the outbox no longer holds them). Queue every own row again before taking the
            # new epoch; central skips ids it still has. A crash here repeats this next time.
            await asyncio.to_thread(requeue_own_rows, self.engine, now=self.now())
            crash_point(REQUEUED)
            await self.push_all()
        await asyncio.to_thread(swap_in_tables, self.engine, snapshot, cursor=cursor, epoch=epoch)
        crash_point(RESYNC_SWAPPED)
        self.report.full_resync = True

    async def confirm_own_rows(self) -> int:
        """Ask central which own events it lacks; queue those again. Returns how many."""
        pending = await asyncio.to_thread(unconfirmed_rows, self.engine)
        missing: dict[str, list[str]] = {}
        for table, ids in pending.ids.items():
            for start in range(0, len(ids), VERIFY_CHUNK):
                answer = await self.client.verify({table: ids[start : start + VERIFY_CHUNK]})
                for name, lacking in answer.missing.items():
                    missing.setdefault(name, []).extend(lacking)
        if missing:
            return await asyncio.to_thread(requeue_rows, self.engine, missing, now=self.now())
        await asyncio.to_thread(confirm, self.engine, pending.marks)
        return 0

    async def verify(self) -> list[str]:
        """Compare per-table count + hash; resync mismatching tables. Returns what still differs."""
        mismatched: list[str] = []
        self.matched = None
        for _attempt in range(3):
            server = await self.client.integrity()
            cursor, epoch = self.cursor_and_epoch()
            if server.epoch != epoch or server.cursor > cursor:
                await self.pull_all()
                continue
            local = await asyncio.to_thread(local_summary, self.engine)
            mismatched = [t for t, s in server.tables.items() if local.get(t) != s]
            self.progress(Progress("verify", len(mismatched)))
            if not mismatched:
                self.matched = (server.cursor, server.epoch)
                return []
            snapshot, _cursor, _epoch = await self.download(mismatched)
            crash_point(REPAIR_DOWNLOADED)
            await asyncio.to_thread(swap_in_tables, self.engine, snapshot)
            crash_point(REPAIR_SWAPPED)
            self.report.resynced_tables.extend(mismatched)
        return mismatched

    async def report_verified(self) -> None:
        """Tell central the integrity check matched (best effort: the data is synced either
        way, so a failed report never fails the session)."""
        if self.matched is None:
            return
        cursor, epoch = self.matched
        await self.report_waiting()
        with suppress(SyncError):
            await self.client.verified(cursor=cursor, epoch=epoch)


def outbox_size(engine: Engine) -> int:
    """Rows waiting in the outbox."""
    with read_session(engine) as session:
        return int(session.execute(select(func.count()).select_from(Outbox)).scalar_one())


async def run_sync_session(
    engine: Engine,
    client: SyncClient,
    *,
    now: Clock = utcnow,
    progress: ProgressFn | None = None,
    lock_path: Path | None = None,
    max_clock_skew_s: int = 300,
    retention: Settings | None = None,
) -> SyncReport:
    """Push, pull, verify; raises ``SyncError`` (with an operator message) unless fully synced.

    The outcome (last good sync or last error) is recorded in the kiosk database. With
    ``retention`` settings, confirmed local events past their window are then purged.
    """
    session = _Session(engine, client, now, progress)
    try:
        with session_lock(lock_path):
            missing = 0
            for _round in range(3):
                await session.push_all()
                await session.pull_all()
                still_different = await session.verify()
                missing = await session.confirm_own_rows()
                session.report.requeued += missing
                if await asyncio.to_thread(next_batch, engine, 1) is None:
                    break
            else:
                if missing:
                    raise SyncError(f"{missing} of this kiosk's rows are still missing at central")
                raise SyncError("new local changes kept arriving; sync again")
            if still_different:
                raise SyncError(f"integrity check still differs for {', '.join(still_different)}")
            await session.report_verified()
            _check_clock(client, max_clock_skew_s)
    except SyncError as err:
        await asyncio.to_thread(record_outcome, engine, ok=False, error=str(err), now=now())
        raise
    session.report.clock_offset_ms = client.clock_offset_ms or 0
    await asyncio.to_thread(record_outcome, engine, ok=True, error="", now=now())
    if retention is not None:
        await asyncio.to_thread(purge_kiosk, engine, retention, now())
    crash_point(FINISHED)
    session.progress(Progress("done", session.report.pushed))
    return session.report


def _check_clock(client: SyncClient, max_skew_s: int) -> None:
    offset = client.clock_offset_ms
    if offset is not None and abs(offset) > max_skew_s * 1000:
        direction = "behind" if offset > 0 else "ahead of"
        minutes = abs(offset) // 60_000
        raise ClockSkew(
            f"the kiosk clock is {minutes} min {direction} the server; data was synced, "
            "but correct the kiosk's time"
        )
