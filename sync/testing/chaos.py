"""A chaos world for reliability tests and the chaos bench: one central (SQLite copied from
a migrated template), its app in process, kiosks with their own clocks and fault plans, and
the invariants: nothing lost, nothing duplicated, every kiosk equal to its site's projection."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from models import (
    EVENT_TABLES,
    ChangeFeed,
    Citizen,
    Device,
    Enrolment,
    Group,
    GroupSession,
    LocalRejection,
    Outbox,
)
from models.config import Settings
from models.db import make_engine, read_session, write_session
from models.ids import new_id
from models.migrate import upgrade
from models.timeutil import frozen_clock
from sync.adopt import adopt_outbox
from sync.catalogue import seed_catalogue
from sync.changes import DELETE, publish, sites_for_row
from sync.client import SyncReport, run_sync_session
from sync.local import local_summary
from sync.outbox import init_state, record
from sync.pin_seal import key_from_token
from sync.rows import REFERENCE, encode
from sync.server import create_app
from sync.server.auth import DeviceIdentity, create_enrolment_code, enrol_device
from sync.server.feed import integrity_summary
from sync.testing.faults import AsyncFaultyTransport, ChaosFaultPlan
from sync.testing.site_convergence import site_problems
from sync.transport import DeviceCloned, RetryPolicy, SyncClient, SyncError

SITES = ("ronde", "hornslet", "ebeltoft", "kolind")
EVENT_KINDS = {str(m.__tablename__): m for m in EVENT_TABLES}  # type: ignore[attr-defined]


async def _no_sleep(_seconds: float) -> None:
    return None


FAST_RETRY = RetryPolicy(attempts=3, sleep=_no_sleep)
_TEMPLATES: dict[str, Path] = {}


def _template(role: Literal["kiosk", "central"], now: datetime) -> Path:
    """A migrated database file per role (central with the catalogue), made once per process."""
    if role not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="mestring-chaos-"))
        path = folder / f"{role}.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine, role)
        if role == "central":
            seed_catalogue(engine, now=now)
        engine.dispose()
        _TEMPLATES[role] = path
    return _TEMPLATES[role]


def fresh_sqlite(role: Literal["kiosk", "central"], path: Path, now: datetime) -> Engine:
    shutil.copyfile(_template(role, now), path)
    return make_engine(f"sqlite:///{path}")


def copy_sqlite(engine: Engine, target: Path) -> Path:
    """A consistent copy of ``engine``'s SQLite database at ``target`` (WAL included), as a
    disk image would hold it; returns ``target``."""
    with sqlite3.connect(str(engine.url.database)) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    return target


def _get(session: Any, model: type[Group], row_id: str) -> Group:
    row: Group | None = session.get(model, row_id)
    if row is None:
        raise LookupError(f"no {model.__name__} {row_id}")
    return row


@dataclass
class ChaosKiosk:
    name: str
    engine: Engine
    device_id: str
    site_id: str
    token: str
    skew: timedelta = timedelta(0)
    faults: ChaosFaultPlan | None = None
    confirmed: set[tuple[str, str]] = field(default_factory=set)  # (kind, id) committed here
    transport: AsyncFaultyTransport | None = None
    #: A disk image of this kiosk (``take_image``) and what it held when taken.
    image: Path | None = None
    image_confirmed: set[tuple[str, str]] = field(default_factory=set)
    #: Rows central confirmed before the disk was replaced by an older image: they must be
    #: at central, though the kiosk no longer holds them.
    central_only: set[tuple[str, str]] = field(default_factory=set)
    #: Rows written after the image and lost with the disk before any push (not the
    #: system's loss: the disk is gone).
    disk_lost: int = 0


@dataclass
class Verdict:
    lost: int = 0
    duplicates: int = 0
    diverged: int = 0
    rejected: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.lost == self.duplicates == self.diverged == 0


class ChaosWorld:
    """Central and kiosks in one process; ``now`` is central's (frozen) clock."""

    def __init__(self, home: Path, now: datetime, central: Engine | None = None) -> None:
        self.home, self.now = home, now
        home.mkdir(parents=True, exist_ok=True)
        self.central = central or fresh_sqlite("central", home / "central.db", now)
        self.kiosks: list[ChaosKiosk] = []
        self.restart_server()

    def restart_server(self) -> None:
        app = create_app(Settings(home=self.home), engine=self.central, now=frozen_clock(self.now))
        self.transport: httpx.AsyncBaseTransport = httpx.ASGITransport(app=app)

    def add_kiosk(self, site_id: str, *, skew: timedelta = timedelta(0)) -> ChaosKiosk:
        code = create_enrolment_code(self.central, site_id=site_id, now=self.now)
        device, token = enrol_device(self.central, code=code, name="", now=self.now)
        return self.attach_kiosk(site_id, device.id, token, skew=skew)

    def attach_kiosk(
        self, site_id: str, device_id: str, token: str, *, skew: timedelta = timedelta(0)
    ) -> ChaosKiosk:
        """A fresh kiosk database for an enrolled device."""
        name = f"k{len(self.kiosks)}"
        engine = fresh_sqlite("kiosk", self.home / f"{name}.db", self.now)
        with write_session(engine) as session:
            init_state(session, device_id=device_id, site_id=site_id, server_url="http://central")
        kiosk = ChaosKiosk(name, engine, device_id, site_id, token, skew=skew)
        self.kiosks.append(kiosk)
        return kiosk

    def client(self, kiosk: ChaosKiosk) -> SyncClient:
        inner = self.transport
        if kiosk.faults is not None:
            if kiosk.transport is None or kiosk.transport.inner is not inner:
                kiosk.transport = AsyncFaultyTransport(inner, kiosk.faults)
            inner = kiosk.transport
        return SyncClient("http://central", kiosk.token, transport=inner, retry=FAST_RETRY)

    async def sync(self, kiosk: ChaosKiosk) -> SyncReport:
        client = self.client(kiosk)
        try:
            return await run_sync_session(
                kiosk.engine,
                client,
                now=frozen_clock(self.now + kiosk.skew),
                max_clock_skew_s=10**9,
            )
        finally:
            await client.aclose()

    def try_sync(self, kiosk: ChaosKiosk) -> SyncReport | None:
        """One session; ``None`` when the faults made it give up (it is simply retried later)."""
        try:
            return asyncio.run(self.sync(kiosk))
        except SyncError:
            return None

    def quiesce(self, rounds: int = 8) -> None:
        """Faults off; sync every kiosk until a whole round leaves central's feed unchanged
        (then every kiosk has pulled the final feed and pushed its whole outbox)."""
        for kiosk in self.kiosks:
            kiosk.faults, kiosk.transport = None, None
        for _round in range(rounds):
            head = self.feed_head()
            for kiosk in self.kiosks:
                try:
                    asyncio.run(self.sync(kiosk))
                except DeviceCloned:
                    self.re_enrol_cloned()  # the administrator's answer to the alarm
                    asyncio.run(self.sync(kiosk))
            if self.feed_head() == head:
                return
        raise AssertionError("the kiosks did not settle")

    def feed_head(self) -> int:
        with read_session(self.central) as session:
            return int(session.execute(select(func.max(ChangeFeed.seq))).scalar() or 0)

    # --- local writes (each one kiosk transaction; ``confirmed`` once it committed) ---

    def write(self, kiosk: ChaosKiosk, rows: Sequence[SQLModel]) -> None:
        with write_session(kiosk.engine) as session:
            record(session, rows, now=self.now + kiosk.skew)
        for row in rows:
            kiosk.confirmed.add((str(row.__tablename__), str(row.id)))  # type: ignore[attr-defined]

    def local_ids(self, kiosk: ChaosKiosk, model: type[SQLModel]) -> list[str]:
        table = model.__table__  # type: ignore[attr-defined]
        with read_session(kiosk.engine) as session:
            return sorted(session.execute(select(table.c.id)).scalars())

    # --- central reference changes ---

    def add_group(self, site_id: str, citizens: int = 1) -> tuple[str, list[str]]:
        """A group at ``site_id`` with one session and ``citizens`` new enrolled citizens."""
        group = Group(
            id=new_id(),
            site_id=site_id,
            offer_id="gruppeforloeb",
            title="Stress og trivsel",
            code=f"G-{new_id()[-6:]}",
            starts_on=date(2026, 9, 1),
        )
        with write_session(self.central) as session:
            publish(session, [group], now=self.now)
            self._add_session(session, group)
            ids = []
            for i in range(citizens):
                citizen = Citizen(id=new_id(), display_name=f"Borger {i}", birth_year=1970 + i)
                session.add(citizen)
                session.flush()
                ids.append(citizen.id)
                publish(session, [self._enrolment(group, citizen.id)], now=self.now)
        return group.id, ids

    def _enrolment(self, group: Group, citizen_id: str) -> Enrolment:
        return Enrolment(
            id=new_id(),
            group_id=group.id,
            citizen_id=citizen_id,
            site_id=group.site_id,
            starts_on=date(2026, 9, 1),
        )

    def _add_session(self, session: Any, group: Group) -> None:
        start = self.now + timedelta(hours=1)
        row = GroupSession(
            id=new_id(),
            group_id=group.id,
            site_id=group.site_id,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        publish(session, [row], now=self.now)

    def add_session(self, group_id: str) -> None:
        with write_session(self.central) as session:
            self._add_session(session, _get(session, Group, group_id))

    def rename_group(self, group_id: str, title: str) -> None:
        with write_session(self.central) as session:
            group = _get(session, Group, group_id)
            group.title = title
            publish(session, [group], now=self.now)

    def delete_row(self, model: type[SQLModel], row_id: str) -> None:
        with write_session(self.central) as session:
            row = session.get(model, row_id)
            if row is None:
                return
            sites = sites_for_row(session, row)
            session.delete(row)
            session.flush()
            publish(session, [row], now=self.now, op=DELETE, sites=sites)

    def enrol(self, citizen_id: str, group_id: str) -> str:
        """Enrol an existing citizen in a group (possibly at another site): they move."""
        with write_session(self.central) as session:
            enrolment = self._enrolment(_get(session, Group, group_id), citizen_id)
            publish(session, [enrolment], now=self.now)
            return enrolment.id

    def central_ids(self, model: type[SQLModel]) -> list[str]:
        table = model.__table__  # type: ignore[attr-defined]
        with read_session(self.central) as session:
            return sorted(session.execute(select(table.c.id)).scalars())

    # --- invariants ---

    def verdict(self) -> Verdict:
        verdict = Verdict()
        held = self._central_events()
        for kiosk in self.kiosks:
            self._check_kiosk(kiosk, held, verdict)
        for kiosk in self.kiosks:
            for key in sorted(kiosk.central_only - held.keys()):
                verdict.lost += 1
                verdict.details.append(f"{kiosk.name}: {key} (before a restore) not at central")
        for (kind, row_id), count in held.items():
            origin = [k for k in self.kiosks if (kind, row_id) in k.confirmed | k.central_only]
            if count > 1 or not origin:
                verdict.duplicates += count if not origin else count - 1
                verdict.details.append(f"{kind} {row_id} held {count}x, from {len(origin)}")
        # Several devices per site: each holds what central holds for its site, nothing else.
        problems = site_problems(self.central, self.kiosks)
        verdict.diverged += len(problems)
        verdict.details.extend(problems)
        return verdict

    def _central_events(self) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        with read_session(self.central) as session:
            for kind, model in EVENT_KINDS.items():
                table = model.__table__  # type: ignore[attr-defined]
                query = select(table.c.id, func.count()).group_by(table.c.id)
                for row_id, count in session.execute(query):
                    counts[(kind, row_id)] = int(count)
        return counts

    def _check_kiosk(
        self, kiosk: ChaosKiosk, held: dict[tuple[str, str], int], verdict: Verdict
    ) -> None:
        with read_session(kiosk.engine) as session:
            rejected = set(session.execute(select(LocalRejection.__table__.c.row_id)).scalars())  # type: ignore[attr-defined]
            waiting = session.execute(select(func.count()).select_from(Outbox)).scalar_one()
            local = {
                (kind, row_id)
                for kind, model in EVENT_KINDS.items()
                for row_id in session.execute(select(model.__table__.c.id)).scalars()  # type: ignore[attr-defined]
            }
        for key in sorted(kiosk.confirmed):
            if key not in local:
                verdict.lost += 1
                verdict.details.append(f"{kiosk.name}: confirmed {key} gone from the kiosk")
            elif key[1] in rejected:
                verdict.rejected += 1
            elif key not in held:
                verdict.lost += 1
                verdict.details.append(f"{kiosk.name}: {key} never reached central")
        if waiting:
            verdict.diverged += 1
            verdict.details.append(f"{kiosk.name}: {waiting} outbox entries left")
        # As central sees the device: its staff rows sealed with the device's PIN key.
        seal_key = key_from_token(kiosk.token)
        identity = DeviceIdentity(
            device_id=kiosk.device_id, site_id=kiosk.site_id, pin_key=seal_key
        )
        central = integrity_summary(self.central, identity).tables
        mine = local_summary(kiosk.engine)
        different = [t for t in REFERENCE if central[t] != mine[t]]
        if different:
            verdict.diverged += 1
            verdict.details.append(f"{kiosk.name}: differs from central in {different}")

    # --- disks: images, restores and clones ---

    def take_image(self, kiosk: ChaosKiosk) -> None:
        """Copy the kiosk's database as a disk image would (consistent, WAL included)."""
        kiosk.image = self.home / f"{kiosk.name}-image-{len(kiosk.image_confirmed)}.db"
        kiosk.image.unlink(missing_ok=True)
        copy_sqlite(kiosk.engine, kiosk.image)
        kiosk.image_confirmed = set(kiosk.confirmed)

    def restore_image(self, kiosk: ChaosKiosk) -> None:
        """Replace the kiosk's disk by its image: what it wrote since is gone locally."""
        assert kiosk.image is not None
        held = self._central_events()
        since = kiosk.confirmed - kiosk.image_confirmed
        kiosk.central_only |= {key for key in since if key in held}
        kiosk.disk_lost += sum(1 for key in since if key not in held)
        path = Path(str(kiosk.engine.url.database))
        kiosk.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(kiosk.image, path)
        kiosk.engine = make_engine(f"sqlite:///{path}")
        kiosk.confirmed = set(kiosk.image_confirmed)
        kiosk.transport = None

    def clone(self, kiosk: ChaosKiosk) -> ChaosKiosk:
        """A second machine made from the kiosk's disk, with the same credential."""
        name = f"k{len(self.kiosks)}"
        path = self.home / f"{name}.db"
        copy_sqlite(kiosk.engine, path)
        twin = ChaosKiosk(name, make_engine(f"sqlite:///{path}"), kiosk.device_id,
                          kiosk.site_id, kiosk.token, skew=kiosk.skew)  # fmt: skip
        twin.confirmed = set(kiosk.confirmed)
        self.kiosks.append(twin)
        return twin

    def re_enrol_cloned(self) -> int:
        """What the administrator does after a clone alarm: enrol each machine anew (its
        waiting rows move to the new identity). Returns how many kiosks were enrolled."""
        with read_session(self.central) as session:
            cloned = {
                d.id for d in session.execute(select(Device)).scalars() if d.cloned_at is not None
            }
        moved = 0
        for kiosk in self.kiosks:
            if kiosk.device_id not in cloned:
                continue
            code = create_enrolment_code(self.central, site_id=kiosk.site_id, now=self.now)
            device, token = enrol_device(self.central, code=code, name="", now=self.now)
            with write_session(kiosk.engine) as session:
                kept = adopt_outbox(session, device_id=device.id, site_id=kiosk.site_id)
                state = init_state(session, device_id=device.id, site_id=kiosk.site_id)
                state.next_seq, state.cursor, state.epoch = kept + 1, 0, ""
            kiosk.device_id, kiosk.token, kiosk.transport = device.id, token, None
            moved += 1
        return moved

    def kiosk_rows(self, kiosk: ChaosKiosk, table_name: str) -> list[dict[str, Any]]:
        table = REFERENCE[table_name]
        with read_session(kiosk.engine) as session:
            return [encode(table, r) for r in session.execute(select(table)).mappings()]

    def close(self) -> None:
        for kiosk in self.kiosks:
            kiosk.engine.dispose()
        self.central.dispose()
