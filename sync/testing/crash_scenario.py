"""Fail at one named crash point during a scenario that passes every commit boundary, then
recover (the same steps again, unarmed) and check nothing was lost, duplicated or diverged.

The steps: enrol a kiosk over HTTP, write at two kiosks, change reference data centrally,
sync (push, pull, verify), a central restored from backup (409 and requeue, 410 and
resync from a snapshot) and a kiosk table damaged locally (integrity repair)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlmodel import SQLModel

from models import Device, GroupSession
from models.db import make_engine, write_session
from models.ids import new_id
from sync.crashpoints import InjectedCrash, armed, declared
from sync.server.feed import rotate_epoch
from sync.testing import chaos_rows
from sync.testing.chaos import ChaosKiosk, ChaosWorld, Verdict
from sync.transport import SyncClient, SyncError


def sync_points() -> list[str]:
    """Every crash point the sync path declares (kiosk and server)."""
    import sync.client  # noqa: F401 - importing declares the points
    import sync.server.app  # noqa: F401

    return sorted(n for n in declared() if n.startswith(("kiosk.", "server.")))


@dataclass
class CrashOutcome:
    point: str
    fired: bool
    verdict: Verdict


def _crashed(err: BaseException) -> bool:
    if isinstance(err, InjectedCrash):
        return True
    if isinstance(err, BaseExceptionGroup):
        return any(_crashed(e) for e in err.exceptions)
    return _crashed(err.__cause__) if err.__cause__ else False


class Scenario:
    """The steps, each safe to run again after a crash (a restart re-runs it)."""

    def __init__(self, home: Path, now: datetime) -> None:
        self.world = ChaosWorld(home, now)
        self.home = home
        self.group_id, self.citizens = self.world.add_group("hornslet", citizens=2)
        self.ronde_group, _ = self.world.add_group("ronde", citizens=1)
        self.kiosk = self.world.add_kiosk("hornslet")
        self.other: ChaosKiosk | None = None
        self.backup = home / "central-backup.db"
        self.bad_written = False
        self.kiosk_restored = False

    def steps(self) -> list[Callable[[], None]]:
        return [
            self.enrol_over_http,
            self.write_at_kiosks,
            self.write_bad_row,
            self.change_centrally,
            self.sync_all,
            self.take_kiosk_image,
            self.write_at_kiosks,
            self.sync_all,
            self.restore_kiosk_image,
            self.write_at_kiosks,
            self.sync_all,
            self.take_backup,
            self.write_at_kiosks,
            self.sync_all,
            self.restore_backup,
            self.sync_all,
            self.damage_kiosk_table,
            self.sync_all,
        ]

    def enrol_over_http(self) -> None:
        world = self.world
        code = _code(world)
        client = SyncClient("http://central", transport=world.transport)

        async def enrol() -> tuple[str, str]:
            try:
                answer = await client.enrol(code, "k-http")
                return answer.device_id, answer.token
            finally:
                await client.aclose()

        device_id, token = asyncio.run(enrol())
        self.other = world.attach_kiosk("ronde", device_id, token)

    def write_at_kiosks(self) -> None:
        now = self.world.now
        sessions = self.world.local_ids(self.kiosk, GroupSession)
        rows: list[SQLModel] = [chaos_rows.check_in(c, now) for c in self.citizens]
        if sessions:
            rows.append(chaos_rows.mark(sessions[0], self.citizens[0], "present", now))
        self.world.write(self.kiosk, rows)
        if self.other is not None:
            self.world.write(self.other, [chaos_rows.anonymous_contact(now)])

    def write_bad_row(self) -> None:
        """A check-in for a citizen central never heard of: rejected, never blocking."""
        if not self.bad_written:
            self.world.write(self.kiosk, [chaos_rows.check_in(new_id(), self.world.now)])
            self.bad_written = True

    def change_centrally(self) -> None:
        self.world.add_session(self.group_id)
        self.world.rename_group(self.group_id, "Stress og trivsel (efterår)")
        self.world.enrol(self.citizens[1], self.ronde_group)  # a citizen moves to Rønde too

    def sync_all(self) -> None:
        for kiosk in self.world.kiosks:
            asyncio.run(self.world.sync(kiosk))

    def take_kiosk_image(self) -> None:
        if self.kiosk.image is None:
            self.world.take_image(self.kiosk)

    def restore_kiosk_image(self) -> None:
        """IT operations put the kiosk's old disk image back: its counter rewinds."""
        if not self.kiosk_restored:
            self.world.restore_image(self.kiosk)
            self.kiosk_restored = True

    def take_backup(self) -> None:
        with self.world.central.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(self.home / "central.db", self.backup)

    def restore_backup(self) -> None:
        if not self.backup.exists():
            return
        self.world.central.dispose()
        for suffix in ("-wal", "-shm"):
            (self.home / f"central.db{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.backup, self.home / "central.db")
        self.backup.unlink()
        self.world.central = make_engine(f"sqlite:///{self.home / 'central.db'}")
        rotate_epoch(self.world.central)
        self.world.restart_server()

    def damage_kiosk_table(self) -> None:
        with write_session(self.kiosk.engine) as session:
            table = GroupSession.__table__  # type: ignore[attr-defined]
            session.execute(update(table).values(location="damaged"))


def _code(world: ChaosWorld) -> str:
    from sync.server.auth import create_enrolment_code

    return create_enrolment_code(world.central, site_id="ronde", now=world.now)


def run_with_crash(point: str | None, home: Path, now: datetime) -> CrashOutcome:
    """Run the scenario with ``point`` armed until it fires, then the rest unarmed."""
    scenario = Scenario(home, now)
    steps = scenario.steps()
    fired, start = False, 0
    if point is not None:
        with armed(point, all_threads=True):
            for index, step in enumerate(steps):
                start = index
                try:
                    step()
                except BaseException as err:  # noqa: BLE001 - a crash, possibly wrapped
                    if not _crashed(err):
                        raise
                    fired = True
                    break
            else:
                start = len(steps)
    for step in steps[start:]:  # the restart: the interrupted step again, then the rest
        step()
    scenario.sync_all()
    scenario.world.quiesce()
    verdict = scenario.world.verdict()
    scenario.world.close()
    return CrashOutcome(point or "", fired, verdict)


def expect_device_rows(world: ChaosWorld) -> int:
    """How many devices central knows (for enrolment checks)."""
    from sqlalchemy import func, select

    with world.central.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Device)).scalar_one())


__all__ = ["CrashOutcome", "Scenario", "SyncError", "run_with_crash", "sync_points"]
