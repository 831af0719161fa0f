"""A Hypothesis state machine over a chaos world: kiosks write, central changes reference
data and moves citizens, sessions run through lossy, duplicating, reordering links and
skewed clocks; at the end (quiescence) nothing is lost, duplicated or diverged."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import select

from models import Citizen, Enrolment, GroupSession, LocalRejection
from models.db import read_session
from models.events import Mark
from models.ids import new_id
from models.timeutil import utcnow
from sync.queue_numbers import next_ticket_number
from sync.server.references import REASONS
from sync.testing import chaos_rows
from sync.testing.chaos import SITES, ChaosKiosk, ChaosWorld
from sync.testing.faults import ChaosFaultPlan
from sync.testing.site_convergence import duplicate_labels

NOW = utcnow().replace(microsecond=0)
#: Why central may refuse a row in this model: the deliberately bad ones, and marks for a
#: session central deleted before the mark arrived.
ALLOWED_REJECTIONS = {REASONS["citizen_in_scope"], REASONS["site_session"]}
#: With two machines on one credential, a row both outboxes held is refused the second time.
CLONE_REJECTION = "an event with this id but other content already exists"
SKEWS = [timedelta(0), timedelta(hours=24), timedelta(hours=-24), timedelta(hours=-1)]


class SyncModel(RuleBasedStateMachine):
    """One example = one world; rules pick kiosks and rows by index."""

    def __init__(self) -> None:
        super().__init__()
        self.home = Path(tempfile.mkdtemp(prefix="mestring-model-"))
        self.world = ChaosWorld(self.home, NOW)
        self.groups: dict[str, list[str]] = {}
        self.bad_rows: set[str] = set()
        self.tickets = 0
        self.stats = {"syncs": 0, "writes": 0, "central": 0, "faults": 0, "restores": 0}
        self.clones = 0

    @initialize(
        devices=st.lists(st.integers(2, 3), min_size=1, max_size=3),
        seed=st.integers(0, 2**16),
        rate=st.sampled_from([0.1, 0.2, 0.3]),
    )
    def start(self, devices: list[int], seed: int, rate: float) -> None:
        """Sites with 2–3 devices each (a desk, a second desk, a group room)."""
        for site in SITES:
            group_id, _citizens = self.world.add_group(site, citizens=2)
            self.groups[site] = [group_id]
        kiosks = [site for site, count in zip(SITES, devices, strict=False) for _ in range(count)]
        for index, site in enumerate(kiosks):
            kiosk = self.world.add_kiosk(site)
            kiosk.faults = ChaosFaultPlan(rate=rate, seed=seed + index, partition_requests=2)

    def _kiosk(self, index: int) -> ChaosKiosk:
        return self.world.kiosks[index % len(self.world.kiosks)]

    def _local(self, kiosk: ChaosKiosk, model: type[Citizen] | type[GroupSession]) -> list[str]:
        return self.world.local_ids(kiosk, model)

    # --- kiosk writes ---

    @rule(k=st.integers(0, 9), i=st.integers(0, 50))
    def check_in(self, k: int, i: int) -> None:
        kiosk = self._kiosk(k)
        citizens = self._local(kiosk, Citizen)
        if citizens:
            now = self.world.now + kiosk.skew
            self.world.write(kiosk, [chaos_rows.check_in(citizens[i % len(citizens)], now)])
            self.stats["writes"] += 1

    @rule(k=st.integers(0, 9), i=st.integers(0, 50), mark=st.sampled_from(list(Mark)))
    def attendance_mark(self, k: int, i: int, mark: Mark) -> None:
        kiosk = self._kiosk(k)
        with read_session(kiosk.engine) as session:
            pairs = sorted(
                session.execute(
                    select(GroupSession.id, Enrolment.citizen_id).join(  # type: ignore[call-overload]
                        Enrolment, Enrolment.group_id == GroupSession.group_id
                    )
                ).all()
            )
        if pairs:
            session_id, citizen_id = pairs[i % len(pairs)]
            now = self.world.now + kiosk.skew
            self.world.write(kiosk, [chaos_rows.mark(session_id, citizen_id, mark.value, now)])
            self.stats["writes"] += 1

    @rule(k=st.integers(0, 9))
    def anonymous_contact(self, k: int) -> None:
        kiosk = self._kiosk(k)
        self.world.write(kiosk, [chaos_rows.anonymous_contact(self.world.now + kiosk.skew)])

    @rule(k=st.integers(0, 9))
    def queue_ticket(self, k: int) -> None:
        kiosk = self._kiosk(k)
        self.tickets += 1
        now = self.world.now + kiosk.skew
        with read_session(kiosk.engine) as session:
            number = next_ticket_number(session, now.date())  # as the desk numbers them
        self.world.write(kiosk, [chaos_rows.queue_ticket(number, now)])

    @rule(k=st.integers(0, 9))
    def permanently_bad_row(self, k: int) -> None:
        row = chaos_rows.check_in(new_id(), self.world.now)  # a citizen central never knew
        self.world.write(self._kiosk(k), [row])
        self.bad_rows.add(row.id)

    @rule(k=st.integers(0, 9), skew=st.sampled_from(SKEWS))
    def kiosk_clock_changes(self, k: int, skew: timedelta) -> None:
        self._kiosk(k).skew = skew  # ±24 h off, an hour back, or right again

    # --- disks ---

    @rule(k=st.integers(0, 9))
    def take_image(self, k: int) -> None:
        self.world.take_image(self._kiosk(k))

    @rule(k=st.integers(0, 9))
    def restore_from_image(self, k: int) -> None:
        """IT operations replace a kiosk's disk by its last image (its counter rewinds)."""
        kiosk = self._kiosk(k)
        if kiosk.image is not None:
            self.world.restore_image(kiosk)
            self.stats["restores"] += 1

    @precondition(lambda self: self.clones == 0)
    @rule(k=st.integers(0, 9))
    def clone_kiosk(self, k: int) -> None:
        """A second machine made from a kiosk's disk pushes with the same credential."""
        self.world.clone(self._kiosk(k))
        self.clones += 1

    # --- central ---

    @rule(site=st.sampled_from(SITES), i=st.integers(0, 9))
    def rename_group(self, site: str, i: int) -> None:
        groups = self.groups[site]
        self.world.rename_group(groups[i % len(groups)], f"Gruppe {i}")
        self.stats["central"] += 1

    @rule(site=st.sampled_from(SITES), new_group=st.booleans())
    def add_session_or_group(self, site: str, new_group: bool) -> None:
        if new_group:
            group_id, _ = self.world.add_group(site, citizens=1)
            self.groups[site].append(group_id)
        else:
            self.world.add_session(self.groups[site][-1])
        self.stats["central"] += 1

    @rule(i=st.integers(0, 99))
    def delete_session(self, i: int) -> None:
        sessions = self.world.central_ids(GroupSession)
        if sessions:
            self.world.delete_row(GroupSession, sessions[i % len(sessions)])
            self.stats["central"] += 1

    @rule(i=st.integers(0, 99), site=st.sampled_from(SITES))
    def citizen_moves(self, i: int, site: str) -> None:
        citizens = self.world.central_ids(Citizen)
        self.world.enrol(citizens[i % len(citizens)], self.groups[site][0])
        self.stats["central"] += 1

    @rule(i=st.integers(0, 99))
    def enrolment_ends(self, i: int) -> None:
        enrolments = self.world.central_ids(Enrolment)
        if enrolments:
            self.world.delete_row(Enrolment, enrolments[i % len(enrolments)])
            self.stats["central"] += 1

    # --- sync ---

    @precondition(lambda self: bool(self.world.kiosks))
    @rule(k=st.integers(0, 9), faulty=st.booleans())
    def sync(self, k: int, faulty: bool) -> None:
        kiosk = self._kiosk(k)
        if kiosk.transport is not None:
            kiosk.transport.enabled = faulty
        self.world.try_sync(kiosk)
        self.stats["syncs"] += 1

    @invariant()
    def kiosks_never_lose_a_confirmed_row(self) -> None:
        for kiosk in self.world.kiosks:
            missing = kiosk.confirmed - self._events_held(kiosk)
            assert not missing, f"{kiosk.name} lost {sorted(missing)[:3]}"

    def _events_held(self, kiosk: ChaosKiosk) -> set[tuple[str, str]]:
        from sync.testing.chaos import EVENT_KINDS

        held: set[tuple[str, str]] = set()
        with read_session(kiosk.engine) as session:
            for kind, model in EVENT_KINDS.items():
                table = model.__table__  # type: ignore[attr-defined]
                held |= {(kind, r) for r in session.execute(select(table.c.id)).scalars()}
        return held

    #: Examples checked to the end in this process (the chaos bench reports it).
    completed = 0
    #: Disk restores and clones over the completed examples (the chaos bench reports them).
    restores = 0
    cloned = 0

    def teardown(self) -> None:
        try:
            if self.world.kiosks:
                self.check_quiescence()
                SyncModel.completed += 1
                SyncModel.restores += self.stats["restores"]
                SyncModel.cloned += self.clones
        finally:
            self.world.close()
            shutil.rmtree(self.home, ignore_errors=True)

    def check_quiescence(self) -> None:
        self.world.quiesce()
        verdict = self.world.verdict()
        assert verdict.clean, verdict.details[:10]
        reasons: dict[str, str] = {}
        for kiosk in self.world.kiosks:
            with read_session(kiosk.engine) as session:
                query = select(LocalRejection.row_id, LocalRejection.reason)  # type: ignore[call-overload]
                reasons.update(dict(session.execute(query).all()))
        if not self.clones and not self.stats["restores"]:
            # A restored or cloned disk may number again before it has synced: not counted.
            assert duplicate_labels(self.world.central) == 0, "two tickets share a label"
        allowed = ALLOWED_REJECTIONS | ({CLONE_REJECTION} if self.clones else set())
        assert set(reasons.values()) <= allowed, set(reasons.values())
        assert self.bad_rows <= reasons.keys(), "a bad row was not rejected"
        for kiosk in self.world.kiosks:
            citizens = set(self._local(kiosk, Citizen))
            assert citizens == self._scope(kiosk.site_id), f"{kiosk.name} holds out-of-scope"

    def _scope(self, site_id: str) -> set[str]:
        from models import SiteScope

        with read_session(self.world.central) as session:
            query = select(SiteScope.citizen_id).where(SiteScope.site_id == site_id)  # type: ignore[call-overload]
            return set(session.execute(query).scalars())
